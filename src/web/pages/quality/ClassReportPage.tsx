import { FileExcelOutlined, FilePdfOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Row, Table, Tag } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { SUBJECT_LABELS, type Subject } from '../../../shared/enums';
import type { ClassReport, StatRow } from '../../../shared/quality.schemas';
import { reportPdfUrl, reportXlsxUrl, useClassReport } from '../../api/quality';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { distributionOption, EChart } from './EChart';
import { rate, score } from './format';

/** 学情分析报告 of one class in one exam subject. */
export default function ClassReportPage() {
  const { t } = useTranslation('quality');
  const { label } = useLabels();
  const params = useParams();
  const [search] = useSearchParams();
  const examId = Number(params.id);
  const classId = Number(params.classId);
  const subject = (search.get('subject') || 'math') as Subject;
  const { data: r, error } = useClassReport(examId, classId, subject);
  const option = useMemo(() => distributionOption(r?.distribution ?? [], t('stats.students')), [r, t]);
  if (error) return <Alert type="error" showIcon title={(error as Error).message} />;
  if (!r) return <Card loading />;
  const rows: StatRow[] = [{ ...r.stats, label: t('report.thisClass') }, ...r.comparison];
  return (
    <>
      <PageHeader
        title={`${r.class.schoolName} ${r.class.name} · ${label(SUBJECT_LABELS, r.subject)}`}
        sub={`${r.exam.name} · ${r.exam.examDate}`}
        extra={
          <>
            <Button
              icon={<FileExcelOutlined />}
              href={reportXlsxUrl(examId, classId, subject)}
              data-testid="report-xlsx"
            >
              {t('report.xlsx')}
            </Button>
            <Button icon={<FilePdfOutlined />} href={reportPdfUrl(examId, classId, subject)}>
              {t('report.pdf')}
            </Button>
          </>
        }
      />
      <Descriptions
        size="small"
        column={4}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'n', label: t('stats.n'), children: r.stats.n },
          { key: 'm', label: t('stats.mean'), children: score(r.stats.mean) },
          { key: 'p', label: t('stats.passRate'), children: rate(r.stats.passRate) },
          {
            key: 'r',
            label: t('report.communityRank'),
            children: r.communityRank ? t('report.rankOf', r.communityRank) : '—',
          },
        ]}
      />
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('stats.distribution', { full: r.lines.fullMark })}>
            <EChart option={option} height={240} testId="report-distribution" />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('report.comparison')}>
            <Table<StatRow>
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={rows}
              columns={[
                { title: t('report.scope'), dataIndex: 'label' },
                { title: t('stats.n'), dataIndex: 'n', align: 'right' },
                { title: t('stats.mean'), dataIndex: 'mean', align: 'right', render: (v: number | null) => score(v) },
                { title: t('stats.excellentRate'), dataIndex: 'excellentRate', align: 'right', render: rate },
                { title: t('stats.passRate'), dataIndex: 'passRate', align: 'right', render: rate },
                { title: t('stats.lowRate'), dataIndex: 'lowRate', align: 'right', render: rate },
              ]}
            />
          </Card>
        </Col>
      </Row>
      {r.hasItems ? (
        <Row gutter={16} style={{ marginTop: 16 }}>
          <Col xs={24} lg={14}>
            <Card size="small" title={t('report.items')}>
              <Table<ClassReport['items'][number]>
                size="small"
                rowKey="itemNo"
                pagination={false}
                dataSource={r.items}
                columns={[
                  { title: t('report.itemNo'), dataIndex: 'itemNo' },
                  { title: t('exam.fullMark'), dataIndex: 'fullMark', align: 'right' },
                  {
                    title: t('report.difficulty'),
                    dataIndex: 'difficulty',
                    align: 'right',
                    render: (v: number | null) => score(v),
                  },
                  {
                    title: t('report.regionDifficulty'),
                    dataIndex: 'regionDifficulty',
                    align: 'right',
                    render: (v: number | null) => score(v),
                  },
                  {
                    title: t('report.discrimination'),
                    dataIndex: 'discrimination',
                    align: 'right',
                    render: (v: number | null) =>
                      v !== null && v < 0.2 ? <Tag color="orange">{score(v)}</Tag> : score(v),
                  },
                  {
                    title: t('report.knowledgePoints'),
                    dataIndex: 'knowledgePoints',
                    render: (k: string[]) => k.join('、'),
                  },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={10}>
            <Card size="small" title={t('report.weakPoints')}>
              <Table
                size="small"
                rowKey="tag"
                pagination={false}
                dataSource={r.weakPoints}
                columns={[
                  { title: t('report.knowledgePoint'), dataIndex: 'tag' },
                  { title: t('report.classRate'), dataIndex: 'rate', align: 'right', render: rate },
                  { title: t('report.regionRate'), dataIndex: 'regionRate', align: 'right', render: rate },
                ]}
              />
            </Card>
          </Col>
        </Row>
      ) : (
        <Alert style={{ marginTop: 16 }} type="info" showIcon title={t('report.noItems')} />
      )}
      <Card
        size="small"
        title={t('report.lowStudents', { n: r.lowStudentCount, line: r.lines.lowLine })}
        style={{ marginTop: 16 }}
      >
        {r.lowStudents ? (
          <Table
            size="small"
            rowKey="studentId"
            pagination={false}
            dataSource={r.lowStudents}
            data-testid="report-low-students"
            columns={[
              {
                title: t('report.studentKey'),
                dataIndex: 'studentKey',
                render: (v: string, s) => (
                  <Link to={`/quality/students/${s.studentId}`} data-testid={`student-link-${v}`}>
                    {v}
                  </Link>
                ),
              },
              {
                title: t('report.name'),
                dataIndex: 'name',
                render: (v: string | null, s) => (v ? <Link to={`/quality/students/${s.studentId}`}>{v}</Link> : '—'),
              },
              { title: t('report.score'), dataIndex: 'score', align: 'right' },
              { title: t('report.rank'), dataIndex: 'rank', align: 'right' },
            ]}
          />
        ) : (
          <Alert type="info" showIcon title={t('report.aggregatesOnly')} />
        )}
      </Card>
    </>
  );
}
