import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Select, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Student } from '../../../shared/quality.schemas';
import { errorText } from '../../api/client';
import { studentsExportUrl, useClasses, useStudents } from '../../api/quality';
import { FilterBar } from '../../components/FilterBar';
import { PageHeader } from '../../components/PageHeader';
import { useUrlState } from '../../components/useUrlState';
import { useOwnStudentSchool } from './ownSchool';

/** The own school's students (names, masked ID numbers), each linked to the student's report. */
export default function StudentsPage() {
  const { t } = useTranslation('quality');
  const schoolId = useOwnStudentSchool();
  const { state, set, page, pageSize } = useUrlState();
  const filters = { search: state.search, classId: state.classId };
  const { data, isFetching, error } = useStudents({ ...filters, page, pageSize }, schoolId !== null);
  const classes = useClasses({ schoolId: schoolId ?? undefined, pageSize: 200 }, schoolId !== null);
  if (schoolId === null) return <><PageHeader title={t('students.title')} /><Alert type="info" showIcon title={t('students.ownSchoolOnly')} /></>;
  return (
    <>
      <PageHeader title={t('students.title')} sub={t('students.subtitle')} extra={<Button icon={<DownloadOutlined />} href={studentsExportUrl(filters)}>{t('common:export')}</Button>} />
      <FilterBar onReset={() => set({ search: undefined, classId: undefined })}>
        <Input.Search allowClear placeholder={t('students.search')} defaultValue={state.search} onSearch={(v) => set({ search: v })} style={{ width: 260 }} />
        <Select allowClear style={{ width: 220 }} placeholder={t('students.class')} value={state.classId ? Number(state.classId) : undefined} onChange={(v?: number) => set({ classId: v })}
          options={(classes.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.schoolYear}–${c.schoolYear + 1} ${t('exam.gradeN', { n: c.grade })} ${c.name}` }))} />
      </FilterBar>
      {error ? <Alert type="error" showIcon title={errorText(error)} style={{ marginBottom: 16 }} /> : null}
      <Table<Student>
        rowKey="id"
        size="small"
        loading={isFetching}
        dataSource={data?.items ?? []}
        data-testid="students-table"
        pagination={{ current: page, pageSize, total: data?.total ?? 0, showSizeChanger: true, showTotal: (n) => t('common:totalItems', { count: n }), onChange: (p, s) => set({ page: p, pageSize: s }, true) }}
        columns={[
          { title: t('report.studentKey'), dataIndex: 'studentKey', render: (v: string, s) => <Link to={`/quality/students/${s.id}`}>{v}</Link> },
          { title: t('report.name'), dataIndex: 'name', render: (v: string | null, s) => (v ? <Link to={`/quality/students/${s.id}`}>{v}</Link> : '—') },
          { title: t('student.idNumber'), dataIndex: 'idNumberMasked', render: (v: string | null) => v ?? '—' },
          { title: t('students.class'), dataIndex: 'className', render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}
