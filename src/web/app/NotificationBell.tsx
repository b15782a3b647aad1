import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Flex, List, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useMarkAllRead, useMarkRead, useNotifications, type NotificationView } from '../api/notifications';
import { dateTime } from '../components/labels';

/** The top bar's bell: the unread count (polled every minute), the newest notifications, mark read, follow the link. */
export function NotificationBell() {
  const { t, i18n } = useTranslation('notifications');
  const en = i18n.language === 'en-US';
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const { data } = useNotifications({ pageSize: 8 }, { poll: true });
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();

  const openItem = (n: NotificationView) => {
    if (!n.readAt) markRead.mutate(n.id);
    if (n.link) {
      setOpen(false);
      void navigate(n.link);
    }
  };

  const content = (
    <div style={{ width: 'min(360px, calc(100vw - 24px))' }} data-testid="notification-list">
      {data?.items.length ? (
        <List
          size="small"
          dataSource={data.items}
          renderItem={(n) => (
            <List.Item
              key={n.id}
              data-testid="notification-item"
              style={{ cursor: 'pointer', background: n.readAt ? undefined : '#f0f7ff', paddingInline: 8 }}
              onClick={() => openItem(n)}
              actions={
                n.readAt
                  ? []
                  : [
                      <Button
                        key="read"
                        type="link"
                        size="small"
                        data-testid="notification-mark-read"
                        onClick={(e) => {
                          e.stopPropagation();
                          markRead.mutate(n.id);
                        }}
                      >
                        {t('markRead')}
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                title={<Typography.Text strong={!n.readAt}>{en ? n.titleEn : n.title}</Typography.Text>}
                description={
                  <>
                    <div>{en ? n.bodyEn : n.body}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {dateTime(n.createdAt)}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('empty')} />
      )}
      <Flex justify="space-between" style={{ marginTop: 8 }}>
        <Button
          size="small"
          disabled={!data?.unread}
          onClick={() => markAll.mutate()}
          data-testid="notification-read-all"
        >
          {t('markAllRead')}
        </Button>
        <Button
          size="small"
          type="link"
          onClick={() => {
            setOpen(false);
            void navigate('/notifications');
          }}
        >
          {t('seeAll')}
        </Button>
      </Flex>
    </div>
  );

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={t('title')}
      content={content}
      open={open}
      onOpenChange={setOpen}
    >
      <Button type="text" aria-label={t('title')} data-testid="notification-bell">
        <Badge count={data?.unread ?? 0} size="small" data-testid="notification-count">
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}
