import { shanghaiDateTime } from '../../../shared/activities.semester';
import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Tag } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ACTIVITY_KIND_LABELS, type Activity } from '../../../shared/activities.schemas';
import { useActivities } from '../../api/activities';
import { apiLanguage } from '../../api/client';
import { EnumSelect } from '../../components/EnumSelect';
import { FilterBar } from '../../components/FilterBar';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ReportButton } from '../../components/ReportButton';
import { ListTable, useListState } from '../../components/ListTable';
import { listOf } from '../../components/useUrlState';
import { ActivityDetailDrawer } from './ActivityDetailDrawer';
import { ActivityFormDrawer } from './ActivityFormDrawer';
import { ActivitiesNav, SemesterSelect, ScopedCommunitySelect } from './shared';

/** The activity log: filters, a server-paged table, quick entry and the archive downloads. */
export default function ActivitiesPage() {
  const { t } = useTranslation('activities');
  const { label } = useLabels();
  const list = useListState(['communityId', 'kind', 'semester', 'month', 'search', 'schoolId', 'ids']);
  const { state, set, page, pageSize } = list;
  const [creating, setCreating] = useState(false);
  const routeId = Number(useParams().id);
  const navigate = useNavigate();
  const [openId, setOpenId] = useState<number | undefined>(Number.isInteger(routeId) ? routeId : undefined);
  const communityId = state.communityId ? Number(state.communityId) : undefined;
  const filters = {
    communityId,
    kind: listOf(state.kind),
    semester: state.semester,
    month: state.month,
    search: state.search,
    schoolId: state.schoolId,
    ids: state.ids,
  };
  const { data, isFetching } = useActivities({ ...filters, page, pageSize, exactTotal: list.exactTotal });

  return (
    <>
      <ActivitiesNav />
      <PageHeader
        title={t('title')}
        extra={
          <>
            {communityId && state.semester ? (
              <>
                <ReportButton
                  kind="activities.archive-xlsx"
                  params={{ communityId, semester: state.semester, lang: apiLanguage() }}
                  data-testid="archive-xlsx"
                >
                  {t('archiveXlsx')}
                </ReportButton>
                <ReportButton
                  kind="activities.archive-pdf"
                  params={{ communityId, semester: state.semester, lang: apiLanguage() }}
                  data-testid="archive-pdf"
                >
                  {t('archivePdf')}
                </ReportButton>
              </>
            ) : null}
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="activity-create"
            >
              {t('create')}
            </Button>
          </>
        }
      />
      <FilterBar onReset={list.reset}>
        <ScopedCommunitySelect
          placeholder={t('f.community')}
          value={communityId}
          onChange={(v) => set({ communityId: v as number | undefined })}
          style={{ width: 220 }}
          data-testid="filter-community"
        />
        <EnumSelect
          labels={ACTIVITY_KIND_LABELS}
          mode="multiple"
          maxTagCount="responsive"
          placeholder={t('f.kind')}
          value={listOf(state.kind)}
          onChange={(v: string[]) => set({ kind: v })}
          style={{ width: 200 }}
        />
        <SemesterSelect
          allowClear
          placeholder={t('semester')}
          value={state.semester}
          onChange={(v?: string) => set({ semester: v })}
          style={{ width: 220 }}
          data-testid="filter-semester"
        />
        <Input.Search
          key={state.search ?? ''}
          allowClear
          placeholder={t('searchTitle')}
          defaultValue={state.search}
          onSearch={(v) => set({ search: v })}
          style={{ width: 200 }}
        />
      </FilterBar>
      <ListTable<Activity>
        loading={isFetching}
        scroll={{ x: 900 }}
        data-testid="activity-table"
        onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
        list={list}
        data={data}
        columns={[
          { title: t('f.date'), dataIndex: 'startsAt', width: 150, render: (v: string) => shanghaiDateTime(v) },
          {
            title: t('f.kind'),
            dataIndex: 'kind',
            width: 120,
            render: (v: Activity['kind']) => (
              <Tag color={v === 'sync_class' ? 'blue' : undefined}>{label(ACTIVITY_KIND_LABELS, v)}</Tag>
            ),
          },
          {
            title: t('f.title'),
            dataIndex: 'title',
            render: (v: string, r) => (
              <>
                {v}
                {r.attachmentCount ? <Tag style={{ marginLeft: 6 }}>📎 {r.attachmentCount}</Tag> : null}
              </>
            ),
          },
          { title: t('f.community'), dataIndex: 'communityName', width: 180 },
          { title: t('f.organizer'), dataIndex: 'organizerSchoolName', width: 180 },
          { title: t('f.teachers'), dataIndex: 'teacherCount', width: 80, align: 'right' },
          { title: t('f.studentsTotal'), dataIndex: 'studentCount', width: 80, align: 'right' },
        ]}
      />
      <ActivityFormDrawer open={creating} onClose={() => setCreating(false)} onSaved={(id) => setOpenId(id)} />
      <ActivityDetailDrawer
        id={openId}
        onClose={() => {
          setOpenId(undefined);
          if (Number.isInteger(routeId)) void navigate('/activities', { replace: true });
        }}
      />
    </>
  );
}
