import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Segmented, Select, Statistic, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  DIRECTION_LABELS,
  EXCHANGE_KIND_LABELS,
  EXCHANGE_STATUS_LABELS,
  HONOUR_LEVEL_LABELS,
  TOTALS_DIMENSIONS,
  type TotalsDimension,
} from '../../../shared/exchange.enums';
import type { TotalsRow } from '../../../shared/exchange.schemas';
import { reportUrl, useTotals } from '../../api/exchange';
import { EnumSelect } from '../../components/EnumSelect';
import { FilterBar } from '../../components/FilterBar';
import { hours, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { listOf, useUrlState } from '../../components/useUrlState';
import { ExchangeNav } from './ExchangeNav';
import { schoolYearOptions } from './shared';

/** 交流统计: people, person-times and hours by any dimension, and the provincial xlsx report. */
export default function ReportPage() {
  const { t } = useTranslation('exchange');
  const { state, set } = useUrlState();
  const { label } = useLabels();
  const CODES = { kind: EXCHANGE_KIND_LABELS, direction: DIRECTION_LABELS, honour: HONOUR_LEVEL_LABELS } as Partial<
    Record<TotalsDimension, Record<string, { zh: string; en: string }>>
  >;
  const by = (state.by ?? 'kind') as TotalsDimension;
  const filters = { year: state.year, kind: listOf(state.kind), status: listOf(state.status) };
  const { data, isFetching } = useTotals({ ...filters, by });
  return (
    <>
      <PageHeader
        title={t('reportTitle')}
        sub={t('reportSubtitle')}
        extra={
          <Button icon={<DownloadOutlined />} href={reportUrl(filters)} data-testid="report-export">
            {t('exportReport')}
          </Button>
        }
      />
      <ExchangeNav />
      <FilterBar onReset={() => set({ year: undefined, kind: undefined, status: undefined })}>
        <Select
          allowClear
          placeholder={t('allYears')}
          options={schoolYearOptions(t)}
          value={state.year}
          onChange={(v?: string) => set({ year: v })}
          style={{ width: 150 }}
        />
        <EnumSelect
          labels={EXCHANGE_KIND_LABELS}
          mode="multiple"
          maxTagCount="responsive"
          placeholder={t('kind')}
          value={listOf(state.kind)}
          onChange={(v: string[]) => set({ kind: v })}
          style={{ width: 200 }}
        />
        <EnumSelect
          labels={EXCHANGE_STATUS_LABELS}
          mode="multiple"
          maxTagCount="responsive"
          placeholder={t('statusDefault')}
          value={listOf(state.status)}
          onChange={(v: string[]) => set({ status: v })}
          style={{ width: 220 }}
        />
      </FilterBar>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={8}>
          <Card>
            <Statistic title={t('people')} value={data?.total.people ?? 0} />
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <Statistic title={t('personTimes')} value={data?.total.personTimes ?? 0} />
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <Statistic title={t('totalHours')} value={data?.total.hours ?? 0} precision={1} data-testid="total-hours" />
          </Card>
        </Col>
      </Row>
      <Segmented
        value={by}
        onChange={(v) => set({ by: String(v) })}
        options={TOTALS_DIMENSIONS.map((d) => ({ value: d, label: t(`by.${d}`) }))}
        style={{ marginBottom: 12 }}
      />
      <Table<TotalsRow>
        rowKey="key"
        size="middle"
        loading={isFetching}
        dataSource={data?.rows ?? []}
        pagination={{ pageSize: 20 }}
        data-testid="totals-table"
        columns={[
          {
            title: t(`by.${by}`),
            dataIndex: 'label',
            render: (v: string, r) => (CODES[by] ? label(CODES[by], r.key) : v),
          },
          { title: t('people'), dataIndex: 'people', align: 'right' },
          { title: t('personTimes'), dataIndex: 'personTimes', align: 'right' },
          { title: t('hours'), dataIndex: 'hours', align: 'right', render: (v: number) => hours(v) },
        ]}
      />
    </>
  );
}
