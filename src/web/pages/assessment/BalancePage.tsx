import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Input, InputNumber, Row, Select, Space, Statistic, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  BALANCE_INDICATOR_LABELS,
  BALANCE_INDICATORS,
  type BalanceCounty,
  type BalanceIndicator,
  type BalanceSchool,
} from '../../../shared/assessment.schemas';
import { balanceExportUrl, useBalance, useBalanceSchools } from '../../api/assessment';
import { useMe } from '../../api/auth';
import { errorText } from '../../api/client';
import { num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';

interface StageRow {
  indicator: BalanceIndicator;
  threshold: number;
  schools: number;
  mean: number | null;
  cv: number | null;
  cvShown: string | null;
  limit: number;
  passes: boolean | null;
}

const VERDICT_COLOR = { met: 'green', near: 'gold', missed: 'red', missing: 'default' } as const;

type Stage = 'primary' | 'junior';
const PAGE_SIZE = 50;

/**
 * County 优质均衡 indicators: the difference coefficients, each county's result (for a city or
 * province) and the seven resource ratios per school, paged and filtered on the server.
 */
export default function BalancePage() {
  const { t } = useTranslation('assessment');
  const { label, en } = useLabels();
  const me = useMe();
  const [region, setRegion] = useState<string>();
  const [year, setYear] = useState(2025);
  const effective =
    region ?? (me.data?.scope.kind === 'region' && me.data.scope.id !== '000000' ? me.data.scope.id : undefined);
  const { data, error } = useBalance({ region: effective, year });
  const [county, setCounty] = useState<string>();
  const [stage, setStage] = useState<Stage>();
  const [meets, setMeets] = useState<boolean>();
  const [q, setQ] = useState<string>();
  const [sort, setSort] = useState<string>('default');
  const [page, setPage] = useState(1);
  const filter = { region: effective, year, county, stage, meets, q, sort };
  const schools = useBalanceSchools({ ...filter, page, pageSize: PAGE_SIZE });
  const refilter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
    };
  const stageTable = (rows: StageRow[], testId: string) => (
    <Table<StageRow>
      size="small"
      rowKey="indicator"
      pagination={false}
      dataSource={rows}
      data-testid={testId}
      columns={[
        {
          title: t('indicator'),
          dataIndex: 'indicator',
          render: (k: BalanceIndicator) => label(BALANCE_INDICATOR_LABELS, k),
        },
        { title: t('threshold'), dataIndex: 'threshold', width: 90 },
        { title: t('schoolsCounted'), dataIndex: 'schools', width: 80 },
        { title: t('weightedMean'), dataIndex: 'mean', width: 100, render: (v: number | null) => num(v, 2) },
        {
          title: t('cv'),
          dataIndex: 'cv',
          width: 100,
          render: (v: number | null, r) =>
            v === null ? (
              '—'
            ) : (
              <Tag color={r.passes ? 'green' : 'red'}>
                {r.cvShown ?? v} {r.passes ? '≤' : '>'} {r.limit.toFixed(2)}
              </Tag>
            ),
        },
      ]}
    />
  );
  const stageOf = (r: BalanceSchool) => (data?.stages[r.stage] ?? []) as StageRow[];
  const enrolment = (r: BalanceSchool) =>
    r.enrolmentSource === 'grades'
      ? t('enrolmentGrades', { grades: r.stage === 'primary' ? '1–6' : '7–9', total: r.schoolStudents })
      : r.enrolmentSource === 'estimated'
        ? t('enrolmentEstimated', { total: r.schoolStudents })
        : t('enrolmentLevel');
  const explain = (r: BalanceSchool) => (
    <div data-testid={`balance-explain-${r.schoolId}-${r.stage}`}>
      <div>{t(r.meetsStandard ? 'schoolVerdictPass' : 'schoolVerdictFail', { met: r.met })}</div>
      <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
        {stageOf(r).map((x) => {
          const verdict = r.verdicts[x.indicator] ?? 'missing';
          const share = r.shortfalls.find((f) => f.indicator === x.indicator);
          const key =
            verdict === 'met'
              ? 'verdictMet'
              : verdict === 'near'
                ? 'verdictNear'
                : verdict === 'missed'
                  ? 'verdictMissed'
                  : 'verdictMissing';
          return (
            <li key={x.indicator}>
              {label(BALANCE_INDICATOR_LABELS, x.indicator)}：
              {t(key, {
                value: r.valuesShown[x.indicator] ?? '—',
                threshold: x.threshold,
                share: share ? `${(share.ratio * 100).toFixed(1)}%` : '',
              })}
            </li>
          );
        })}
      </ul>
    </div>
  );
  return (
    <>
      <PageHeader
        title={t('balance')}
        extra={
          <Space>
            <Input
              style={{ width: 110 }}
              placeholder={t('region')}
              value={effective}
              onChange={(e) => {
                setRegion(e.target.value);
                setCounty(undefined);
                setPage(1);
              }}
            />
            <InputNumber min={2000} max={2100} value={year} onChange={(v) => setYear(v ?? 2025)} />
          </Space>
        }
      />
      {error ? <Alert type="error" showIcon message={errorText(error)} /> : null}
      {data && (
        <>
          <Alert type="info" style={{ marginBottom: 16 }} message={data.method} />
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col span={6}>
              <Card size="small">
                <Statistic title={t('schoolsMeeting')} value={`${data.summary.meeting} / ${data.summary.schools}`} />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic
                  title={t('primaryCv')}
                  value={data.summary.primaryPasses === null ? '—' : data.summary.primaryPasses ? t('pass') : t('fail')}
                />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic
                  title={t('juniorCv')}
                  value={data.summary.juniorPasses === null ? '—' : data.summary.juniorPasses ? t('pass') : t('fail')}
                />
              </Card>
            </Col>
          </Row>
          <Row gutter={16} style={{ marginBottom: 16 }}>
            <Col span={12}>
              <Card size="small" title={t('primary')}>
                {stageTable(data.stages.primary, 'balance-primary')}
              </Card>
            </Col>
            <Col span={12}>
              <Card size="small" title={t('junior')}>
                {stageTable(data.stages.junior, 'balance-junior')}
              </Card>
            </Col>
          </Row>
          <Alert type="info" style={{ marginBottom: 16 }} message={t('countyVerdict')} />
          {data.stale && <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('balanceStale')} />}
          {data.detail === 'counties' && (
            <Card size="small" title={t('balanceCounties')} extra={t('countiesHint')} style={{ marginBottom: 16 }}>
              <Table<BalanceCounty>
                size="small"
                rowKey="countyCode"
                data-testid="balance-counties"
                dataSource={data.counties}
                pagination={data.counties.length > 20 ? { pageSize: 20 } : false}
                rowClassName={(c) => (c.countyCode === county ? 'ant-table-row-selected' : '')}
                onRow={(c) => ({
                  onClick: () => refilter(setCounty)(c.countyCode === county ? undefined : c.countyCode),
                  style: { cursor: 'pointer' },
                })}
                columns={[
                  {
                    title: t('county'),
                    dataIndex: 'countyName',
                    render: (name: string, c) => (
                      <>
                        {name} {c.stale && <Tag color="orange">{t('staleTag')}</Tag>}
                      </>
                    ),
                  },
                  {
                    title: t('schoolsMeeting'),
                    key: 'meeting',
                    render: (_: unknown, c) => `${c.meeting} / ${c.schools}`,
                  },
                  ...(['primary', 'junior'] as const).map((st) => ({
                    title: t(st === 'primary' ? 'primaryCv' : 'juniorCv'),
                    key: st,
                    render: (_: unknown, c: BalanceCounty) => {
                      const passes = st === 'primary' ? c.primaryPasses : c.juniorPasses;
                      return passes === null ? (
                        '—'
                      ) : (
                        <Tag color={passes ? 'green' : 'red'}>{passes ? t('pass') : t('fail')}</Tag>
                      );
                    },
                  })),
                ]}
              />
            </Card>
          )}
          <Space wrap style={{ marginBottom: 12 }}>
            {data.detail === 'counties' && (
              <Select<string>
                allowClear
                style={{ width: 160 }}
                placeholder={t('allCounties')}
                value={county}
                onChange={refilter(setCounty)}
                options={data.counties.map((c) => ({ value: c.countyCode, label: c.countyName }))}
              />
            )}
            <Select<Stage>
              allowClear
              style={{ width: 120 }}
              placeholder={t('allStages')}
              value={stage}
              onChange={refilter(setStage)}
              options={(['primary', 'junior'] as const).map((st) => ({ value: st, label: t(st) }))}
            />
            <Select<string>
              style={{ width: 160 }}
              value={meets === undefined ? 'any' : meets ? 'yes' : 'no'}
              onChange={(v) => refilter(setMeets)(v === 'any' ? undefined : v === 'yes')}
              options={[
                { value: 'any', label: t('meetsAny') },
                { value: 'yes', label: t('meetsYes') },
                { value: 'no', label: t('meetsNo') },
              ]}
            />
            <Input.Search
              allowClear
              style={{ width: 200 }}
              placeholder={t('searchSchool')}
              onSearch={(v) => refilter(setQ)(v.trim() || undefined)}
            />
            {effective && (
              <Button icon={<DownloadOutlined />} href={balanceExportUrl(filter, en ? 'en' : 'zh')}>
                {t('common:export')}
              </Button>
            )}
          </Space>
          <Table<BalanceSchool>
            size="small"
            loading={schools.isFetching}
            data-testid="balance-schools"
            expandable={{ expandedRowRender: explain }}
            rowKey={(r) => `${r.schoolId}-${r.stage}`}
            dataSource={schools.data?.items ?? []}
            scroll={{ x: 1300 }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: schools.data?.total ?? 0,
              showSizeChanger: false,
            }}
            onChange={(p, _f, sorter) => {
              const one = Array.isArray(sorter) ? sorter[0] : sorter;
              const next =
                one?.order && (one.columnKey === 'students' || one.columnKey === 'met')
                  ? `${one.order === 'descend' ? '-' : ''}${String(one.columnKey)}`
                  : 'default';
              if (next !== sort) {
                setSort(next);
                setPage(1);
              } else setPage(p.current ?? 1);
            }}
            columns={[
              { title: t('school'), dataIndex: 'schoolName', width: 200, fixed: 'left' },
              { title: t('stage'), dataIndex: 'stage', width: 70, render: (s: string) => t(s) },
              { title: t('students'), dataIndex: 'students', key: 'students', width: 80, sorter: true },
              {
                title: t('enrolmentUsed'),
                key: 'enrolment',
                width: 200,
                render: (_: unknown, r: BalanceSchool) => (
                  <span data-testid={`balance-enrolment-${r.schoolId}-${r.stage}`}>{enrolment(r)}</span>
                ),
              },
              ...BALANCE_INDICATORS.map((k) => ({
                title: label(BALANCE_INDICATOR_LABELS, k),
                key: k,
                width: 110,
                render: (_: unknown, r: BalanceSchool) =>
                  r.valuesShown[k] == null ? (
                    '—'
                  ) : (
                    <Tag color={VERDICT_COLOR[r.verdicts[k] ?? 'missing']}>{r.valuesShown[k]}</Tag>
                  ),
              })),
              {
                title: t('met'),
                dataIndex: 'met',
                key: 'met',
                width: 70,
                sorter: true,
                render: (m: number, r) => <Tag color={r.meetsStandard ? 'green' : 'red'}>{m} / 7</Tag>,
              },
            ]}
          />
          {data.detail === 'schools' && data.excluded.length > 0 && (
            <Card size="small" title={t('excludedSchools')} style={{ marginTop: 16 }}>
              <Table
                size="small"
                rowKey="schoolId"
                pagination={false}
                dataSource={data.excluded}
                data-testid="balance-excluded"
                columns={[
                  { title: t('school'), dataIndex: 'schoolName' },
                  { title: t('students'), dataIndex: 'students', width: 80 },
                  {
                    title: t('reason'),
                    key: 'reason',
                    render: (_: unknown, e: { reasonZh: string; reasonEn: string }) => (en ? e.reasonEn : e.reasonZh),
                  },
                ]}
              />
            </Card>
          )}
        </>
      )}
    </>
  );
}
