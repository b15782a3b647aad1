import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  TEACHER_HONOUR_LABELS,
  TEACHER_TITLE_LABELS,
  type TeacherHonour,
  type TeacherTitle,
} from '../../../shared/enums';
import { useDrillTeachers } from '../../api/dashboard';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';

/** The teachers behind a teacher figure of the dashboard (same filters, same count). */
export default function DrillTeachersPage() {
  const { t } = useTranslation('dashboard');
  const { label } = useLabels();
  const list = useListState();
  const { state, page, pageSize } = list;
  const { page: _p, pageSize: _s, ...filters } = state;
  const { data, isLoading } = useDrillTeachers({ ...filters, page, pageSize });
  return (
    <>
      <PageHeader
        title={state.master === 'true' ? t('drill.masterTitle') : t('drill.title')}
        sub={t('drill.total', { n: data?.total ?? 0 })}
      />
      <ListTable
        size="small"
        loading={isLoading}
        data-testid="drill-teachers"
        list={list}
        data={data}
        columns={[
          { title: t('drill.code'), dataIndex: 'teacherCode' },
          { title: t('drill.name'), dataIndex: 'name' },
          {
            title: t('drill.school'),
            dataIndex: 'schoolName',
            render: (v: string, r) => <Link to={`/schools/${r.schoolId}`}>{v}</Link>,
          },
          {
            title: t('drill.titleCol'),
            dataIndex: 'title',
            render: (v: TeacherTitle) => label(TEACHER_TITLE_LABELS, v),
          },
          {
            title: t('drill.honours'),
            dataIndex: 'honours',
            render: (v: TeacherHonour[]) => v.map((h) => <Tag key={h}>{label(TEACHER_HONOUR_LABELS, h)}</Tag>),
          },
        ]}
      />
    </>
  );
}
