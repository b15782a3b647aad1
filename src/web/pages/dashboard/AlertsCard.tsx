import { Card, Empty, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DashboardFilters } from '../../api/dashboard';
import { useDashboardAlerts } from '../../api/dashboard';

const COLOURS = { high: 'red', medium: 'orange', low: 'blue' } as const;

/** What needs attention now, with who has to act and a link to the record. */
export function AlertsCard({ filters }: { filters: DashboardFilters }) {
  const { t, i18n } = useTranslation('dashboard');
  const lang = i18n.language === 'en-US' ? 'en' : 'zh';
  const { data, isLoading } = useDashboardAlerts(filters);
  return (
    <Card title={t('alerts', { count: data?.total ?? 0 })} data-testid="dashboard-alerts" loading={isLoading}>
      {data && data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noAlerts')} />
      ) : (
        <List
          size="small"
          dataSource={data?.items ?? []}
          pagination={data && data.items.length > 8 ? { pageSize: 8, size: 'small' } : false}
          renderItem={(a) => (
            <List.Item key={a.key} extra={<Link to={a.link}>{t('open')}</Link>}>
              <List.Item.Meta
                title={
                  <>
                    <Tag color={COLOURS[a.severity]}>{a.kindLabel[lang]}</Tag>
                    {a.title}
                  </>
                }
                description={
                  <Typography.Text type="secondary">
                    {[a.communityName, a.owner ? t('owner', { owner: a.owner }) : null].filter(Boolean).join(' · ')}
                  </Typography.Text>
                }
              />
            </List.Item>
          )}
        />
      )}
      {data?.unavailable.length ? <Typography.Text type="warning">{t('alertsUnavailable')}</Typography.Text> : null}
    </Card>
  );
}
