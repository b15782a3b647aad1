import { Button, Card, Flex, Input, List, Popconfirm, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAddComment, useComments, useDeleteComment } from '../../api/resources';
import { dateTime } from '../../components/labels';

export function Comments({ resourceId, canWrite }: { resourceId: number; canWrite: boolean }) {
  const { t } = useTranslation('resources');
  const { data } = useComments(resourceId);
  const add = useAddComment();
  const remove = useDeleteComment();
  const [text, setText] = useState('');
  return (
    <Card size="small" title={t('comments')} style={{ marginTop: 16 }}>
      <List
        size="small"
        dataSource={data ?? []}
        locale={{ emptyText: ' ' }}
        renderItem={(k) => (
          <List.Item
            extra={
              k.canDelete ? (
                <Popconfirm
                  title={t('common:delete')}
                  onConfirm={() => remove.mutateAsync({ id: resourceId, commentId: k.id }).catch(() => undefined)}
                >
                  <Button size="small" type="link" danger>
                    {t('common:delete')}
                  </Button>
                </Popconfirm>
              ) : null
            }
          >
            <List.Item.Meta
              title={
                <span>
                  {k.userName ?? '—'}{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {k.schoolName ?? ''} {dateTime(k.createdAt)}
                  </Typography.Text>
                </span>
              }
              description={k.body}
            />
          </List.Item>
        )}
      />
      {canWrite ? (
        <Flex gap={8} style={{ marginTop: 8 }}>
          <Input.TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('commentPlaceholder')}
            maxLength={1000}
            autoSize={{ minRows: 1, maxRows: 4 }}
          />
          <Button
            type="primary"
            disabled={!text.trim()}
            loading={add.isPending}
            onClick={() =>
              add
                .mutateAsync({ id: resourceId, body: text.trim() })
                .then(() => setText(''))
                .catch(() => undefined)
            }
          >
            {t('sendComment')}
          </Button>
        </Flex>
      ) : null}
    </Card>
  );
}
