import { Button, Card, Space, Table, Tabs, Tag } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { SUBJECT_LABELS, type Subject } from '../../../shared/enums';
import { EXCHANGE_KIND_LABELS, type ExchangeKind } from '../../../shared/exchange.enums';
import type {
  ExchangeAssignment,
  ExchangeShortage,
  PlanDetail,
  PlannedExchange,
} from '../../../shared/planner.schemas';
import { usePlannedExchanges, useUpdatePlan } from '../../api/planner';
import { num, useLabels } from '../../components/labels';
import { Figures } from './Figures';
import { PlanMap, type MapPair } from './PlanMap';

type ExchangePlan = Extract<PlanDetail, { kind: 'exchange' }>;

export function ExchangePlanView({ plan, editable }: { plan: ExchangePlan; editable: boolean }) {
  const { t } = useTranslation('planner');
  const { label } = useLabels();
  const r = plan.result;
  const update = useUpdatePlan(plan.id);
  const planned = usePlannedExchanges(plan.id, plan.status === 'accepted');
  const s = plan.settings;
  const pairs: MapPair[] = useMemo(
    () =>
      (r?.assignments ?? []).map((a) => ({
        from: String(a.schoolId),
        to: String(a.supplierSchoolId),
        group: String(a.supplierSchoolId),
        label: `${a.supplierName} → ${a.schoolName}：${label(SUBJECT_LABELS, a.subject)}`,
      })),
    [r, label],
  );
  const subject = (v: Subject) => label(SUBJECT_LABELS, v);
  const lock = (a: ExchangeAssignment) =>
    update.mutate({
      locks: [
        ...s.locks.filter((l) => l.shortageKey !== a.shortageKey),
        { shortageKey: a.shortageKey, supplierSchoolId: a.supplierSchoolId },
      ],
    });
  const forbid = (a: ExchangeAssignment) =>
    update.mutate({
      forbidden: [...s.forbidden, { shortageKey: a.shortageKey, supplierSchoolId: a.supplierSchoolId }],
      locks: s.locks.filter((l) => l.shortageKey !== a.shortageKey),
    });

  return (
    <>
      {r ? (
        <Figures
          items={[
            { key: 'shortage', title: t('totals.shortage'), value: r.totals.shortageSlots },
            { key: 'matched', title: t('totals.matched'), value: r.totals.matchedSlots },
            { key: 'total', title: t('totals.total'), value: t('km', { value: num(r.totals.totalDistanceKm, 1) }) },
            { key: 'worst', title: t('totals.worst'), value: t('km', { value: num(r.totals.worstDistanceKm, 1) }) },
          ]}
        />
      ) : null}
      <Card
        size="small"
        title={t('map')}
        extra={<span style={{ color: '#888' }}>{t('mapHint')}</span>}
        style={{ marginBottom: 16 }}
      >
        {r ? <PlanMap points={r.points} pairs={pairs} /> : null}
      </Card>
      <Tabs
        items={[
          {
            key: 'exchanges',
            label: t('exchanges'),
            children: (
              <Table<ExchangeAssignment>
                rowKey={(a) => `${a.shortageKey}>${a.supplierSchoolId}`}
                size="small"
                dataSource={r?.assignments ?? []}
                pagination={{ pageSize: 50, hideOnSinglePage: true }}
                data-testid="exchange-table"
                columns={[
                  {
                    title: t('school'),
                    dataIndex: 'schoolName',
                    render: (v: string, a) => (
                      <Space size={4}>
                        {v}
                        {a.locked ? <Tag color="purple">{t('locked')}</Tag> : null}
                      </Space>
                    ),
                  },
                  { title: t('subject'), dataIndex: 'subject', width: 100, render: subject },
                  { title: t('supplier'), dataIndex: 'supplierName' },
                  { title: t('slots'), dataIndex: 'slots', width: 80, align: 'right' },
                  {
                    title: t('exchangeKind'),
                    dataIndex: 'kind',
                    width: 90,
                    render: (v: string) => (
                      <Tag color={v === 'itinerant' ? 'blue' : 'green'}>{t(`exchangeKinds.${v}`)}</Tag>
                    ),
                  },
                  {
                    title: t('distance'),
                    dataIndex: 'distanceKm',
                    width: 100,
                    align: 'right',
                    render: (v: number) => t('km', { value: num(v, 1) }),
                  },
                  {
                    title: t('teacher'),
                    dataIndex: 'suggestedTeacherName',
                    width: 110,
                    render: (v: string | null) => v ?? '—',
                  },
                  {
                    title: t('why'),
                    dataIndex: 'why',
                    render: (w: ExchangeAssignment['why']) =>
                      t(`exchangeWhys.${w.code}`, {
                        alt: w.altSchoolName ?? '',
                        extra: t('km', { value: num(w.extraKm, 1) }),
                      }),
                  },
                  ...(editable
                    ? [
                        {
                          title: t('common:actions'),
                          key: 'actions',
                          width: 150,
                          render: (_: unknown, a: ExchangeAssignment) => (
                            <Space size={0}>
                              <Button
                                size="small"
                                type="link"
                                disabled={update.isPending || a.locked}
                                onClick={() => lock(a)}
                              >
                                {t('lock')}
                              </Button>
                              <Button
                                size="small"
                                type="link"
                                danger
                                disabled={update.isPending}
                                onClick={() => forbid(a)}
                              >
                                {t('forbid')}
                              </Button>
                            </Space>
                          ),
                        },
                      ]
                    : []),
                ]}
              />
            ),
          },
          {
            key: 'shortages',
            label: t('shortages'),
            children: (
              <Table<ExchangeShortage>
                rowKey="key"
                size="small"
                dataSource={r?.shortages ?? []}
                pagination={{ pageSize: 50, hideOnSinglePage: true }}
                columns={[
                  { title: t('school'), dataIndex: 'schoolName' },
                  { title: t('subject'), dataIndex: 'subject', width: 100, render: subject },
                  { title: t('reason'), dataIndex: 'reason', width: 150, render: (v: string) => t(`reasons.${v}`) },
                  { title: t('slotsNeeded'), dataIndex: 'slotsNeeded', width: 110, align: 'right' },
                  { title: t('slotsMatched'), dataIndex: 'slotsMatched', width: 90, align: 'right' },
                  {
                    title: t('why'),
                    dataIndex: 'unmatchedReason',
                    render: (v: string | null) => (v ? <Tag color="red">{t(`unmatched.${v}`)}</Tag> : null),
                  },
                ]}
              />
            ),
          },
          ...(plan.status === 'accepted'
            ? [
                {
                  key: 'planned',
                  label: t('planned'),
                  children: (
                    <Table<PlannedExchange>
                      rowKey="id"
                      size="small"
                      loading={planned.isFetching}
                      dataSource={planned.data ?? []}
                      pagination={{ pageSize: 50, hideOnSinglePage: true }}
                      columns={[
                        { title: t('school'), dataIndex: 'toSchoolName' },
                        { title: t('subject'), dataIndex: 'subject', render: subject },
                        { title: t('supplier'), dataIndex: 'fromSchoolName' },
                        { title: t('teacher'), dataIndex: 'teacherName', render: (v: string | null) => v ?? '—' },
                        {
                          title: t('exchangeKind'),
                          dataIndex: 'kind',
                          render: (v: ExchangeKind) => label(EXCHANGE_KIND_LABELS, v),
                        },
                        { title: t('slots'), dataIndex: 'weeklySlots' },
                        { title: t('startDate'), dataIndex: 'startDate' },
                      ]}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
