import { PlusOutlined } from '@ant-design/icons';
import { Button, InputNumber, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { SchoolYearStats } from '../../../shared/registry.schemas';
import { useSchool, useSchoolYearStats } from '../../api/registry';
import { ExportButton } from '../../components/ExportButton';
import { FilterBar } from '../../components/FilterBar';
import { dateTime, num, pct } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect, SchoolSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { StatsFormDrawer } from './StatsFormDrawer';

export default function StatsPage() {
  const { t } = useTranslation('stats');
  const list = useListState(['schoolId', 'schoolYear', 'region']);
  const { state, set, page, pageSize } = list;
  const [editing, setEditing] = useState<SchoolYearStats | null | undefined>(undefined);
  const schoolId = state.schoolId ? Number(state.schoolId) : undefined;
  const school = useSchool(schoolId);
  const filters = { schoolId: state.schoolId, schoolYear: state.schoolYear, region: state.region };
  const { data, isFetching } = useSchoolYearStats({ ...filters, page, pageSize });

  return (
    <>
      <PageHeader
        title={t('title')}
        sub={t('subtitle')}
        extra={
          <>
            <ExportButton plural="school-year-stats" filters={filters} />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="stats-create">
              {t('create')}
            </Button>
          </>
        }
      />
      <FilterBar onReset={list.reset}>
        <InputNumber
          placeholder={t('schoolYear')}
          min={1990}
          max={2100}
          precision={0}
          value={state.schoolYear ? Number(state.schoolYear) : null}
          onChange={(v) => set({ schoolYear: v ?? undefined })}
          style={{ width: 130 }}
        />
        <SchoolSelect
          placeholder={t('school')}
          value={schoolId}
          initialOptions={school.data ? [{ value: school.data.id, label: school.data.name }] : undefined}
          onChange={(v) => set({ schoolId: v as number | undefined })}
          style={{ width: 240 }}
        />
        <RegionSelect
          placeholder={t('region')}
          value={state.region}
          onChange={(v) => set({ region: v as string | undefined })}
          style={{ width: 200 }}
        />
      </FilterBar>
      <ListTable<SchoolYearStats>
        loading={isFetching}
        scroll={{ x: 1100 }}
        data-testid="stats-table"
        list={list}
        data={data}
        columns={[
          {
            title: t('school'),
            dataIndex: 'schoolName',
            render: (v: string, r) => <Link to={`/schools/${r.schoolId}`}>{v}</Link>,
          },
          {
            title: t('schoolYear'),
            dataIndex: 'schoolYear',
            width: 110,
            render: (y: number) => t('yearLabel', { year: y, next: y + 1 }),
          },
          {
            title: t('studentsTotal'),
            dataIndex: 'studentsTotal',
            width: 100,
            align: 'right',
            render: (v: number) => num(v),
          },
          {
            title: t('classesTotal'),
            dataIndex: 'classesTotal',
            width: 90,
            align: 'right',
            render: (v: number) => num(v),
          },
          {
            title: t('teachersTotal'),
            dataIndex: 'teachersTotal',
            width: 90,
            align: 'right',
            render: (v: number) => num(v),
          },
          {
            title: t('largeClasses'),
            key: 'large',
            width: 140,
            align: 'right',
            render: (_, r) => {
              const large = (r.classesBySizeBand.b56_65 ?? 0) + (r.classesBySizeBand.ge66 ?? 0);
              return `${num(large)}（${pct(large, r.classesTotal)}）`;
            },
          },
          {
            title: t('backboneTeachers'),
            dataIndex: 'backboneTeachers',
            width: 100,
            align: 'right',
            render: (v: number | null) => num(v),
          },
          {
            title: t('peArtTeachers'),
            dataIndex: 'peArtTeachers',
            width: 100,
            align: 'right',
            render: (v: number | null) => num(v),
          },
          {
            title: t('isStandardized'),
            dataIndex: 'isStandardized',
            width: 100,
            render: (v: boolean) => (v ? <Tag color="green">{t('common:yes')}</Tag> : <Tag>{t('common:no')}</Tag>),
          },
          { title: t('updatedAt'), dataIndex: 'updatedAt', width: 170, render: (v: string) => dateTime(v) },
          {
            title: t('common:actions'),
            key: 'a',
            width: 90,
            fixed: 'right',
            render: (_, r) => (
              <Button size="small" type="link" onClick={() => setEditing(r)}>
                {t('correct')}
              </Button>
            ),
          },
        ]}
      />
      <StatsFormDrawer
        open={editing !== undefined}
        record={editing}
        defaultSchool={school.data ? { id: school.data.id, name: school.data.name } : undefined}
        onClose={() => setEditing(undefined)}
      />
    </>
  );
}
