import { Badge, Card, Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { TODO_KIND_LABELS, TODO_KINDS } from '../../../shared/todo.schemas';
import { useTodo } from '../../api/todo';

const COLOURS: Record<string, string> = {
  minutes_signature: 'volcano',
  evaluation_scoring: 'purple',
  work_plan_behind: 'orange',
  mentor_behind: 'gold',
  import_finished: 'blue',
  exchange_ending: 'cyan',
  action_item_due: 'red',
};

/** 待办: what waits for the signed-in user, each one click from the page where they act. */
export function TodoCard() {
  const { t, i18n } = useTranslation('dashboard');
  const en = i18n.language === 'en-US';
  const { data, isLoading } = useTodo();
  const kinds = TODO_KINDS.filter((k) => data?.counts[k]);
  return (
    <Card title={t('todo.title', { count: data?.items.length ?? 0 })} data-testid="todo-card" loading={isLoading}>
      {kinds.length ? (
        <Space size={[4, 8]} wrap style={{ marginBottom: 8 }}>
          {kinds.map((k) => (
            <Tag key={k} color={COLOURS[k]} data-testid={`todo-count-${k}`}>
              {en ? TODO_KIND_LABELS[k].en : TODO_KIND_LABELS[k].zh} <Badge count={data!.counts[k]} size="small" />
            </Tag>
          ))}
        </Space>
      ) : null}
      {data && data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('todo.empty')} data-testid="todo-empty" />
      ) : (
        <List
          size="small"
          dataSource={data?.items ?? []}
          pagination={data && data.items.length > 8 ? { pageSize: 8, size: 'small' } : false}
          renderItem={(item, i) => (
            <List.Item
              key={`${item.kind}-${i}`}
              data-testid={`todo-item-${item.kind}`}
              extra={<Link to={item.link}>{t('todo.act')}</Link>}
            >
              <List.Item.Meta
                title={
                  <>
                    <Tag color={COLOURS[item.kind]}>
                      {en ? TODO_KIND_LABELS[item.kind].en : TODO_KIND_LABELS[item.kind].zh}
                    </Tag>
                    <Link to={item.link} data-testid="todo-link">
                      {en ? item.titleEn : item.title}
                    </Link>
                  </>
                }
                description={
                  item.dueDate ? (
                    <Typography.Text type="secondary">{t('todo.due', { date: item.dueDate })}</Typography.Text>
                  ) : null
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
