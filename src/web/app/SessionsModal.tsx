import { Button, Modal, Popconfirm, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { SessionView } from '../../shared/auth.schemas';
import { useRevokeSession, useSessions, useSignOutEverywhere } from '../api/sessions';
import { dateTime } from '../components/labels';

/** "Chrome · Windows" from a user-agent string; the full string is in the tooltip. */
export function deviceOf(ua: string | null): string {
  if (!ua) return '—';
  const browser = [
    [/DingTalk/i, '钉钉'],
    [/wxwork/i, '企业微信'],
    [/MicroMessenger/i, '微信'],
    [/Edg\//, 'Edge'],
    [/Firefox\//, 'Firefox'],
    [/Chrome\//, 'Chrome'],
    [/Safari\//, 'Safari'],
  ].find(([re]) => (re as RegExp).test(ua))?.[1] as string | undefined;
  const os = [
    [/iPhone|iPad/, 'iOS'],
    [/Android/, 'Android'],
    [/Windows/, 'Windows'],
    [/Mac OS X|Macintosh/, 'macOS'],
    [/Linux/, 'Linux'],
  ].find(([re]) => (re as RegExp).test(ua))?.[1] as string | undefined;
  return [browser, os].filter(Boolean).join(' · ') || ua.slice(0, 40);
}

/** 会话管理: where the user is signed in, with "end this session" and "sign out everywhere". */
export function SessionsModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data, isFetching } = useSessions(open);
  const revoke = useRevokeSession();
  const everywhere = useSignOutEverywhere();
  const signOutEverywhere = () =>
    everywhere.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) });
  return (
    <Modal
      open={open}
      title={t('sessions.title')}
      onCancel={onClose}
      width={820}
      destroyOnHidden
      footer={[
        <Popconfirm key="all" title={t('sessions.everywhereConfirm')} onConfirm={signOutEverywhere}>
          <Button danger loading={everywhere.isPending} data-testid="sessions-signout-all">
            {t('sessions.everywhere')}
          </Button>
        </Popconfirm>,
        <Button key="close" onClick={onClose}>
          {t('close')}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">{t('sessions.hint')}</Typography.Paragraph>
      <Table<SessionView>
        rowKey="id"
        size="small"
        loading={isFetching}
        dataSource={data ?? []}
        pagination={false}
        data-testid="sessions-table"
        columns={[
          {
            title: t('sessions.device'),
            dataIndex: 'userAgent',
            render: (v: string | null, r) => (
              <Tooltip title={v}>
                <span>{deviceOf(v)}</span> {r.current ? <Tag color="green">{t('sessions.current')}</Tag> : null}
              </Tooltip>
            ),
          },
          { title: t('sessions.ip'), dataIndex: 'ip', width: 150, render: (v: string | null) => v ?? '—' },
          { title: t('sessions.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => dateTime(v) },
          { title: t('sessions.lastSeenAt'), dataIndex: 'lastSeenAt', width: 170, render: (v: string) => dateTime(v) },
          {
            title: t('actions'),
            key: 'a',
            width: 90,
            render: (_, r) =>
              r.current ? null : (
                <Button
                  size="small"
                  type="link"
                  danger
                  onClick={() => revoke.mutate(r.id)}
                  data-testid="session-revoke"
                >
                  {t('sessions.revoke')}
                </Button>
              ),
          },
        ]}
      />
    </Modal>
  );
}
