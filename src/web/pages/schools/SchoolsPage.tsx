import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Popconfirm, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  LOCATION_CLASS_LABELS,
  MEMBERSHIP_ROLE_LABELS,
  QUALITY_TIER_LABELS,
  SCHOOL_LEVEL_LABELS,
} from '../../../shared/enums';
import type { School } from '../../../shared/registry.schemas';
import { useDeleteSchool, useSchools } from '../../api/registry';
import { EnumSelect } from '../../components/EnumSelect';
import { ExportButton } from '../../components/ExportButton';
import { boolOptions, FilterBar } from '../../components/FilterBar';
import { num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { listOf } from '../../components/useUrlState';
import { SchoolFormDrawer } from './SchoolFormDrawer';

const FILTER_KEYS = [
  'search',
  'region',
  'level',
  'locationClass',
  'qualityTier',
  'isTeachingPoint',
  'inCommunity',
] as const;

export default function SchoolsPage() {
  const { t } = useTranslation('schools');
  const { label } = useLabels();
  const list = useListState(FILTER_KEYS);
  const { state, set, page, pageSize } = list;
  const [editing, setEditing] = useState<School | null | undefined>(undefined);
  const remove = useDeleteSchool();

  const filters = {
    search: state.search,
    region: state.region,
    level: listOf(state.level),
    locationClass: listOf(state.locationClass),
    qualityTier: listOf(state.qualityTier),
    isTeachingPoint: state.isTeachingPoint,
    inCommunity: state.inCommunity,
    sort: state.sort,
    order: state.order,
  };
  const { data, isFetching } = useSchools({ ...filters, page, pageSize, exactTotal: list.exactTotal });
  const { sortOrder } = list;

  return (
    <>
      <PageHeader
        title={t('title')}
        extra={
          <>
            <ExportButton plural="schools" filters={filters} />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="school-create">
              {t('create')}
            </Button>
          </>
        }
      />
      <FilterBar onReset={list.reset}>
        <Input.Search
          key={state.search ?? ''}
          allowClear
          placeholder={t('searchPlaceholder')}
          defaultValue={state.search}
          onSearch={(v) => set({ search: v })}
          style={{ width: 240 }}
          data-testid="school-search"
        />
        <RegionSelect
          placeholder={t('region')}
          value={state.region}
          onChange={(v) => set({ region: v as string | undefined })}
          style={{ width: 200 }}
        />
        <EnumSelect
          labels={SCHOOL_LEVEL_LABELS}
          mode="multiple"
          maxTagCount="responsive"
          placeholder={t('level')}
          value={listOf(state.level)}
          onChange={(v: string[]) => set({ level: v })}
          style={{ width: 180 }}
        />
        <EnumSelect
          labels={LOCATION_CLASS_LABELS}
          mode="multiple"
          maxTagCount="responsive"
          placeholder={t('locationClass')}
          value={listOf(state.locationClass)}
          onChange={(v: string[]) => set({ locationClass: v })}
          style={{ width: 160 }}
        />
        <EnumSelect
          labels={QUALITY_TIER_LABELS}
          mode="multiple"
          maxTagCount="responsive"
          placeholder={t('qualityTier')}
          value={listOf(state.qualityTier)}
          onChange={(v: string[]) => set({ qualityTier: v })}
          style={{ width: 160 }}
        />
        <Select
          allowClear
          placeholder={t('isTeachingPoint')}
          options={boolOptions(t)}
          value={state.isTeachingPoint}
          onChange={(v?: string) => set({ isTeachingPoint: v })}
          style={{ width: 130 }}
        />
        <Select
          allowClear
          placeholder={t('inCommunity')}
          options={boolOptions(t)}
          value={state.inCommunity}
          onChange={(v?: string) => set({ inCommunity: v })}
          style={{ width: 150 }}
        />
      </FilterBar>
      <ListTable<School>
        loading={isFetching}
        scroll={{ x: 1200 }}
        data-testid="school-table"
        list={list}
        data={data}
        columns={[
          { title: t('code'), dataIndex: 'code', key: 'code', width: 130, sorter: true, sortOrder: sortOrder('code') },
          {
            title: t('name'),
            dataIndex: 'name',
            key: 'name',
            width: 200,
            sorter: true,
            sortOrder: sortOrder('name'),
            render: (v: string, r) => <Link to={`/schools/${r.id}`}>{v}</Link>,
          },
          {
            title: t('region'),
            dataIndex: 'regionName',
            width: 120,
            render: (v: string | null, r) => v ?? r.regionCode,
          },
          {
            title: t('level'),
            dataIndex: 'level',
            width: 110,
            render: (v: School['level']) => label(SCHOOL_LEVEL_LABELS, v),
          },
          {
            title: t('locationClass'),
            dataIndex: 'locationClass',
            width: 110,
            render: (v: School['locationClass'], r) => (
              <>
                {label(LOCATION_CLASS_LABELS, v)}
                {r.isTeachingPoint ? <Tag style={{ marginLeft: 4 }}>{t('teachingPointTag')}</Tag> : null}
              </>
            ),
          },
          {
            title: t('qualityTier'),
            dataIndex: 'qualityTier',
            width: 90,
            render: (v: School['qualityTier']) =>
              v ? (
                <Tag color={v === 'strong' ? 'green' : v === 'weak' ? 'orange' : 'blue'}>
                  {label(QUALITY_TIER_LABELS, v)}
                </Tag>
              ) : (
                '—'
              ),
          },
          {
            title: t('students'),
            dataIndex: 'students',
            key: 'students',
            width: 100,
            align: 'right',
            sorter: true,
            sortOrder: sortOrder('students'),
            render: (v: number | null) => num(v),
          },
          {
            title: t('teacherCount'),
            dataIndex: 'teacherCount',
            width: 90,
            align: 'right',
            render: (v: number) => num(v),
          },
          {
            title: t('communities'),
            dataIndex: 'communities',
            // wide enough for its header on one line and a community name per tag (it was crushed vertical)
            width: 220,
            render: (cs: School['communities']) =>
              cs.length ? (
                cs.map((c) => (
                  <Tag
                    key={c.id}
                    color={c.role === 'core' ? 'gold' : undefined}
                    title={label(MEMBERSHIP_ROLE_LABELS, c.role)}
                  >
                    <Link to={`/communities/${c.id}`}>{c.name}</Link>
                  </Tag>
                ))
              ) : (
                <span style={{ color: '#999' }}>{t('noCommunity')}</span>
              ),
          },
          {
            title: t('status'),
            dataIndex: 'isActive',
            width: 80,
            render: (v: boolean) => (v ? <Tag color="green">{t('active')}</Tag> : <Tag>{t('inactive')}</Tag>),
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
                  title={t('deleteConfirm', { name: r.name })}
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
      <SchoolFormDrawer open={editing !== undefined} school={editing} onClose={() => setEditing(undefined)} />
    </>
  );
}
