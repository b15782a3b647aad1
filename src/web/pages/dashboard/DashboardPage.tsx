import { DesktopOutlined, FilePdfOutlined, FileExcelOutlined, LinkOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Empty, Row, Skeleton, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useMe } from '../../api/auth';
import { useDashboard } from '../../api/dashboard';
import { PageHeader } from '../../components/PageHeader';
import { ReportButton } from '../../components/ReportButton';
import { AlertsCard } from './AlertsCard';
import { FilterControls, useDashboardFilters } from './filters';
import { MapCard } from './MapCard';
import { PanelCard } from './PanelCard';
import { TodoCard } from './TodoCard';

/** 驾驶舱: the region, community or school dashboard, depending on who signs in (and the URL). */
export default function DashboardPage() {
  const { t } = useTranslation('dashboard');
  const { data: me } = useMe();
  const { filters, set, search } = useDashboardFilters();
  const { data, isLoading, isError, error } = useDashboard(filters);
  const canManageScreens = me?.role === 'bureau_admin' || me?.role === 'community_lead';
  const reportQuery = { schoolYear: filters.schoolYear, region: filters.region, communityId: filters.communityId };
  return (
    <div data-testid="dashboard-page">
      <PageHeader
        title={data ? t(`title.${data.scope.view}`, { name: data.scope.name }) : t('title.region', { name: '' })}
        sub={data ? t('asOf', { year: `${data.schoolYear}–${data.schoolYear + 1}` }) : undefined}
        extra={
          <Space wrap>
            <Link to={`/dashboard/big-screen${search ? `?${search}` : ''}`}>
              <Button icon={<DesktopOutlined />} data-testid="open-big-screen">
                {t('bigScreen')}
              </Button>
            </Link>
            {data && data.scope.view !== 'school' ? (
              <>
                <ReportButton
                  kind="dashboard.report-pdf"
                  params={reportQuery}
                  icon={<FilePdfOutlined />}
                  data-testid="report-pdf"
                >
                  {t('reportPdf')}
                </ReportButton>
                <ReportButton
                  kind="dashboard.report-xlsx"
                  params={reportQuery}
                  icon={<FileExcelOutlined />}
                  data-testid="report-xlsx"
                >
                  {t('reportXlsx')}
                </ReportButton>
              </>
            ) : null}
            {canManageScreens ? (
              <Link to="/dashboard/screens">
                <Button icon={<LinkOutlined />}>{t('screens')}</Button>
              </Link>
            ) : null}
          </Space>
        }
      />
      <div style={{ marginBottom: 16 }}>
        <TodoCard />
      </div>
      <div style={{ marginBottom: 16 }}>
        <FilterControls filters={filters} set={set} />
      </div>
      {isError ? (
        <Alert
          type="error"
          showIcon
          message={error instanceof Error ? error.message : t('loadFailed')}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {data?.unavailable.length ? (
        <Alert
          type="warning"
          showIcon
          message={t('unavailable', { n: data.unavailable.length })}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {isLoading ? <Skeleton active /> : null}
      {data && data.panels.length === 0 ? <Empty description={t('noData')} /> : null}
      <Row gutter={[16, 16]}>
        {data?.panels.map((p) => (
          <Col key={p.key} span={24}>
            <PanelCard panel={p} />
          </Col>
        ))}
        {data && data.scope.view !== 'school' ? (
          <Col xs={24} xl={14}>
            <MapCard filters={filters} />
          </Col>
        ) : null}
        <Col xs={24} xl={data && data.scope.view !== 'school' ? 10 : 24}>
          <AlertsCard filters={filters} />
        </Col>
      </Row>
    </div>
  );
}
