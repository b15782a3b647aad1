import { Button, Card, Form, InputNumber, Select, Space, Switch, Table, Tabs, Tag, Tooltip } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PairingAssignment, PairingResult, PlanDetail, PlanPoint } from '../../../shared/planner.schemas';
import { useUpdatePlan } from '../../api/planner';
import { num } from '../../components/labels';
import { Figures } from './Figures';
import { PlanMap, type MapPair } from './PlanMap';

type PairingPlan = Extract<PlanDetail, { kind: 'pairing' }>;

export function PairingPlanView({ plan, editable }: { plan: PairingPlan; editable: boolean }) {
  const { t } = useTranslation('planner');
  const r = plan.result;
  const update = useUpdatePlan(plan.id);
  const s = plan.settings;
  const pairs: MapPair[] = useMemo(() => {
    if (!r) return [];
    // colour by community: tier-2 pairs take the colour of their centre's core
    const coreOf = new Map(r.assignments.filter((a) => a.tier === 1).map((a) => [a.memberId, a.coreId]));
    return r.assignments.map((a) => ({
      from: a.memberId,
      to: a.coreId,
      group: a.tier === 2 ? (coreOf.get(a.coreId) ?? a.coreId) : a.coreId,
      label: `${a.memberName} — ${a.coreName}：${t('km', { value: a.distanceKm })}`,
    }));
  }, [r, t]);

  const lock = (a: PairingAssignment) =>
    update.mutate({
      locks: [...s.locks.filter((l) => l.memberId !== a.memberId), { memberId: a.memberId, coreId: a.coreId }],
    });
  const unlock = (a: PairingAssignment) => update.mutate({ locks: s.locks.filter((l) => l.memberId !== a.memberId) });
  const forbid = (a: PairingAssignment) =>
    update.mutate({
      forbidden: [...s.forbidden, { memberId: a.memberId, coreId: a.coreId }],
      locks: s.locks.filter((l) => l.memberId !== a.memberId),
    });

  return (
    <>
      {r && r.status !== 'infeasible' ? (
        <Figures
          items={[
            { key: 'members', title: t('totals.members'), value: r.totals.members },
            { key: 'total', title: t('totals.total'), value: t('km', { value: num(r.totals.totalDistanceKm, 1) }) },
            { key: 'worst', title: t('totals.worst'), value: t('km', { value: num(r.totals.worstDistanceKm, 1) }) },
            {
              key: 'average',
              title: t('totals.average'),
              value: t('km', { value: num(r.totals.averageDistanceKm, 1) }),
            },
            { key: 'kept', title: t('totals.kept'), value: r.totals.kept },
            { key: 'changed', title: t('totals.changed'), value: r.totals.changed },
            { key: 'added', title: t('totals.added'), value: r.totals.added },
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
            key: 'proposal',
            label: t('proposal'),
            children: (
              <ProposalTable
                result={r}
                editable={editable}
                busy={update.isPending}
                onLock={lock}
                onUnlock={unlock}
                onForbid={forbid}
              />
            ),
          },
          {
            key: 'capacities',
            label: t('capacities'),
            children: (
              <CapacityTable
                points={r?.points ?? []}
                plan={plan}
                editable={editable}
                onPatch={(patch) => update.mutate(patch)}
              />
            ),
          },
          {
            key: 'settings',
            label: t('settings'),
            children: (
              <SettingsForm plan={plan} editable={editable} busy={update.isPending} onSave={(v) => update.mutate(v)} />
            ),
          },
        ]}
      />
    </>
  );
}

function ProposalTable({
  result,
  editable,
  busy,
  onLock,
  onUnlock,
  onForbid,
}: {
  result: PairingResult | null;
  editable: boolean;
  busy: boolean;
  onLock: (a: PairingAssignment) => void;
  onUnlock: (a: PairingAssignment) => void;
  onForbid: (a: PairingAssignment) => void;
}) {
  const { t } = useTranslation('planner');
  const tree = result?.assignments.some((a) => a.tier === 2) ?? false;
  return (
    <Table<PairingAssignment>
      rowKey="memberId"
      size="small"
      dataSource={result?.assignments ?? []}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      data-testid="proposal-table"
      columns={[
        {
          title: t('member'),
          dataIndex: 'memberName',
          render: (v: string, a) => (
            <Space size={4}>
              {v}
              {a.locked ? <Tag color="purple">{t('locked')}</Tag> : null}
            </Space>
          ),
        },
        ...(tree ? [{ title: t('tier'), dataIndex: 'tier', width: 120, render: (v: number) => t(`tiers.${v}`) }] : []),
        { title: t('core'), dataIndex: 'coreName' },
        {
          title: t('distance'),
          dataIndex: 'distanceKm',
          width: 100,
          align: 'right' as const,
          sorter: (a, b) => a.distanceKm - b.distanceKm,
          render: (v: number) => t('km', { value: num(v, 1) }),
        },
        {
          title: t('change'),
          dataIndex: 'change',
          width: 150,
          render: (v: PairingAssignment['change'], a) => (
            <Tooltip title={a.previousCoreName ? t('previous', { name: a.previousCoreName }) : undefined}>
              <Tag color={v === 'kept' ? 'default' : v === 'changed' ? 'orange' : 'green'}>{t(`changes.${v}`)}</Tag>
            </Tooltip>
          ),
        },
        {
          title: t('why'),
          dataIndex: 'why',
          render: (w: PairingAssignment['why']) =>
            t(`whys.${w.code}`, { alt: w.altCoreName ?? '', extra: t('km', { value: num(w.extra, 1) }) }),
        },
        ...(editable
          ? [
              {
                title: t('common:actions'),
                key: 'actions',
                width: 170,
                render: (_: unknown, a: PairingAssignment) => (
                  <Space size={0}>
                    {a.locked ? (
                      <Button size="small" type="link" disabled={busy} onClick={() => onUnlock(a)}>
                        {t('unlock')}
                      </Button>
                    ) : (
                      <Button
                        size="small"
                        type="link"
                        disabled={busy}
                        onClick={() => onLock(a)}
                        data-testid={`lock-${a.memberId}`}
                      >
                        {t('lock')}
                      </Button>
                    )}
                    <Button
                      size="small"
                      type="link"
                      danger
                      disabled={busy}
                      onClick={() => onForbid(a)}
                      data-testid={`forbid-${a.memberId}`}
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
  );
}

function CapacityTable({
  points,
  plan,
  editable,
  onPatch,
}: {
  points: PlanPoint[];
  plan: PairingPlan;
  editable: boolean;
  onPatch: (patch: Record<string, unknown>) => void;
}) {
  const { t } = useTranslation('planner');
  const cores = points.filter((p) => p.role === 'core' || (p.role === 'centre' && p.capacity !== null));
  return (
    <>
      <Table<PlanPoint>
        rowKey="id"
        size="small"
        dataSource={cores}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('core'), dataIndex: 'name' },
          { title: t('load'), dataIndex: 'load', width: 90, align: 'right' },
          {
            title: t('capacity'),
            dataIndex: 'capacity',
            width: 140,
            render: (v: number | null, p) => (
              <InputNumber
                min={0}
                max={50}
                size="small"
                disabled={!editable}
                defaultValue={v ?? 0}
                onBlur={(e) => {
                  const next = Number(e.target.value);
                  if (Number.isInteger(next) && next >= 0 && next !== v)
                    onPatch({ capacities: { ...plan.settings.capacities, [p.id]: next } });
                }}
              />
            ),
          },
        ]}
      />
      {plan.settings.forbidden.length ? (
        <Card size="small" title={t('forbidden')} style={{ marginTop: 12 }}>
          <Space wrap>
            {plan.settings.forbidden.map((f) => {
              const name = (id: string) => points.find((p) => p.id === id)?.name ?? id;
              return (
                <Tag
                  key={`${f.memberId}-${f.coreId}`}
                  closable={editable}
                  onClose={() => onPatch({ forbidden: plan.settings.forbidden.filter((x) => x !== f) })}
                >
                  {name(f.memberId)} ✕ {name(f.coreId)}
                </Tag>
              );
            })}
          </Space>
        </Card>
      ) : null}
    </>
  );
}

type SettingsValues = Pick<
  PairingPlan['settings'],
  | 'mode'
  | 'model'
  | 'defaultCapacity'
  | 'villageCapacity'
  | 'detourFactor'
  | 'changePenalty'
  | 'maxDistanceKm'
  | 'sameLevel'
  | 'allowCrossRegion'
  | 'includePotential'
>;

function SettingsForm({
  plan,
  editable,
  busy,
  onSave,
}: {
  plan: PairingPlan;
  editable: boolean;
  busy: boolean;
  onSave: (v: SettingsValues) => void;
}) {
  const { t } = useTranslation('planner');
  const [form] = Form.useForm<SettingsValues>();
  return (
    <Form
      form={form}
      layout="vertical"
      disabled={!editable}
      initialValues={plan.settings}
      onFinish={onSave}
      style={{ maxWidth: 640 }}
    >
      <Space wrap size={16} align="start">
        <Form.Item name="mode" label={t('mode')} tooltip={t('help.mode')}>
          <Select
            style={{ width: 280 }}
            options={(['flat', 'tree'] as const).map((v) => ({ value: v, label: t(`modes.${v}`) }))}
          />
        </Form.Item>
        <Form.Item name="model" label={t('model')} tooltip={t('help.model')}>
          <Select
            style={{ width: 280 }}
            options={(['basic', 'gap'] as const).map((v) => ({ value: v, label: t(`models.${v}`) }))}
          />
        </Form.Item>
        <Form.Item name="defaultCapacity" label={t('defaultCapacity')} tooltip={t('help.defaultCapacity')}>
          <InputNumber min={0} max={50} />
        </Form.Item>
        <Form.Item name="villageCapacity" label={t('villageCapacity')} tooltip={t('help.villageCapacity')}>
          <InputNumber min={0} max={50} />
        </Form.Item>
        <Form.Item name="detourFactor" label={t('detourFactor')} tooltip={t('help.detourFactor')}>
          <InputNumber min={1} max={3} step={0.1} />
        </Form.Item>
        <Form.Item name="changePenalty" label={t('changePenalty')} tooltip={t('help.changePenalty')}>
          <InputNumber min={0} max={1000} />
        </Form.Item>
        <Form.Item name="maxDistanceKm" label={t('maxDistanceKm')} tooltip={t('help.maxDistanceKm')}>
          <InputNumber min={1} max={5000} placeholder="—" />
        </Form.Item>
        <Form.Item name="sameLevel" label={t('sameLevel')} tooltip={t('help.sameLevel')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item
          name="allowCrossRegion"
          label={t('allowCrossRegion')}
          tooltip={t('help.allowCrossRegion')}
          valuePropName="checked"
        >
          <Switch />
        </Form.Item>
        <Form.Item
          name="includePotential"
          label={t('includePotential')}
          tooltip={t('help.includePotential')}
          valuePropName="checked"
        >
          <Switch />
        </Form.Item>
      </Space>
      <div>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="settings-save">
          {t('replan')}
        </Button>
      </div>
    </Form>
  );
}
