import { Alert, Button, Card, Checkbox, Input, List, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import {
  NOTIFICATION_KIND_LABELS,
  NOTIFICATION_KINDS,
  type ChannelPreference,
  type NotificationKind,
} from '../../../shared/notifications.schemas';
import {
  useMarkAllRead,
  useMarkRead,
  useNotifications,
  usePreferences,
  useSavePreferences,
  type NotificationView,
} from '../../api/notifications';
import { dateTime, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';

const DELIVERY_COLORS: Record<string, string> = { pending: 'default', sent: 'success', failed: 'error' };

/** All my notifications, and where each kind reaches me (channels × kinds, daily digest). */
export default function NotificationsPage() {
  const { t } = useTranslation('notifications');
  return (
    <>
      <PageHeader title={t('title')} sub={t('subtitle')} />
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <MyNotifications />
        <PreferencesCard />
      </Space>
    </>
  );
}

function MyNotifications() {
  const { t } = useTranslation('notifications');
  const { label, en } = useLabels();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const { data, isFetching } = useNotifications({ page, pageSize: 20 });
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  return (
    <Card
      title={t('unreadCount', { count: data?.unread ?? 0 })}
      extra={
        <Button disabled={!data?.unread} onClick={() => markAll.mutate()}>
          {t('markAllRead')}
        </Button>
      }
    >
      <List<NotificationView>
        loading={isFetching}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('empty') }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, hideOnSinglePage: true }}
        renderItem={(n) => (
          <List.Item
            key={n.id}
            actions={[
              ...(n.link
                ? [
                    <Button
                      key="open"
                      type="link"
                      onClick={() => {
                        if (!n.readAt) markRead.mutate(n.id);
                        void navigate(n.link!);
                      }}
                    >
                      {t('open')}
                    </Button>,
                  ]
                : []),
              ...(n.readAt
                ? []
                : [
                    <Button key="read" type="link" onClick={() => markRead.mutate(n.id)}>
                      {t('markRead')}
                    </Button>,
                  ]),
            ]}
          >
            <List.Item.Meta
              title={
                <Space>
                  <Typography.Text strong={!n.readAt}>{en ? n.titleEn : n.title}</Typography.Text>
                  <Tag>{label(NOTIFICATION_KIND_LABELS, n.kind)}</Tag>
                </Space>
              }
              description={
                <>
                  <div>{en ? n.bodyEn : n.body}</div>
                  <Space size={4} wrap>
                    <Typography.Text type="secondary">{dateTime(n.createdAt)}</Typography.Text>
                    {n.deliveries.map((d) => (
                      <Tag key={d.channel} color={DELIVERY_COLORS[d.status]} title={d.lastError ?? undefined}>
                        {t(`channels.${d.channel}`)} · {t(`delivery.${d.status}`)}
                      </Tag>
                    ))}
                  </Space>
                </>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

function PreferencesCard() {
  const { t } = useTranslation('notifications');
  const { label } = useLabels();
  const { data } = usePreferences();
  const save = useSavePreferences();
  const [rows, setRows] = useState<ChannelPreference[]>([]);
  useEffect(() => {
    if (data) setRows(data.channels);
  }, [data]);
  const update = (channel: string, patch: Partial<ChannelPreference>) =>
    setRows((rs) => rs.map((r) => (r.channel === channel ? { ...r, ...patch } : r)));
  const toggle = (r: ChannelPreference, kind: NotificationKind, on: boolean) =>
    update(r.channel, { kinds: on ? [...r.kinds, kind] : r.kinds.filter((k) => k !== kind) });

  return (
    <Card title={t('preferences')} data-testid="notification-preferences">
      {rows.some((r) => !r.available) ? (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('unavailableHint')} />
      ) : null}
      <Table<ChannelPreference>
        rowKey="channel"
        size="small"
        pagination={false}
        dataSource={rows}
        scroll={{ x: true }}
        columns={[
          {
            title: t('channel'),
            dataIndex: 'channel',
            render: (c: string, r) => (
              <Space direction="vertical" size={0}>
                <span>{t(`channels.${c}`)}</span>
                {r.available ? null : <Typography.Text type="secondary">{t('notConfigured')}</Typography.Text>}
              </Space>
            ),
          },
          ...NOTIFICATION_KINDS.map((kind) => ({
            title: label(NOTIFICATION_KIND_LABELS, kind),
            key: kind,
            align: 'center' as const,
            render: (_: unknown, r: ChannelPreference) => (
              <Checkbox
                checked={r.kinds.includes(kind)}
                disabled={!r.available}
                onChange={(e) => toggle(r, kind, e.target.checked)}
              />
            ),
          })),
          {
            title: t('digest'),
            key: 'digest',
            render: (_: unknown, r: ChannelPreference) =>
              r.channel === 'in_app' ? (
                '—'
              ) : (
                <Select
                  size="small"
                  style={{ width: 120 }}
                  disabled={!r.available}
                  value={r.digest}
                  onChange={(digest) => update(r.channel, { digest })}
                  options={[
                    { value: 'immediate', label: t('digestModes.immediate') },
                    { value: 'daily', label: t('digestModes.daily') },
                  ]}
                />
              ),
          },
          {
            title: t('address'),
            key: 'address',
            render: (_: unknown, r: ChannelPreference) =>
              r.channel === 'email' ? (
                <Input
                  size="small"
                  style={{ width: 200 }}
                  disabled={!r.available}
                  placeholder="name@example.com"
                  value={r.address ?? ''}
                  onChange={(e) => update(r.channel, { address: e.target.value || null })}
                />
              ) : null,
          },
        ]}
      />
      <Button
        type="primary"
        style={{ marginTop: 12 }}
        loading={save.isPending}
        onClick={() =>
          save.mutate({
            channels: rows.map((r) => ({ channel: r.channel, kinds: r.kinds, digest: r.digest, address: r.address })),
          })
        }
      >
        {t('save')}
      </Button>
    </Card>
  );
}
