import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Popconfirm, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DIRECTION_LABELS,
  EXCHANGE_KIND_LABELS,
  EXCHANGE_STATUS_LABELS,
  HONOUR_LEVEL_LABELS,
  WORKLOAD_LABELS,
} from '../../../shared/exchange.enums';
import type { Assignment } from '../../../shared/exchange.schemas';
import { useAssignments, useDeleteAssignment } from '../../api/exchange';
import { EnumSelect } from '../../components/EnumSelect';
import { FilterBar } from '../../components/FilterBar';
import { hours, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { SchoolSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { listOf } from '../../components/useUrlState';
import { AssignmentDetailDrawer } from './AssignmentDetailDrawer';
import { AssignmentFormDrawer } from './AssignmentFormDrawer';
import { ExchangeNav } from './ExchangeNav';
import { schoolYearOptions, STATUS_COLOR } from './shared';

const FILTER_KEYS = ['search', 'kind', 'status', 'direction', 'year', 'schoolId'] as const;

/** 交流名册: every assignment in scope, filterable, with its hours. */
export default function AssignmentsPage() {
  const { t } = useTranslation('exchange');
  const { label } = useLabels();
  const list = useListState(FILTER_KEYS);
  const { state, set, page, pageSize } = list;
  const [editing, setEditing] = useState<Assignment | null | undefined>(undefined);
  const [viewing, setViewing] = useState<number | undefined>(undefined);
  const remove = useDeleteAssignment();
  const filters = {
    search: state.search,
    kind: listOf(state.kind),
    status: listOf(state.status),
    direction: state.direction,
    year: state.year,
    schoolId: state.schoolId,
  };
  const { data, isFetching } = useAssignments({ ...filters, page, pageSize });

  return (
    <>
      <PageHeader
        title={t('title')}
        sub={t('subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing(null)}
            data-testid="assignment-create"
          >
            {t('create')}
          </Button>
        }
      />
      <ExchangeNav />
      <FilterBar onReset={list.reset}>
        <Input.Search
          key={state.search ?? ''}
          allowClear
          placeholder={t('searchTeacher')}
          defaultValue={state.search}
          onSearch={(v) => set({ search: v })}
          style={{ width: 200 }}
        />
        <EnumSelect
          labels={EXCHANGE_KIND_LABELS}
          mode="multiple"
          maxTagCount="responsive"
          placeholder={t('kind')}
          value={listOf(state.kind)}
          onChange={(v: string[]) => set({ kind: v })}
          style={{ width: 180 }}
        />
        <EnumSelect
          labels={EXCHANGE_STATUS_LABELS}
          mode="multiple"
          maxTagCount="responsive"
          placeholder={t('status')}
          value={listOf(state.status)}
          onChange={(v: string[]) => set({ status: v })}
          style={{ width: 160 }}
        />
        <EnumSelect
          labels={DIRECTION_LABELS}
          placeholder={t('direction')}
          value={state.direction}
          onChange={(v?: string) => set({ direction: v })}
          style={{ width: 140 }}
        />
        <Select
          allowClear
          placeholder={t('schoolYear')}
          options={schoolYearOptions(t)}
          value={state.year}
          onChange={(v?: string) => set({ year: v })}
          style={{ width: 150 }}
        />
        <SchoolSelect
          placeholder={t('school')}
          value={state.schoolId ? Number(state.schoolId) : undefined}
          onChange={(v) => set({ schoolId: v as number | undefined })}
          style={{ width: 220 }}
        />
      </FilterBar>
      <ListTable<Assignment>
        loading={isFetching}
        scroll={{ x: 1300 }}
        data-testid="assignment-table"
        list={list}
        data={data}
        columns={[
          {
            title: t('teacher'),
            dataIndex: 'teacherName',
            width: 110,
            // stays in view while the roster scrolls sideways
            fixed: 'start',
            ellipsis: true,
            render: (v: string, r) => <a onClick={() => setViewing(r.id)}>{v}</a>,
          },
          {
            title: t('honourLevel'),
            dataIndex: 'honourLevel',
            width: 120,
            render: (v: Assignment['honourLevel']) =>
              v === 'none' ? '—' : <Tag color={v === 'master' ? 'gold' : 'blue'}>{label(HONOUR_LEVEL_LABELS, v)}</Tag>,
          },
          {
            title: t('kind'),
            dataIndex: 'kind',
            width: 100,
            render: (v: Assignment['kind']) => label(EXCHANGE_KIND_LABELS, v),
          },
          { title: t('fromSchool'), dataIndex: 'fromSchoolName', width: 180, ellipsis: true },
          { title: t('toSchool'), dataIndex: 'toSchoolName', width: 180, ellipsis: true },
          {
            title: t('direction'),
            dataIndex: 'direction',
            width: 100,
            render: (v: Assignment['direction']) => label(DIRECTION_LABELS, v),
          },
          { title: t('period'), key: 'period', width: 200, render: (_, r) => `${r.startDate} ~ ${r.endDate}` },
          {
            title: t('workload'),
            dataIndex: 'workload',
            width: 80,
            render: (v: Assignment['workload'], r) =>
              `${label(WORKLOAD_LABELS, v)}${r.partTimeFraction ? ` ×${r.partTimeFraction}` : ''}`,
          },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 90,
            render: (v: Assignment['status']) => <Tag color={STATUS_COLOR[v]}>{label(EXCHANGE_STATUS_LABELS, v)}</Tag>,
          },
          {
            title: t('hours'),
            dataIndex: 'hours',
            width: 110,
            align: 'right',
            render: (v: number, r) => (
              <span data-testid={`assignment-hours-${r.id}`} title={r.overrideReason ?? undefined}>
                {hours(v)}
                {r.hoursOverride != null ? ' *' : ''}
              </span>
            ),
          },
          {
            title: t('common:actions'),
            key: 'actions',
            width: 130,
            fixed: 'right',
            render: (_, r) => (
              <Space size={4}>
                <Button size="small" type="link" onClick={() => setEditing(r)}>
                  {t('common:edit')}
                </Button>
                <Popconfirm
                  title={t('deleteConfirm', { name: r.teacherName })}
                  onConfirm={() => remove.mutateAsync(r.id).catch(() => undefined)}
                >
                  <Button size="small" type="link" danger>
                    {t('common:delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <AssignmentFormDrawer open={editing !== undefined} assignment={editing} onClose={() => setEditing(undefined)} />
      <AssignmentDetailDrawer id={viewing} onClose={() => setViewing(undefined)} />
    </>
  );
}
