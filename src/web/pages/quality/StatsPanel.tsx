import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Radio, Table } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCATION_CLASS_LABELS, type LocationClass } from '../../../shared/enums';
import { STAT_GROUP_LABELS, STAT_GROUPS, type StatGroup, type StatRow } from '../../../shared/quality.schemas';
import { statsExportUrl, useExamStats } from '../../api/quality';
import { useLabels } from '../../components/labels';
import { distributionOption, EChart } from './EChart';
import { rate, score } from './format';

/** Statistics of one exam subject by school, class, community, location class or county. */
export function StatsPanel({ examId, subject }: { examId: number; subject: string }) {
  const { t } = useTranslation('quality');
  const { label } = useLabels();
  const [by, setBy] = useState<StatGroup>('school');
  const { data, isFetching } = useExamStats(examId, subject, by);
  const option = useMemo(() => distributionOption(data?.distribution ?? [], t('stats.students')), [data, t]);
  const rowLabel = (r: StatRow) =>
    by === 'location' ? label(LOCATION_CLASS_LABELS, r.key as LocationClass) : by === 'all' ? t('stats.all') : r.label;
  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" wrap gap={8}>
        <Radio.Group
          value={by}
          onChange={(e) => setBy(e.target.value as StatGroup)}
          optionType="button"
          options={STAT_GROUPS.map((g) => ({ value: g, label: label(STAT_GROUP_LABELS, g) }))}
          data-testid="stats-by"
        />
        <Button icon={<DownloadOutlined />} href={statsExportUrl(examId, subject, by)}>
          {t('common:export')}
        </Button>
      </Flex>
      <Table<StatRow>
        rowKey="key"
        size="small"
        loading={isFetching}
        dataSource={data?.rows ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1100 }}
        data-testid="stats-table"
        columns={[
          {
            title: label(STAT_GROUP_LABELS, by),
            key: 'label',
            fixed: 'left',
            width: 200,
            render: (_, r) => rowLabel(r),
          },
          { title: t('stats.n'), dataIndex: 'n', align: 'right', width: 70 },
          { title: t('stats.mean'), dataIndex: 'mean', align: 'right', render: (v: number | null) => score(v) },
          { title: t('stats.sd'), dataIndex: 'sd', align: 'right', render: (v: number | null) => score(v) },
          { title: t('stats.excellentRate'), dataIndex: 'excellentRate', align: 'right', render: rate },
          { title: t('stats.passRate'), dataIndex: 'passRate', align: 'right', render: rate },
          { title: t('stats.lowRate'), dataIndex: 'lowRate', align: 'right', render: rate },
          { title: 'P25', dataIndex: 'p25', align: 'right', render: (v: number | null) => score(v, 1) },
          { title: t('stats.median'), dataIndex: 'median', align: 'right', render: (v: number | null) => score(v, 1) },
          { title: 'P75', dataIndex: 'p75', align: 'right', render: (v: number | null) => score(v, 1) },
          {
            title: t('stats.range'),
            key: 'range',
            align: 'right',
            render: (_, r) => `${score(r.min, 1)}–${score(r.max, 1)}`,
          },
        ]}
      />
      <Card size="small" title={t('stats.distribution', { full: data?.fullMark ?? '' })}>
        <EChart option={option} height={260} testId="stats-distribution" />
      </Card>
    </Flex>
  );
}
