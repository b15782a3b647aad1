import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Student } from '../../../shared/quality.schemas';
import { errorText } from '../../api/client';
import { studentsExportUrl, useClasses, useStudents } from '../../api/quality';
import { FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';
import { useOwnStudentSchool } from './ownSchool';
import { useLabels } from '../../components/labels';

/** The own school's students (names, masked ID numbers), each linked to the student's report. */
export default function StudentsPage() {
  const { t } = useTranslation('quality');
  const { grade } = useLabels();
  const schoolId = useOwnStudentSchool();
  const list = useListState(['search', 'classId']);
  const { state, set, page, pageSize } = list;
  const filters = { search: state.search, classId: state.classId };
  const { data, isFetching, error } = useStudents({ ...filters, page, pageSize }, schoolId !== null);
  const classes = useClasses({ schoolId: schoolId ?? undefined, pageSize: 200 }, schoolId !== null);
  if (schoolId === null)
    return (
      <>
        <PageHeader title={t('students.title')} />
        <Alert type="info" showIcon title={t('students.ownSchoolOnly')} />
      </>
    );
  return (
    <>
      <PageHeader
        title={t('students.title')}
        sub={t('students.subtitle')}
        extra={
          <Button icon={<DownloadOutlined />} href={studentsExportUrl(filters)}>
            {t('common:export')}
          </Button>
        }
      />
      <FilterBar onReset={list.reset}>
        <Input.Search
          allowClear
          placeholder={t('students.search')}
          defaultValue={state.search}
          onSearch={(v) => set({ search: v })}
          style={{ width: 260 }}
        />
        <Select
          allowClear
          style={{ width: 220 }}
          placeholder={t('students.class')}
          value={state.classId ? Number(state.classId) : undefined}
          onChange={(v?: number) => set({ classId: v })}
          options={(classes.data?.items ?? []).map((c) => ({
            value: c.id,
            label: `${c.schoolYear}–${c.schoolYear + 1} ${grade(c.grade)} ${c.name}`,
          }))}
        />
      </FilterBar>
      {error ? <Alert type="error" showIcon title={errorText(error)} style={{ marginBottom: 16 }} /> : null}
      <ListTable<Student>
        size="small"
        loading={isFetching}
        data-testid="students-table"
        list={list}
        data={data}
        columns={[
          {
            title: t('report.studentKey'),
            dataIndex: 'studentKey',
            render: (v: string, s) => <Link to={`/quality/students/${s.id}`}>{v}</Link>,
          },
          {
            title: t('report.name'),
            dataIndex: 'name',
            render: (v: string | null, s) => (v ? <Link to={`/quality/students/${s.id}`}>{v}</Link> : '—'),
          },
          { title: t('student.idNumber'), dataIndex: 'idNumberMasked', render: (v: string | null) => v ?? '—' },
          { title: t('students.class'), dataIndex: 'className', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}
