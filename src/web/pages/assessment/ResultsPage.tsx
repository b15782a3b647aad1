import { DownloadOutlined, InfoCircleOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Select, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { RankedResult } from '../../../shared/assessment.schemas';
import { resultsExportUrl, useResults } from '../../api/assessment';
import { useMe } from '../../api/auth';
import { points, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RemoteSelect';
import { PublicPageCard } from './PublicPageCard';

/** A year-on-year change this large (points of 100) is more likely a change of yardstick than of work. */
export const LARGE_CHANGE = 20;

/** Why the previous year's total may not compare: another scheme, another version, dimensions it lacked. */
export function changeReasons(
  r: Pick<RankedResult, 'schemeName' | 'schemeVersion' | 'previousScheme'>,
  t: (key: string, o?: Record<string, unknown>) => string,
): string[] {
  const p = r.previousScheme;
  if (!p) return [];
  const out: string[] = [];
  if (p.name !== r.schemeName || p.version !== r.schemeVersion)
    out.push(
      t('yoy.otherVersion', { prevName: p.name, prevVersion: p.version, name: r.schemeName, version: r.schemeVersion }),
    );
  if (p.missingDimensions.length) out.push(t('yoy.missing', { names: p.missingDimensions.join('、') }));
  if (!out.length) out.push(t('yoy.sameScheme'));
  return out;
}

function Change({ r }: { r: RankedResult }) {
  const { t } = useTranslation('assessment');
  const v = r.change;
  if (v === null) return <>—</>;
  const text = (
    <Typography.Text type={v > 0 ? 'success' : v < 0 ? 'danger' : undefined}>{v > 0 ? `+${v}` : v}</Typography.Text>
  );
  if (Math.abs(v) <= LARGE_CHANGE) return text;
  return (
    <Tooltip
      title={
        <>
          <div>{t('yoy.large', { limit: LARGE_CHANGE })}</div>
          <ul style={{ margin: 0, paddingLeft: 16 }}>
            {changeReasons(r, t).map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </>
      }
    >
      <Space size={4} data-testid={`yoy-hint-${r.evaluationId}`}>
        {text}
        <InfoCircleOutlined style={{ color: '#faad14' }} />
      </Space>
    </Tooltip>
  );
}

/** Published results: the region's development index, the ranking with ties, year-on-year change. */
export default function ResultsPage() {
  const { t } = useTranslation('assessment');
  const { en } = useLabels();
  const me = useMe();
  const [region, setRegion] = useState<string>();
  // no year chosen: the server answers the latest year with published results
  const [year, setYear] = useState<number>();
  const effective =
    region ?? (me.data?.scope.kind === 'region' && me.data.scope.id !== '000000' ? me.data.scope.id : undefined);
  const { data, isFetching } = useResults({ region: effective, year });
  const shownYear = year ?? data?.year;
  const years = [...new Set([...(data?.years ?? []), ...(shownYear ? [shownYear] : [])])].sort((a, b) => b - a);
  return (
    <>
      <PageHeader
        title={t('results')}
        extra={
          <Space>
            <RegionSelect
              style={{ width: 220 }}
              placeholder={t('region')}
              value={effective}
              initialOptions={effective ? [{ value: effective, label: effective }] : undefined}
              onChange={(v) => setRegion(v as string | undefined)}
              data-testid="results-region"
            />
            <Select<number>
              style={{ width: 110 }}
              value={shownYear}
              options={years.map((y) => ({ value: y, label: String(y) }))}
              onChange={(v) => setYear(v)}
              data-testid="results-year"
            />
            {effective && shownYear && (
              <Button icon={<DownloadOutlined />} href={resultsExportUrl(effective, shownYear, en ? 'en' : 'zh')}>
                {t('common:export')}
              </Button>
            )}
          </Space>
        }
      />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t('regionIndex')} value={data?.regionIndex ?? '—'} precision={2} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t('previousRegionIndex')} value={data?.previousRegionIndex ?? '—'} precision={2} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t('publishedCommunities')} value={data?.communities.length ?? 0} />
          </Card>
        </Col>
      </Row>
      {effective && shownYear && (
        <PublicPageCard
          region={effective}
          year={shownYear}
          hasResults={data?.year === shownYear && data.communities.length > 0}
        />
      )}
      <Table<RankedResult>
        rowKey="evaluationId"
        size="middle"
        loading={isFetching}
        dataSource={data?.communities ?? []}
        pagination={false}
        data-testid="results-table"
        columns={[
          { title: t('rank'), dataIndex: 'rank', width: 70 },
          {
            title: t('community'),
            dataIndex: 'communityName',
            width: 260,
            fixed: 'left',
            render: (v: string, r) => <Link to={`/assessment/evaluations/${r.evaluationId}`}>{v}</Link>,
          },
          { title: t('total'), dataIndex: 'total', width: 90, render: (v: number) => points(v) },
          {
            title: t('previousTotal'),
            dataIndex: 'previousTotal',
            width: 100,
            render: (v: number | null) => points(v),
          },
          { title: t('change'), dataIndex: 'change', width: 110, render: (_: unknown, r) => <Change r={r} /> },
          ...(data?.communities[0]?.dimensions ?? []).map((d) => ({
            title: d.name,
            key: d.key,
            width: 90,
            render: (_: unknown, r: RankedResult) => points(r.dimensions.find((x) => x.key === d.key)?.points),
          })),
        ]}
        scroll={{ x: 1200 }}
      />
    </>
  );
}
