import { Card, Empty, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { mapOption } from '../../../shared/dashboard.charts';
import { LOCATION_CLASS_LABELS } from '../../../shared/enums';
import { useDashboardMap, type DashboardFilters } from '../../api/dashboard';
import { DashChart } from './DashChart';

/** Schools on their coordinates with the community lines; drawn without any online map tiles. */
export function MapCard({
  filters,
  dark = false,
  height = 420,
  refreshMs,
}: {
  filters: DashboardFilters;
  dark?: boolean;
  height?: number | string;
  refreshMs?: number;
}) {
  const { t, i18n } = useTranslation('dashboard');
  const lang = i18n.language === 'en-US' ? 'en' : 'zh';
  const { data, isLoading } = useDashboardMap(filters, refreshMs);
  const option = useMemo(() => {
    if (!data) return null;
    const labels = Object.fromEntries(Object.entries(LOCATION_CLASS_LABELS).map(([k, v]) => [k, v[lang]]));
    return mapOption(data, lang, labels, { dark });
  }, [data, lang, dark]);
  const body =
    !data || !option || data.schools.length === 0 ? (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noMap')} />
    ) : (
      <DashChart option={option} height={height} testId="dashboard-map" />
    );
  if (dark) return body;
  return (
    <Card
      title={t('map')}
      loading={isLoading}
      extra={
        data?.withoutCoordinates ? (
          <Typography.Text type="secondary">{t('withoutCoordinates', { n: data.withoutCoordinates })}</Typography.Text>
        ) : null
      }
    >
      {body}
    </Card>
  );
}
