import { PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { Button, Input, Popconfirm, Select, Space, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  GENDER_LABELS,
  SUBJECT_LABELS,
  TEACHER_HONOUR_LABELS,
  TEACHER_STATUS_LABELS,
  TEACHER_TITLE_LABELS,
} from '../../../shared/enums';
import type { Teacher } from '../../../shared/registry.schemas';
import { useDeleteTeacher, useSchool, useTeachers } from '../../api/registry';
import { EnumSelect } from '../../components/EnumSelect';
import { ExportButton } from '../../components/ExportButton';
import { boolOptions, FilterBar } from '../../components/FilterBar';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { SchoolSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { TeacherFormDrawer } from './TeacherFormDrawer';

const FILTER_KEYS = ['search', 'schoolId', 'subject', 'honour', 'title', 'gender', 'nonSpecialist', 'status'];

export default function TeachersPage() {
  const { t } = useTranslation('teachers');
  const { label } = useLabels();
  const list = useListState(FILTER_KEYS);
  const { state, set, page, pageSize } = list;
  const [editing, setEditing] = useState<Teacher | null | undefined>(undefined);
  const remove = useDeleteTeacher();
  const schoolId = state.schoolId ? Number(state.schoolId) : undefined;
  const school = useSchool(schoolId);

  const filters = {
    search: state.search,
    schoolId: state.schoolId,
    subject: state.subject,
    honour: state.honour,
    title: state.title,
    gender: state.gender,
    nonSpecialist: state.nonSpecialist,
    status: state.status,
    sort: state.sort,
    order: state.order,
  };
  const { data, isFetching } = useTeachers({ ...filters, page, pageSize, exactTotal: list.exactTotal });
  const { sortOrder } = list;

  return (
    <>
      <PageHeader
        title={t('pageTitle')}
        sub={school.data ? t('ofSchool', { name: school.data.name }) : undefined}
        extra={
          <>
            <ExportButton plural="teachers" filters={filters} />
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing(null)}
              data-testid="teacher-create"
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
          data-testid="teacher-search"
        />
        <SchoolSelect
          placeholder={t('school')}
          value={schoolId}
          initialOptions={school.data ? [{ value: school.data.id, label: school.data.name }] : undefined}
          onChange={(v) => set({ schoolId: v as number | undefined })}
          style={{ width: 220 }}
          data-testid="teacher-filter-school"
        />
        <EnumSelect
          labels={SUBJECT_LABELS}
          placeholder={t('subject')}
          value={state.subject}
          onChange={(v?: string) => set({ subject: v })}
          style={{ width: 130 }}
        />
        <EnumSelect
          labels={TEACHER_HONOUR_LABELS}
          placeholder={t('honour')}
          value={state.honour}
          onChange={(v?: string) => set({ honour: v })}
          style={{ width: 160 }}
        />
        <EnumSelect
          labels={TEACHER_TITLE_LABELS}
          placeholder={t('title')}
          value={state.title}
          onChange={(v?: string) => set({ title: v })}
          style={{ width: 140 }}
        />
        <EnumSelect
          labels={GENDER_LABELS}
          placeholder={t('gender')}
          value={state.gender}
          onChange={(v?: string) => set({ gender: v })}
          style={{ width: 100 }}
        />
        <EnumSelect
          labels={TEACHER_STATUS_LABELS}
          placeholder={t('status')}
          value={state.status}
          onChange={(v?: string) => set({ status: v })}
          style={{ width: 110 }}
        />
        <Select
          allowClear
          placeholder={t('nonSpecialist')}
          options={boolOptions(t)}
          value={state.nonSpecialist}
          onChange={(v?: string) => set({ nonSpecialist: v })}
          style={{ width: 150 }}
        />
      </FilterBar>
      <ListTable<Teacher>
        loading={isFetching}
        scroll={{ x: 1200 }}
        data-testid="teacher-table"
        list={list}
        data={data}
        columns={[
          {
            title: t('teacherCode'),
            dataIndex: 'teacherCode',
            key: 'teacherCode',
            width: 140,
            sorter: true,
            sortOrder: sortOrder('teacherCode'),
          },
          { title: t('name'), dataIndex: 'name', key: 'name', width: 110, sorter: true, sortOrder: sortOrder('name') },
          {
            title: t('gender'),
            dataIndex: 'gender',
            width: 70,
            render: (v: Teacher['gender']) => label(GENDER_LABELS, v),
          },
          {
            title: t('birthYear'),
            dataIndex: 'birthYear',
            key: 'birthYear',
            width: 100,
            sorter: true,
            sortOrder: sortOrder('birthYear'),
            render: (v: number | null) => v ?? '—',
          },
          {
            title: t('school'),
            dataIndex: 'schoolName',
            render: (v: string, r) => <Link to={`/schools/${r.schoolId}`}>{v}</Link>,
          },
          {
            title: t('subjects'),
            dataIndex: 'subjects',
            render: (v: Teacher['subjects'], r) => (
              <>
                {v.map((s) => label(SUBJECT_LABELS, s)).join('、') || '—'}
                {r.nonSpecialist ? (
                  <Tooltip title={t('nonSpecialistHint', { major: label(SUBJECT_LABELS, r.majorSubject) })}>
                    <Tag color="orange" icon={<WarningOutlined />} style={{ marginLeft: 4 }}>
                      {t('nonSpecialistTag')}
                    </Tag>
                  </Tooltip>
                ) : null}
              </>
            ),
          },
          {
            title: t('title'),
            dataIndex: 'title',
            width: 110,
            render: (v: Teacher['title']) => label(TEACHER_TITLE_LABELS, v),
          },
          {
            title: t('honours'),
            dataIndex: 'honours',
            render: (v: Teacher['honours']) =>
              v.length
                ? v.map((h) => (
                    <Tag key={h} color="gold">
                      {label(TEACHER_HONOUR_LABELS, h)}
                    </Tag>
                  ))
                : '—',
          },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 80,
            render: (v: Teacher['status']) => (
              <Tag color={v === 'active' ? 'green' : undefined}>{label(TEACHER_STATUS_LABELS, v)}</Tag>
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
      <TeacherFormDrawer
        open={editing !== undefined}
        teacher={editing}
        defaultSchool={school.data ? { id: school.data.id, name: school.data.name } : undefined}
        onClose={() => setEditing(undefined)}
      />
    </>
  );
}
