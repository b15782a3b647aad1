import { BarChartOutlined, PlusOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Input, Popconfirm, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { SUBJECT_LABELS } from '../../../shared/enums';
import { TERM_LABELS, type Exam } from '../../../shared/quality.schemas';
import { useDeleteExam, useExams } from '../../api/quality';
import { FilterBar } from '../../components/FilterBar';
import { num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ListTable, useListState } from '../../components/ListTable';
import { ExamFormDrawer } from './ExamFormDrawer';
import { useOwnStudentSchool } from './ownSchool';

export default function QualityExamsPage() {
  const { t } = useTranslation('quality');
  const { label, grade } = useLabels();
  const list = useListState(['search']);
  const { state, set, page, pageSize } = list;
  const [creating, setCreating] = useState(false);
  const { data, isFetching } = useExams({ search: state.search, page, pageSize });
  const remove = useDeleteExam();
  const ownSchool = useOwnStudentSchool();
  return (
    <>
      <PageHeader
        title={t('title')}
        sub={t('subtitle')}
        extra={
          <>
            <Link to="/quality/gaps">
              <Button icon={<BarChartOutlined />} data-testid="quality-gaps-link">
                {t('gaps.title')}
              </Button>
            </Link>
            <Link to="/quality/classes">
              <Button icon={<TeamOutlined />}>{t('classes.title')}</Button>
            </Link>
            {ownSchool !== null ? (
              <Link to="/quality/students">
                <Button icon={<UserOutlined />} data-testid="quality-students-link">
                  {t('students.title')}
                </Button>
              </Link>
            ) : null}
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="exam-create">
              {t('exam.create')}
            </Button>
          </>
        }
      />
      <FilterBar onReset={list.reset}>
        <Input.Search
          allowClear
          placeholder={t('exam.search')}
          defaultValue={state.search}
          onSearch={(v) => set({ search: v })}
          style={{ width: 260 }}
        />
      </FilterBar>
      <ListTable<Exam>
        loading={isFetching}
        data-testid="exam-table"
        list={list}
        data={data}
        sizeChanger={false}
        columns={[
          {
            title: t('exam.name'),
            dataIndex: 'name',
            render: (v: string, r) => <Link to={`/quality/exams/${r.id}`}>{v}</Link>,
          },
          { title: t('exam.date'), dataIndex: 'examDate', width: 110 },
          {
            title: t('exam.term'),
            width: 170,
            render: (_, r) => `${r.schoolYear}–${r.schoolYear + 1} ${label(TERM_LABELS, String(r.term) as never)}`,
          },
          { title: t('exam.grade'), dataIndex: 'grade', width: 70, render: (g: number) => grade(g) },
          {
            title: t('exam.subjects'),
            dataIndex: 'subjects',
            render: (s: Exam['subjects']) =>
              s.map((x) => (
                <Tag key={x.id}>
                  {label(SUBJECT_LABELS, x.subject)}
                  {x.items.length ? ` · ${t('exam.itemCount', { n: x.items.length })}` : ''}
                </Tag>
              )),
          },
          {
            title: t('exam.schoolCount'),
            dataIndex: 'schoolCount',
            width: 90,
            align: 'right',
            render: (v: number) => num(v),
          },
          {
            title: t('exam.scoreCount'),
            dataIndex: 'scoreCount',
            width: 110,
            align: 'right',
            render: (v: number) => num(v),
          },
          {
            title: t('common:actions'),
            width: 90,
            render: (_, r) => (
              <Popconfirm
                title={t('exam.deleteConfirm', { name: r.name })}
                onConfirm={() => remove.mutateAsync(r.id).catch(() => undefined)}
              >
                <Button size="small" type="link" danger>
                  {t('common:delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <ExamFormDrawer open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
