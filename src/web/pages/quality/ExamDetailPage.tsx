import { Card, Descriptions, Empty, Select, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { SUBJECT_LABELS, type Subject } from '../../../shared/enums';
import { TERM_LABELS, type SchoolClass } from '../../../shared/quality.schemas';
import { useClasses, useExam } from '../../api/quality';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ImportWizard } from './ImportWizard';
import { StatsPanel } from './StatsPanel';

export default function ExamDetailPage() {
  const { t } = useTranslation('quality');
  const { label, grade } = useLabels();
  const id = Number(useParams().id);
  const { data: exam } = useExam(id);
  const [subject, setSubject] = useState<Subject>();
  const current = subject ?? exam?.subjects[0]?.subject;
  const classes = useClasses({ schoolYear: exam?.schoolYear, grade: exam?.grade, pageSize: 200 }, !!exam);
  if (!exam) return <Card loading />;
  return (
    <>
      <PageHeader
        title={exam.name}
        sub={`${exam.examDate} · ${exam.schoolYear}–${exam.schoolYear + 1} ${label(TERM_LABELS, String(exam.term) as never)} · ${grade(exam.grade)}`}
        extra={
          <Select
            style={{ width: 160 }}
            value={current}
            onChange={setSubject}
            options={exam.subjects.map((s) => ({ value: s.subject, label: label(SUBJECT_LABELS, s.subject) }))}
            data-testid="exam-subject"
          />
        }
      />
      <Descriptions
        size="small"
        column={3}
        style={{ marginBottom: 16 }}
        items={exam.subjects
          .filter((s) => s.subject === current)
          .flatMap((s) => [
            { key: 'f', label: t('exam.fullMark'), children: s.fullMark },
            { key: 'l', label: t('exam.lines'), children: `${s.excellentLine} / ${s.passLine} / ${s.lowLine}` },
            { key: 'n', label: t('exam.scoreCount'), children: exam.scoreCount },
          ])}
      />
      <Tabs
        items={[
          {
            key: 'stats',
            label: t('tabs.stats'),
            children: current ? <StatsPanel examId={id} subject={current} /> : <Empty />,
          },
          { key: 'import', label: t('tabs.import'), children: <ImportWizard examId={id} /> },
          {
            key: 'reports',
            label: t('tabs.reports'),
            children: (
              <Table<SchoolClass>
                rowKey="id"
                size="small"
                dataSource={(classes.data?.items ?? []).filter((c) => exam.schools.some((s) => s.id === c.schoolId))}
                columns={[
                  { title: t('classes.school'), dataIndex: 'schoolName' },
                  {
                    title: t('classes.name'),
                    dataIndex: 'name',
                    render: (v: string, r) => (
                      <Link to={`/quality/exams/${id}/classes/${r.id}?subject=${current ?? ''}`}>{v}</Link>
                    ),
                  },
                  { title: t('classes.students'), dataIndex: 'studentCount', align: 'right' },
                ]}
              />
            ),
          },
          {
            key: 'schools',
            label: t('tabs.schools', { n: exam.schools.length }),
            children: exam.schools.map((s) => <Tag key={s.id}>{s.name}</Tag>),
          },
        ]}
      />
    </>
  );
}
