import { GlobalOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useLogin, useMe } from '../../api/auth';
import { errorText } from '../../api/client';
import { changeLanguage } from '../../i18n';

export default function LoginPage() {
  const { t, i18n } = useTranslation('auth');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const { data: me } = useMe();
  const [error, setError] = useState<string | null>(null);
  const next = params.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  if (me) return <Navigate to={target} replace />;

  const onFinish = (v: { username: string; password: string }) => {
    setError(null);
    login.mutate(v, {
      onSuccess: () => void navigate(target, { replace: true }),
      onError: (e) => setError(errorText(e)),
    });
  };

  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', background: 'linear-gradient(135deg, #001529 0%, #0b3a6b 100%)' }}>
      <Card style={{ width: 380 }}>
        <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            共进 Gongjin
          </Typography.Title>
          <Segmented
            size="small"
            value={i18n.language}
            onChange={(v) => void changeLanguage(v as 'zh-CN' | 'en-US')}
            options={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en-US', label: <span><GlobalOutlined /> EN</span> },
            ]}
          />
        </Flex>
        <Typography.Paragraph type="secondary">{t('subtitle')}</Typography.Paragraph>
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
        <Form layout="vertical" onFinish={onFinish} data-testid="login-form" requiredMark={false}>
          <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" data-testid="login-username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">
            {t('signIn')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}
