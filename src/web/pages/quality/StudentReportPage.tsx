import { FilePdfOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Radio, Row, Table } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { SUBJECT_LABELS, type Subject } from '../../../shared/enums';
import type { StudentReport } from '../../../shared/quality.schemas';
import { errorText } from '../../api/client';
import { studentReportPdfUrl, useStudentReport } from '../../api/quality';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { EChart, scoreTrendOption } from './EChart';
import { rate, score, signed } from './format';

type ScoreRow = StudentReport['scores'][number];

/** 学生学情报告: one student's scores over time per subject and weak knowledge points (own school only). */
export default function StudentReportPage() {
  const { t } = useTranslation('quality');
  const { label } = useLabels();
  const id = Number(useParams().id);
  const { data: r, error } = useStudentReport(id);
  const subjects = useMemo(() => [...new Set((r?.scores ?? []).map((s) => s.subject))], [r]);
  const [chosen, setChosen] = useState<Subject | 'all'>();
  const subject = chosen ?? (subjects.length === 1 ? subjects[0]! : 'all');
  const option = useMemo(
    () =>
      scoreTrendOption(r?.scores ?? [], subject, {
        subject: (s) => label(SUBJECT_LABELS, s as Subject),
        score: t('student.score'),
        classMean: t('student.classMean'),
        regionMean: t('student.regionMean'),
        rate: t('student.ratePercent'),
      }),
    [r, subject, t, label],
  );
  if (error) return <Alert type="error" showIcon title={errorText(error)} />;
  if (!r) return <Card loading />;
  const st = r.student;
  const rows = subject === 'all' ? r.scores : r.scores.filter((s) => s.subject === subject);
  return (
    <>
      <PageHeader
        title={t('student.title', { name: st.name ?? st.studentKey })}
        sub={[st.className, st.studentKey].filter(Boolean).join(' · ')}
        extra={
          <Button icon={<FilePdfOutlined />} href={studentReportPdfUrl(id)} data-testid="student-report-pdf">
            {t('report.pdf')}
          </Button>
        }
      />
      <Descriptions
        size="small"
        column={4}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'k', label: t('report.studentKey'), children: st.studentKey },
          { key: 'n', label: t('report.name'), children: st.name ?? '—' },
          { key: 'c', label: t('student.class'), children: st.className ?? '—' },
          { key: 'i', label: t('student.idNumber'), children: st.idNumberMasked ?? '—' },
        ]}
      />
      {r.scores.length ? (
        <>
          <Card
            size="small"
            title={
              subject === 'all'
                ? t('student.trendAll')
                : t('student.trend', { subject: label(SUBJECT_LABELS, subject) })
            }
            extra={
              subjects.length > 1 ? (
                <Radio.Group
                  size="small"
                  optionType="button"
                  value={subject}
                  onChange={(e) => setChosen(e.target.value as Subject | 'all')}
                  data-testid="student-subject"
                  options={[
                    { value: 'all', label: t('student.allSubjects') },
                    ...subjects.map((s) => ({ value: s, label: label(SUBJECT_LABELS, s) })),
                  ]}
                />
              ) : null
            }
          >
            <EChart option={option} height={300} testId="student-trend" />
          </Card>
          <Card size="small" title={t('student.exams')} style={{ marginTop: 16 }}>
            <Table<ScoreRow>
              size="small"
              rowKey={(s) => `${s.examId}-${s.subject}`}
              pagination={false}
              dataSource={rows}
              data-testid="student-scores"
              columns={[
                { title: t('exam.date'), dataIndex: 'examDate', width: 110 },
                { title: t('exam.name'), dataIndex: 'examName' },
                { title: t('exam.subject'), dataIndex: 'subject', render: (s: Subject) => label(SUBJECT_LABELS, s) },
                {
                  title: t('report.score'),
                  key: 'score',
                  align: 'right',
                  render: (_, s) => `${s.score} / ${s.fullMark}`,
                },
                { title: t('student.rate'), key: 'rate', align: 'right', render: (_, s) => rate(s.score / s.fullMark) },
                {
                  title: t('student.classMean'),
                  dataIndex: 'classMean',
                  align: 'right',
                  render: (v: number | null) => score(v),
                },
                {
                  title: t('student.vsClass'),
                  key: 'vs',
                  align: 'right',
                  render: (_, s) => signed(s.classMean === null ? null : s.score - s.classMean),
                },
                {
                  title: t('student.regionMean'),
                  dataIndex: 'regionMean',
                  align: 'right',
                  render: (v: number | null) => score(v),
                },
              ]}
            />
          </Card>
        </>
      ) : (
        <Empty description={t('student.noScores')} />
      )}
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('report.weakPoints')}>
            {r.weakPoints.length ? (
              <Table
                size="small"
                rowKey="tag"
                pagination={false}
                dataSource={r.weakPoints}
                data-testid="student-weak-points"
                columns={[
                  { title: t('report.knowledgePoint'), dataIndex: 'tag' },
                  { title: t('student.ownRate'), dataIndex: 'rate', align: 'right', render: rate },
                  { title: t('student.everyoneRate'), dataIndex: 'regionRate', align: 'right', render: rate },
                  { title: t('student.items'), dataIndex: 'items', align: 'right' },
                ]}
              />
            ) : (
              <Alert type="info" showIcon title={t('student.noItems')} />
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
