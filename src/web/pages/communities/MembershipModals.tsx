import { DatePicker, Form, Input, Modal } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MEMBERSHIP_ROLE_LABELS } from '../../../shared/enums';
import type { Membership } from '../../../shared/registry.schemas';
import { useAddMembership, useEndMembership } from '../../api/registry';
import { toIsoDate } from '../../components/dates';
import { EnumSelect } from '../../components/EnumSelect';
import { FormErrors } from '../../components/FormErrors';
import { SchoolSelect } from '../../components/RemoteSelect';
import { applyServerErrors } from '../../components/serverErrors';
import { useChoose } from '../../components/formRules';

interface AddValues {
  schoolId: number;
  role: Membership['role'];
  startDate: Dayjs;
  note?: string;
}

export function AddMemberModal({
  communityId,
  open,
  onClose,
}: {
  communityId: number;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation('communities');
  const choose = useChoose();
  const [form] = Form.useForm<AddValues>();
  const add = useAddMembership(communityId);
  const [errors, setErrors] = useState<string[]>([]);
  useEffect(() => {
    if (open) {
      form.resetFields();
      setErrors([]);
    }
  }, [open, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await add.mutateAsync({
        schoolId: v.schoolId,
        role: v.role,
        startDate: toIsoDate(v.startDate) ?? '',
        note: v.note ?? null,
      });
      onClose();
    } catch (e) {
      setErrors(applyServerErrors(form, e));
    }
  };
  return (
    <Modal
      open={open}
      title={t('addMember')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={add.isPending}
      forceRender
      okButtonProps={{ 'data-testid': 'add-member-submit' } as Record<string, string>}
    >
      <FormErrors errors={errors} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ role: 'member', startDate: dayjs() }}
        data-testid="add-member-form"
      >
        <Form.Item name="schoolId" label={t('school')} rules={[choose(t('school'))]}>
          <SchoolSelect data-testid="add-member-school" />
        </Form.Item>
        <Form.Item name="role" label={t('role')} rules={[choose(t('role'))]}>
          <EnumSelect labels={MEMBERSHIP_ROLE_LABELS} allowClear={false} />
        </Form.Item>
        <Form.Item name="startDate" label={t('startDate')} rules={[choose(t('startDate'))]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="note" label={t('note')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function EndMemberModal({
  communityId,
  membership,
  onClose,
}: {
  communityId: number;
  membership: Membership | null;
  onClose: () => void;
}) {
  const { t } = useTranslation('communities');
  const choose = useChoose();
  const [form] = Form.useForm<{ endDate: Dayjs; note?: string }>();
  const end = useEndMembership(communityId);
  const [errors, setErrors] = useState<string[]>([]);
  useEffect(() => {
    if (membership) {
      form.resetFields();
      setErrors([]);
    }
  }, [membership, form]);
  const submit = async () => {
    if (!membership) return;
    const v = await form.validateFields();
    try {
      await end.mutateAsync({ membershipId: membership.id, endDate: toIsoDate(v.endDate) ?? '', note: v.note ?? null });
      onClose();
    } catch (e) {
      setErrors(applyServerErrors(form, e));
    }
  };
  return (
    <Modal
      open={!!membership}
      title={t('endMemberTitle', { name: membership?.schoolName ?? '' })}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={end.isPending}
      okButtonProps={{ danger: true }}
      okText={t('endMember')}
      forceRender
    >
      <FormErrors errors={errors} />
      <Form form={form} layout="vertical" initialValues={{ endDate: dayjs() }}>
        <Form.Item
          name="endDate"
          label={t('endDate')}
          rules={[choose(t('endDate'))]}
          extra={membership ? t('startedOn', { date: membership.startDate }) : undefined}
        >
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="note" label={t('note')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
