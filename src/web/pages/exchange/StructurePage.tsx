import { Card, Col, DatePicker, Row, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCATION_CLASS_LABELS, SUBJECT_LABELS, TEACHER_HONOUR_LABELS } from '../../../shared/enums';
import type { ShortageRow, StructureUnit } from '../../../shared/exchange-mentorship.schemas';
import { useShortages, useStructure } from '../../api/exchange';
import { FilterBar } from '../../components/FilterBar';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { CommunitySelect } from '../../components/RemoteSelect';
import { useUrlState } from '../../components/useUrlState';
import { ExchangeNav } from './ExchangeNav';
import { ShareChart } from './ShareChart';
import { percent } from './shared';

/** 名师骨干结构: shares before/after exchanges, rural teachers' age, and non-specialist teaching. */
export default function StructurePage() {
  const { t } = useTranslation('exchange');
  const { label } = useLabels();
  const { state, set } = useUrlState();
  const q = { communityId: state.communityId, on: state.on };
  const { data, isFetching } = useStructure(q);
  const shortages = useShortages(q);
  const units = state.communityId ? (data?.schools ?? []) : (data?.communities ?? []);
  const chartLabels = useMemo(() => ({ before: t('before'), after: t('after'), floor: t('floor') }), [t]);
  const unitColumns = [
    {
      title: t('name'),
      dataIndex: 'name',
      render: (v: string, r: StructureUnit) => (
        <>
          {v}
          {r.belowFloor ? (
            <Tag color="red" style={{ marginLeft: 6 }}>
              {t('belowFloor')}
            </Tag>
          ) : null}
        </>
      ),
    },
    {
      title: t('teachersTotal'),
      key: 'total',
      align: 'right' as const,
      render: (_: unknown, r: StructureUnit) => `${r.before.total} → ${r.after.total}`,
    },
    {
      title: t('masterShare'),
      key: 'master',
      align: 'right' as const,
      render: (_: unknown, r: StructureUnit) => `${percent(r.before.masterShare)} → ${percent(r.after.masterShare)}`,
    },
    {
      title: t('backboneShare'),
      key: 'backbone',
      align: 'right' as const,
      render: (_: unknown, r: StructureUnit) =>
        `${percent(r.before.backboneShare)} → ${percent(r.after.backboneShare)}`,
    },
    {
      title: t('byHonour'),
      key: 'honours',
      render: (_: unknown, r: StructureUnit) =>
        Object.entries(r.byHonour).map(([h, n]) => (
          <Tag key={h}>
            {label(TEACHER_HONOUR_LABELS, h as never)} {n}
          </Tag>
        )),
    },
  ];
  return (
    <>
      <PageHeader title={t('structureTitle')} sub={t('structureSubtitle', { floor: percent(data?.floor) })} />
      <ExchangeNav />
      <FilterBar onReset={() => set({ communityId: undefined, on: undefined })}>
        <CommunitySelect
          placeholder={t('allCommunities')}
          value={state.communityId ? Number(state.communityId) : undefined}
          onChange={(v) => set({ communityId: v as number | undefined })}
          style={{ width: 260 }}
        />
        <DatePicker
          value={state.on ? dayjs(state.on) : null}
          onChange={(d) => set({ on: d ? d.format('YYYY-MM-DD') : undefined })}
          placeholder={t('asOf')}
        />
      </FilterBar>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        {(data?.byLocation ?? []).map((l) => (
          <Col span={8} key={l.locationClass}>
            <Card size="small" title={label(LOCATION_CLASS_LABELS, l.locationClass)}>
              <Statistic
                title={t('backboneShare')}
                value={`${percent(l.before.backboneShare)} → ${percent(l.after.backboneShare)}`}
              />
              <Statistic
                title={t('averageAge')}
                value={l.averageAge ?? '—'}
                precision={1}
                data-testid={`avg-age-${l.locationClass}`}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={state.communityId ? t('bySchool') : t('byCommunity')} style={{ marginBottom: 16 }}>
        <ShareChart
          names={units.map((u) => u.name)}
          before={units.map((u) => u.before.backboneShare ?? 0)}
          after={units.map((u) => u.after.backboneShare ?? 0)}
          floor={data?.floor ?? 0.15}
          labels={chartLabels}
        />
        <Table<StructureUnit>
          rowKey="id"
          size="small"
          loading={isFetching}
          dataSource={units}
          pagination={{ pageSize: 20 }}
          columns={unitColumns}
          data-testid="structure-table"
        />
      </Card>
      <Card size="small" title={t('shortageTitle')}>
        <Typography.Paragraph type="secondary">{t('shortageHint')}</Typography.Paragraph>
        <Table<ShortageRow>
          rowKey="subject"
          size="small"
          loading={shortages.isFetching}
          dataSource={shortages.data ?? []}
          pagination={false}
          data-testid="shortage-table"
          columns={[
            { title: t('subject'), dataIndex: 'subject', render: (v: string) => label(SUBJECT_LABELS, v as never) },
            { title: t('teachersOfSubject'), dataIndex: 'teachers', align: 'right' },
            { title: t('nonSpecialist'), dataIndex: 'nonSpecialist', align: 'right' },
            { title: t('share'), dataIndex: 'share', align: 'right', render: (v: number | null) => percent(v) },
            { title: label(LOCATION_CLASS_LABELS, 'rural'), dataIndex: 'rural', align: 'right' },
            { title: label(LOCATION_CLASS_LABELS, 'town'), dataIndex: 'town', align: 'right' },
            { title: label(LOCATION_CLASS_LABELS, 'urban'), dataIndex: 'urban', align: 'right' },
          ]}
        />
      </Card>
    </>
  );
}
