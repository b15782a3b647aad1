import { CloudUploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Badge, Button, Drawer, Flex, Grid, List, Popconfirm, Tag, Typography } from 'antd';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { shanghaiDateTime } from '../../shared/activities.semester';
import { activityKeys } from '../api/activities';
import { apiLanguage } from '../api/client';
import {
  refresh,
  removeRecord,
  resumeAfterLogin,
  retryRecord,
  snapshot,
  subscribe,
  syncQueue,
  type RecordState,
} from './queue';

const STATE_COLOR: Record<RecordState, string> = {
  pending: 'processing',
  syncing: 'processing',
  failed: 'error',
  auth: 'warning',
};

/** Whether the browser says it is online, kept up to date. */
function useOnline() {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/**
 * The header's 待同步 badge and its list, and the queue's sender: on app open, when the connection
 * returns (`online`), and every minute while records wait (a connection that is up but failing), the signed-in user's queue is sent.
 */
export function PendingSync({ userId }: { userId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const q = useSyncExternalStore(subscribe, snapshot);
  const online = useOnline();
  const [open, setOpen] = useState(false);
  const phone = Grid.useBreakpoint().md === false;
  const en = apiLanguage() === 'en';

  useEffect(() => {
    let alive = true;
    const run = async () => {
      if (!alive || !navigator.onLine) return;
      const n = await syncQueue();
      if (n > 0 && alive) {
        void qc.invalidateQueries({ queryKey: activityKeys.all });
        void message.success(t('offline.synced', { count: n }));
      }
    };
    const onOnline = () => void run();
    // records that stopped on an expired session are sent again now that the user is signed in
    void resumeAfterLogin(userId).then(run);
    window.addEventListener('online', onOnline);
    const timer = window.setInterval(() => {
      if (snapshot().records.some((r) => r.view === 'pending')) void run();
    }, 60_000);
    return () => {
      alive = false;
      window.removeEventListener('online', onOnline);
      window.clearInterval(timer);
    };
  }, [userId, qc, message, t]);

  useEffect(() => {
    if (q.userId !== userId) void refresh(userId);
  }, [q.userId, userId]);

  const records = q.userId === userId ? q.records : [];
  if (!records.length) return null;
  const failed = records.some((r) => r.view === 'failed' || r.view === 'auth');

  return (
    <>
      <Badge count={records.length} size="small" color={failed ? '#ff4d4f' : '#faad14'} offset={[-4, 4]}>
        <Button
          type="text"
          icon={<CloudUploadOutlined />}
          aria-label={t('offline.badge')}
          title={t('offline.badge')}
          onClick={() => setOpen(true)}
          data-testid="offline-badge"
        >
          {phone ? null : t(failed ? 'offline.state.failed' : 'offline.state.pending')}
        </Button>
      </Badge>
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        title={t('offline.title')}
        size={phone ? '100%' : 480}
        data-testid="offline-list"
        extra={
          <Button
            type="primary"
            size="small"
            disabled={!online || q.syncing}
            loading={q.syncing}
            onClick={() => void syncQueue()}
            data-testid="offline-sync-now"
          >
            {t('offline.syncNow')}
          </Button>
        }
      >
        {!online ? <Alert type="info" showIcon title={t('offline.offlineNow')} style={{ marginBottom: 12 }} /> : null}
        {q.needLogin ? (
          <Alert
            type="warning"
            showIcon
            title={t('offline.needLogin')}
            style={{ marginBottom: 12 }}
            action={
              <Button
                size="small"
                onClick={() => void navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`)}
                data-testid="offline-login"
              >
                {t('offline.login')}
              </Button>
            }
          />
        ) : null}
        <List
          dataSource={records}
          locale={{ emptyText: t('offline.empty') }}
          renderItem={(r) => {
            const done = r.photos.filter((p) => p.done).length;
            return (
              <List.Item
                key={r.clientId}
                data-testid="offline-record"
                data-state={r.view}
                actions={
                  r.view === 'syncing'
                    ? []
                    : [
                        ...(r.view === 'failed'
                          ? [
                              <Button
                                key="retry"
                                size="small"
                                disabled={!online}
                                onClick={() => void retryRecord(r.clientId)}
                                data-testid="offline-retry"
                              >
                                {t('offline.retry')}
                              </Button>,
                            ]
                          : []),
                        <Popconfirm
                          key="delete"
                          title={t(r.activityId ? 'offline.deleteConfirmPartial' : 'offline.deleteConfirm')}
                          onConfirm={() => removeRecord(r.clientId)}
                          okButtonProps={{ danger: true, id: 'offline-delete-confirm' }}
                        >
                          <Button size="small" danger data-testid="offline-delete">
                            {t('offline.delete')}
                          </Button>
                        </Popconfirm>,
                      ]
                }
              >
                <List.Item.Meta
                  title={
                    <Flex gap={6} align="center" wrap>
                      <Tag color={STATE_COLOR[r.view]} data-testid="offline-state">
                        {t(`offline.state.${r.view}`)}
                      </Tag>
                      <Typography.Text strong>{r.body.title}</Typography.Text>
                    </Flex>
                  }
                  description={
                    <>
                      <div>
                        {t('offline.queuedAt', { time: shanghaiDateTime(r.queuedAt) })}
                        {r.photos.length ? ` · ${t('offline.photos', { done, total: r.photos.length })}` : null}
                      </div>
                      {r.reason ? (
                        <Typography.Text type="danger" data-testid="offline-reason">
                          {en ? r.reason.messageEn || r.reason.message : r.reason.message}
                        </Typography.Text>
                      ) : null}
                    </>
                  }
                />
              </List.Item>
            );
          }}
        />
      </Drawer>
    </>
  );
}
