import { Alert, Card, Col, Input, InputNumber, Row, Space, Statistic, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  BALANCE_INDICATOR_LABELS,
  BALANCE_INDICATORS,
  type BalanceIndicator,
  type BalanceSchool,
} from '../../../shared/assessment.schemas';
import { useBalance } from '../../api/assessment';
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

/** County 优质均衡 indicators: the seven resource ratios per school and the difference coefficients. */
export default function BalancePage() {
  const { t } = useTranslation('assessment');
  const { label, en } = useLabels();
  const me = useMe();
  const [region, setRegion] = useState<string>();
  const [year, setYear] = useState(2025);
  const effective =
    region ?? (me.data?.scope.kind === 'region' && me.data.scope.id !== '000000' ? me.data.scope.id : undefined);
  const { data, error, isFetching } = useBalance({ region: effective, year });
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
              onChange={(e) => setRegion(e.target.value)}
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
          <Table<BalanceSchool>
            size="small"
            loading={isFetching}
            data-testid="balance-schools"
            expandable={{ expandedRowRender: explain }}
            rowKey={(r) => `${r.schoolId}-${r.stage}`}
            dataSource={data.schools}
            scroll={{ x: 1300 }}
            pagination={{ pageSize: 50 }}
            columns={[
              { title: t('school'), dataIndex: 'schoolName', width: 200, fixed: 'left' },
              { title: t('stage'), dataIndex: 'stage', width: 70, render: (s: string) => t(s) },
              { title: t('students'), dataIndex: 'students', width: 80 },
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
                width: 70,
                render: (m: number, r) => <Tag color={r.meetsStandard ? 'green' : 'red'}>{m} / 7</Tag>,
              },
            ]}
          />
          {data.excluded.length > 0 && (
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
