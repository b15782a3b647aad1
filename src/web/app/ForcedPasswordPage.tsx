import { LockOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useChangePassword, useLogout } from '../api/auth';
import { FormErrors } from '../components/FormErrors';
import { applyServerErrors } from '../components/serverErrors';

/**
 * Shown instead of the app after an administrator reset the password: the API answers nothing else
 * (403 password_change_required) until the user chooses a new one.
 */
export function ForcedPasswordPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; confirm: string }>();
  const change = useChangePassword();
  const logout = useLogout();
  const navigate = useNavigate();
  const [errors, setErrors] = useState<string[]>([]);
  const submit = async (v: { currentPassword: string; newPassword: string }) => {
    setErrors([]);
    try {
      await change.mutateAsync({ currentPassword: v.currentPassword, newPassword: v.newPassword });
    } catch (e) {
      setErrors(applyServerErrors(form, e));
    }
  };
  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{ minHeight: '100vh', background: 'linear-gradient(135deg, #001529 0%, #0b3a6b 100%)' }}
    >
      <Card style={{ width: 420 }} data-testid="forced-password">
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          <LockOutlined /> {t('forcedPassword.title')}
        </Typography.Title>
        <Alert type="warning" showIcon title={t('forcedPassword.hint')} style={{ marginBottom: 16 }} />
        <FormErrors errors={errors} />
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item name="currentPassword" label={t('forcedPassword.current')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" data-testid="forced-current" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('newPassword')}
            rules={[{ required: true }, { min: 8, message: t('passwordMin') }]}
          >
            <Input.Password autoComplete="new-password" data-testid="forced-new" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('confirmPassword')}
            dependencies={['newPassword']}
            rules={[
              { required: true },
              ({ getFieldValue }) => ({
                validator: (_, v) =>
                  v === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('passwordMismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="forced-confirm" />
          </Form.Item>
          <Flex gap={8}>
            <Button type="primary" htmlType="submit" loading={change.isPending} data-testid="forced-submit">
              {t('changePassword')}
            </Button>
            <Button
              onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) })}
            >
              {t('logout')}
            </Button>
          </Flex>
        </Form>
      </Card>
    </Flex>
  );
}
