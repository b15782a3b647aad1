import { useEffect, useState } from 'react';
import { Card, Empty, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DashboardFilters } from '../../api/dashboard';
import { useDashboardAlerts } from '../../api/dashboard';

const PAGE_SIZE = 8;
const COLOURS = { high: 'red', medium: 'orange', low: 'blue' } as const;

/** What needs attention now, with who has to act and a link to the record. */
export function AlertsCard({ filters }: { filters: DashboardFilters }) {
  const { t, i18n } = useTranslation('dashboard');
  const lang = i18n.language === 'en-US' ? 'en' : 'zh';
  const [page, setPage] = useState(1);
  const filterKey = JSON.stringify(filters);
  useEffect(() => setPage(1), [filterKey]); // other filters: back to the first page
  const { data, isLoading } = useDashboardAlerts(filters, page, PAGE_SIZE);
  return (
    <Card title={t('alerts', { count: data?.total ?? 0 })} data-testid="dashboard-alerts" loading={isLoading}>
      {data && data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noAlerts')} />
      ) : (
        <List
          size="small"
          dataSource={data?.items ?? []}
          pagination={
            data && data.total > PAGE_SIZE
              ? { current: page, pageSize: PAGE_SIZE, total: data.total, size: 'small', onChange: setPage }
              : false
          }
          renderItem={(a) => (
            <List.Item key={a.key} extra={<Link to={a.link}>{t('open')}</Link>}>
              <List.Item.Meta
                title={
                  <>
                    <Tag color={COLOURS[a.severity]}>{a.kindLabel[lang]}</Tag>
                    {lang === 'en' ? a.titleEn : a.title}
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
