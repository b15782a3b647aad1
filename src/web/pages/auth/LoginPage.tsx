import { GlobalOutlined, LockOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Divider, Flex, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useLogin, useMe } from '../../api/auth';
import { errorText } from '../../api/client';
import { useAuthMethods, usePendingChallenge } from '../../api/identity';
import { changeLanguage } from '../../i18n';
import { SecondStep } from './SecondStep';

export default function LoginPage() {
  const { t, i18n } = useTranslation('auth');
  const { t: ti } = useTranslation('identity');
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const login = useLogin();
  const { data: me } = useMe();
  const [error, setError] = useState<string | null>(null);
  const next = params.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  // second step (TOTP code or enrolment): after the password, or back from SSO with ?step=2fa
  const methods = useAuthMethods();
  const fromSso = params.get('step') === '2fa';
  const pending = usePendingChallenge(fromSso && !me);
  const [step, setStep] = useState<'totp' | 'enrol' | null>(null);
  const secondStep = step ?? (fromSso ? (pending.data?.kind ?? null) : null);
  const restart = () => {
    setStep(null);
    setError(null);
    if (fromSso)
      setParams(
        (p) => {
          p.delete('step');
          return p;
        },
        { replace: true },
      );
  };
  const finish = (returnTo: string | null) =>
    void navigate(returnTo && returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : target, {
      replace: true,
    });

  if (me && !secondStep) return <Navigate to={target} replace />;

  const onFinish = (v: { username: string; password: string }) => {
    setError(null);
    login.mutate(v, {
      onSuccess: (r) => {
        if (r.secondStep) setStep(r.secondStep.kind);
        else void navigate(target, { replace: true });
      },
      onError: (e) => setError(errorText(e)),
    });
  };
  const sso = methods.data?.oidc ?? null;
  const passwordOn = methods.data?.password ?? true;

  const firstStep = (
    <>
      {fromSso && pending.data === null ? (
        <Alert type="warning" showIcon title={ti('challengeExpired')} style={{ marginBottom: 16 }} />
      ) : null}
      {error ? (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />
      ) : null}
      {sso ? (
        <Button
          block
          size="large"
          icon={<SafetyCertificateOutlined />}
          href={`${sso.startUrl}?next=${encodeURIComponent(target)}`}
          type={passwordOn ? 'default' : 'primary'}
          data-testid="login-sso"
        >
          {sso.label}
        </Button>
      ) : null}
      {sso && passwordOn ? <Divider plain>{ti('or')}</Divider> : null}
      {!passwordOn ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, textAlign: 'center' }}>
          {ti('ssoOnly')}
        </Typography.Paragraph>
      ) : null}
      {passwordOn ? (
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
      ) : null}
    </>
  );

  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{ minHeight: '100vh', background: 'linear-gradient(135deg, #001529 0%, #0b3a6b 100%)' }}
    >
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
              {
                value: 'en-US',
                label: (
                  <span>
                    <GlobalOutlined /> EN
                  </span>
                ),
              },
            ]}
          />
        </Flex>
        <Typography.Paragraph type="secondary">{t('subtitle')}</Typography.Paragraph>
        {secondStep ? <SecondStep kind={secondStep} onDone={finish} onRestart={restart} /> : firstStep}
      </Card>
    </Flex>
  );
}
