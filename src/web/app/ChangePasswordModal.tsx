import { Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useChangePassword } from '../api/auth';
import { FormErrors } from '../components/FormErrors';
import { applyServerErrors } from '../components/serverErrors';

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; confirm: string }>();
  const change = useChangePassword();
  const [errors, setErrors] = useState<string[]>([]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await change.mutateAsync({ currentPassword: v.currentPassword, newPassword: v.newPassword });
      form.resetFields();
      onClose();
    } catch (e) {
      setErrors(applyServerErrors(form, e));
    }
  };
  return (
    <Modal
      open={open}
      title={t('changePassword')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={change.isPending}
      destroyOnHidden
    >
      <FormErrors errors={errors} />
      <Form form={form} layout="vertical">
        <Form.Item name="currentPassword" label={t('currentPassword')} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('newPassword')}
          rules={[{ required: true }, { min: 8, message: t('passwordMin') }]}
        >
          <Input.Password autoComplete="new-password" />
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
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
