import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Popconfirm, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { COMMUNITY_MODEL_LABELS, COMMUNITY_TYPE_LABELS } from '../../../shared/enums';
import type { Community } from '../../../shared/registry.schemas';
import { useCommunities, useDeleteCommunity } from '../../api/registry';
import { EnumSelect } from '../../components/EnumSelect';
import { ExportButton } from '../../components/ExportButton';
import { boolOptions, FilterBar } from '../../components/FilterBar';
import { num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect, SchoolSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { listOf } from '../../components/useUrlState';
import { CommunityFormDrawer } from './CommunityFormDrawer';

const FILTER_KEYS = ['search', 'region', 'type', 'model', 'isCrossRegion', 'schoolId', 'active'];

export default function CommunitiesPage() {
  const { t } = useTranslation('communities');
  const { label } = useLabels();
  const navigate = useNavigate();
  const list = useListState(FILTER_KEYS);
  const { state, set, page, pageSize } = list;
  const [creating, setCreating] = useState(false);
  const remove = useDeleteCommunity();
  const filters = {
    search: state.search,
    region: state.region,
    type: listOf(state.type),
    model: listOf(state.model),
    isCrossRegion: state.isCrossRegion,
    schoolId: state.schoolId,
    active: state.active,
  };
  const { data, isFetching } = useCommunities({ ...filters, page, pageSize, exactTotal: list.exactTotal });

  return (
    <>
      <PageHeader
        title={t('title')}
        extra={
          <>
            <ExportButton plural="communities" filters={filters} />
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="community-create"
            >
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
          style={{ width: 220 }}
          data-testid="community-search"
        />
        <RegionSelect
          placeholder={t('region')}
          value={state.region}
          onChange={(v) => set({ region: v as string | undefined })}
          style={{ width: 200 }}
        />
        <EnumSelect
          labels={COMMUNITY_TYPE_LABELS}
          mode="multiple"
          placeholder={t('type')}
          value={listOf(state.type)}
          onChange={(v: string[]) => set({ type: v })}
          style={{ width: 170 }}
        />
        <EnumSelect
          labels={COMMUNITY_MODEL_LABELS}
          mode="multiple"
          placeholder={t('model')}
          value={listOf(state.model)}
          onChange={(v: string[]) => set({ model: v })}
          style={{ width: 170 }}
        />
        <Select
          allowClear
          placeholder={t('isCrossRegion')}
          options={boolOptions(t)}
          value={state.isCrossRegion}
          onChange={(v?: string) => set({ isCrossRegion: v })}
          style={{ width: 130 }}
        />
        <Select
          allowClear
          placeholder={t('activeFilter')}
          options={boolOptions(t)}
          value={state.active}
          onChange={(v?: string) => set({ active: v })}
          style={{ width: 130 }}
        />
        <SchoolSelect
          placeholder={t('hasSchool')}
          value={state.schoolId ? Number(state.schoolId) : undefined}
          onChange={(v) => set({ schoolId: v as number | undefined })}
          style={{ width: 200 }}
        />
      </FilterBar>
      <ListTable<Community>
        loading={isFetching}
        scroll={{ x: 1100 }}
        data-testid="community-table"
        list={list}
        data={data}
        columns={[
          { title: t('code'), dataIndex: 'code', width: 120 },
          {
            title: t('name'),
            dataIndex: 'name',
            width: 220,
            render: (v: string, r) => <Link to={`/communities/${r.id}`}>{v}</Link>,
          },
          {
            title: t('type'),
            dataIndex: 'type',
            width: 90,
            render: (v: Community['type']) => (
              <Tag color={v === 'fused' ? 'purple' : v === 'cobuilt' ? 'blue' : 'cyan'}>
                {label(COMMUNITY_TYPE_LABELS, v)}
              </Tag>
            ),
          },
          {
            title: t('model'),
            dataIndex: 'model',
            width: 100,
            render: (v: Community['model']) => label(COMMUNITY_MODEL_LABELS, v),
          },
          {
            title: t('region'),
            dataIndex: 'regionName',
            width: 110,
            render: (v: string | null, r) => v ?? r.regionCode,
          },
          {
            title: t('isCrossRegion'),
            dataIndex: 'isCrossRegion',
            width: 140,
            render: (v: boolean, r) =>
              v ? <Tag color="orange">{r.partnerRegionName ?? r.partnerRegionCode ?? t('common:yes')}</Tag> : '—',
          },
          {
            title: t('coreSchools'),
            dataIndex: 'coreSchools',
            render: (cs: Community['coreSchools']) =>
              cs.length
                ? cs.map((c) => (
                    <Tag key={c.id} color="gold">
                      <Link to={`/schools/${c.id}`}>{c.name}</Link>
                    </Tag>
                  ))
                : '—',
          },
          {
            title: t('memberCount'),
            dataIndex: 'memberCount',
            width: 90,
            align: 'right',
            render: (v: number) => num(v),
          },
          { title: t('foundedOn'), dataIndex: 'foundedOn', width: 110 },
          {
            title: t('common:actions'),
            key: 'actions',
            width: 130,
            fixed: 'right',
            render: (_, r) => (
              <Space size={4}>
                <Button size="small" type="link" onClick={() => void navigate(`/communities/${r.id}`)}>
                  {t('common:view')}
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
      <CommunityFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(c) => void navigate(`/communities/${c.id}`)}
      />
    </>
  );
}
