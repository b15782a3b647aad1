import { Card, DatePicker, Empty, Select, Space, Statistic, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { GENDER_LABELS, LOCATION_CLASS_LABELS } from '../../../shared/enums';
import { DUE_STATE_LABELS, EXCHANGE_KIND_LABELS } from '../../../shared/exchange.enums';
import type { DueItem } from '../../../shared/exchange.schemas';
import { useDue, useRules } from '../../api/exchange';
import { EnumSelect } from '../../components/EnumSelect';
import { FilterBar } from '../../components/FilterBar';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';
import { listOf } from '../../components/useUrlState';
import { ExchangeNav } from './ExchangeNav';

const STATE_COLOR = { due: 'red', scheduled: 'blue', done: 'green' } as const;

/** 应交流名单: who a cycle rule obliges, and whether they have moved in the current cycle. */
export default function DuePage() {
  const { t } = useTranslation('exchange');
  const { label } = useLabels();
  const list = useListState();
  const { state, set, page, pageSize } = list;
  const rules = useRules();
  const ruleId = state.ruleId ?? (rules.data?.[0] ? String(rules.data[0].id) : undefined);
  const { data, isFetching } = useDue({ ruleId, state: listOf(state.state ?? 'due'), on: state.on, page, pageSize });
  const rule = data?.rule;
  return (
    <>
      <PageHeader title={t('dueTitle')} sub={t('dueSubtitle')} />
      <ExchangeNav />
      <FilterBar>
        <Select
          placeholder={t('rule')}
          value={ruleId}
          onChange={(v: string) => set({ ruleId: v })}
          style={{ width: 360 }}
          options={(rules.data ?? []).map((r) => ({ value: String(r.id), label: r.name }))}
          data-testid="due-rule"
        />
        <EnumSelect
          labels={DUE_STATE_LABELS}
          mode="multiple"
          placeholder={t('dueState')}
          value={listOf(state.state ?? 'due')}
          onChange={(v: string[]) => set({ state: v.length ? v : 'due,scheduled,done' })}
          style={{ width: 280 }}
        />
        <DatePicker
          value={state.on ? dayjs(state.on) : null}
          onChange={(d) => set({ on: d ? d.format('YYYY-MM-DD') : undefined })}
          placeholder={t('asOf')}
        />
      </FilterBar>
      {!ruleId && !rules.isLoading ? <Empty description={t('noRules')} /> : null}
      {rule && data ? (
        <Space wrap style={{ marginBottom: 16 }}>
          <Card size="small">
            <Statistic title={t('cycle')} value={t('cycleRange', { from: data.window.start, to: data.window.end })} />
          </Card>
          <Card size="small">
            <Statistic
              title={t('ruleDetail')}
              value={[
                rule.kinds.map((k) => label(EXCHANGE_KIND_LABELS, k)).join('、'),
                rule.maleMaxAge ? t('maleUnder', { age: rule.maleMaxAge }) : null,
                rule.femaleMaxAge ? t('femaleUnder', { age: rule.femaleMaxAge }) : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            />
          </Card>
          {(['due', 'scheduled', 'done'] as const).map((s) => (
            <Card size="small" key={s}>
              <Statistic
                title={label(DUE_STATE_LABELS, s)}
                value={data.counts[s]}
                valueStyle={{ color: s === 'due' ? '#cf1322' : undefined }}
              />
            </Card>
          ))}
        </Space>
      ) : null}
      <ListTable<DueItem>
        rowKey="teacherId"
        loading={isFetching}
        data-testid="due-table"
        list={list}
        data={data}
        columns={[
          { title: t('teacher'), dataIndex: 'teacherName' },
          { title: t('gender'), dataIndex: 'gender', render: (v: DueItem['gender']) => label(GENDER_LABELS, v) },
          { title: t('age'), dataIndex: 'age' },
          { title: t('school'), dataIndex: 'schoolName' },
          {
            title: t('locationClass'),
            dataIndex: 'locationClass',
            render: (v: DueItem['locationClass']) => label(LOCATION_CLASS_LABELS, v),
          },
          {
            title: t('dueState'),
            dataIndex: 'state',
            render: (v: DueItem['state']) => <Tag color={STATE_COLOR[v]}>{label(DUE_STATE_LABELS, v)}</Tag>,
          },
          {
            title: t('lastExchange'),
            dataIndex: 'lastExchangeDate',
            render: (v: string | null) => v ?? <Tag>{t('neverMoved')}</Tag>,
          },
        ]}
      />
    </>
  );
}
