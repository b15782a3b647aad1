import { UserAddOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InvitedPrincipal, MeetingDetail, SchoolPrincipal } from '../../../shared/meetings.schemas';
import { useInvitePrincipal, usePrincipals } from '../../api/meetings';
import { applyServerErrors } from '../../components/serverErrors';

/**
 * Issue 20: a member school without a principal account blocks 传阅会签. The lead sees which schools
 * and opens the account from here; the one-time password is shown once, to pass on to the principal.
 */
export function MissingPrincipals({ meeting }: { meeting: MeetingDetail }) {
  const { t } = useTranslation('meetings');
  const { data } = usePrincipals(meeting.id, meeting.can.manage);
  const [inviting, setInviting] = useState<SchoolPrincipal | null>(null);
  const [made, setMade] = useState<InvitedPrincipal | null>(null);
  const missing = (data ?? []).filter((p) => p.principal === null);
  if (!missing.length && !made) return null;
  return (
    <>
      {missing.length ? (
        <Alert
          type="warning"
          showIcon
          data-testid="missing-principals"
          title={t('missingPrincipalsTitle')}
          description={
            <Space orientation="vertical" size={4}>
              <Typography.Text type="secondary">{t('missingPrincipalsHint')}</Typography.Text>
              {missing.map((p) => (
                <Space key={p.schoolId}>
                  <b>{p.schoolName}</b>
                  <Button
                    size="small"
                    icon={<UserAddOutlined />}
                    onClick={() => setInviting(p)}
                    data-testid={`invite-principal-${p.schoolId}`}
                  >
                    {t('invitePrincipal')}
                  </Button>
                </Space>
              ))}
            </Space>
          }
        />
      ) : null}
      {inviting ? (
        <InviteModal
          meetingId={meeting.id}
          school={inviting}
          onClose={() => setInviting(null)}
          onMade={(m) => {
            setInviting(null);
            setMade(m);
          }}
        />
      ) : null}
      <Modal
        open={!!made}
        title={t('invitedTitle')}
        onOk={() => setMade(null)}
        onCancel={() => setMade(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        okButtonProps={{ ...({ 'data-testid': 'invited-close' } as object) }}
      >
        {made ? (
          <Space orientation="vertical" data-testid="invited-account">
            <Alert type="info" showIcon title={t('invitedHint')} />
            <Typography.Text>
              {t('invitedUsername')}：
              <Typography.Text copyable code data-testid="invited-username">
                {made.username}
              </Typography.Text>
            </Typography.Text>
            <Typography.Text>
              {t('invitedPassword')}：
              <Typography.Text copyable code data-testid="invited-password">
                {made.oneTimePassword}
              </Typography.Text>
            </Typography.Text>
          </Space>
        ) : null}
      </Modal>
    </>
  );
}

function InviteModal({
  meetingId,
  school,
  onClose,
  onMade,
}: {
  meetingId: number;
  school: SchoolPrincipal;
  onClose: () => void;
  onMade: (m: InvitedPrincipal) => void;
}) {
  const { t } = useTranslation('meetings');
  const [form] = Form.useForm<{ displayName: string; phone: string }>();
  const invite = useInvitePrincipal(meetingId);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      onMade(await invite.mutateAsync({ schoolId: school.schoolId, displayName: v.displayName, phone: v.phone }));
    } catch (e) {
      applyServerErrors(form, e);
    }
  };
  return (
    <Modal
      open
      title={t('invitePrincipalFor', { school: school.schoolName })}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText={t('invitePrincipal')}
      okButtonProps={{ loading: invite.isPending, ...({ 'data-testid': 'invite-submit' } as object) }}
    >
      <Form form={form} layout="vertical" initialValues={{ displayName: school.suggestedName ?? '' }}>
        <Form.Item
          name="displayName"
          label={t('principalName')}
          rules={[{ required: true, message: t('common:required') }]}
        >
          <Input maxLength={50} data-testid="invite-name" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('principalPhone')}
          extra={t('principalPhoneHint')}
          rules={[{ required: true, pattern: /^1[3-9]\d{9}$/, message: t('phoneInvalid') }]}
        >
          <Input maxLength={11} inputMode="tel" data-testid="invite-phone" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
