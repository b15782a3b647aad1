import { HomeOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Input, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Region } from '../../../shared/registry.schemas';
import { NATION_CODE, regionContains } from '../../../shared/regions';
import { useMe } from '../../api/auth';
import { useLoadTownships, useRegion, useRegions } from '../../api/registry';
import { num } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';

const LEVEL_KEYS = ['nation', 'province', 'city', 'county', 'township'] as const;

/** Browse the division hierarchy: nation → province → city → county → township, with school counts. */
export default function RegionsPage() {
  const { t } = useTranslation('regions');
  const listState = useListState();
  const { state, set, page, pageSize } = listState;
  const parent = state.parent || NATION_CODE;
  const search = state.search;
  const current = useRegion(parent);
  const list = useRegions({ parent: search ? undefined : parent, search, page, pageSize });
  const { data: me } = useMe();
  const loadTownships = useLoadTownships();
  // a county's bureau (or one above it) loads its townships from the division data, as the API allows
  const canLoadTownships =
    current.data?.level === 3 &&
    me?.role === 'bureau_admin' &&
    me.scope.kind === 'region' &&
    regionContains(me.scope.id, parent);

  const path = [...(current.data?.path ?? []), ...(current.data ? [current.data] : [])];
  const levelName = (l: number) => t(`level.${LEVEL_KEYS[l] ?? 'township'}`);

  return (
    <>
      <PageHeader title={t('title')} sub={t('subtitle')} />
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        <Breadcrumb
          items={path.map((r) => ({
            key: r.code,
            title:
              r.code === parent ? (
                <span>
                  {r.code === NATION_CODE ? <HomeOutlined /> : null} {r.name}
                </span>
              ) : (
                <a onClick={() => set({ parent: r.code, search: undefined })}>
                  {r.code === NATION_CODE ? <HomeOutlined /> : null} {r.name}
                </a>
              ),
          }))}
        />
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('searchPlaceholder')}
            defaultValue={search}
            onSearch={(v) => set({ search: v || undefined })}
            style={{ width: 360 }}
          />
          {canLoadTownships ? (
            <Button
              loading={loadTownships.isPending}
              onClick={() => loadTownships.mutate(parent)}
              data-testid="load-townships"
            >
              {t('loadTownships')}
            </Button>
          ) : null}
        </Space>
        <ListTable<Region>
          rowKey="code"
          loading={list.isFetching}
          list={listState}
          data={list.data}
          onRow={(r) => ({ onDoubleClick: () => r.level < 4 && set({ parent: r.code, search: undefined }) })}
          columns={[
            {
              title: t('name'),
              dataIndex: 'name',
              render: (v: string, r) =>
                r.level < 4 ? <a onClick={() => set({ parent: r.code, search: undefined })}>{v}</a> : v,
            },
            { title: t('code'), dataIndex: 'code', width: 140 },
            {
              title: t('levelCol'),
              dataIndex: 'level',
              width: 120,
              render: (l: number, r) => (
                <>
                  {levelName(l)}
                  {r.isStatistical ? <Tag style={{ marginLeft: 8 }}>{t('statistical')}</Tag> : null}
                </>
              ),
            },
            {
              title: t('schoolCount'),
              dataIndex: 'schoolCount',
              width: 120,
              align: 'right',
              render: (n: number | undefined) => num(n ?? 0),
            },
            {
              title: t('actions'),
              width: 200,
              render: (_, r) => (
                <Space>
                  {r.level < 4 ? (
                    <Button size="small" type="link" onClick={() => set({ parent: r.code, search: undefined })}>
                      {t('open')}
                    </Button>
                  ) : null}
                  <Link to={`/schools?region=${r.code}`}>{t('viewSchools')}</Link>
                </Space>
              ),
            },
          ]}
        />
      </Space>
    </>
  );
}
