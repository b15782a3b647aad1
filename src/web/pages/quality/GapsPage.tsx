import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Select, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { SUBJECT_LABELS, SUBJECTS, type Subject } from '../../../shared/enums';
import type { GapsResponse } from '../../../shared/quality.schemas';
import { gapsExportUrl, useExams, useGaps } from '../../api/quality';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { DidCard } from './DidCard';
import { EChart, type ChartOption } from './EChart';
import { points, score, signed } from './format';
import { examsFromUrl, gradeFromUrl, SCOPE_PARAMS, scopeFromUrl, subjectFromUrl } from './gapsSelection';

type Row = GapsResponse['exams'][number];
type Translate = (key: string, o?: Record<string, unknown>) => string;

/** Both groups of a comparison sat the exam, so its gap is a number. */
const compared = (r: Row, k: 'ruralUrban' | 'memberCore') =>
  r[k].reference.n > 0 && r[k].focal.n > 0 && r[k].meanGap !== null;
const examName = (r: Row) => `${r.examDate} ${r.name}`;

/**
 * The page's headline: the rural–urban gap of the latest exam both rural and urban schools sat —
 * saying so when the very latest exam had no rural school, never a bare dash.
 */
export function headline(rows: readonly Row[], t: Translate): string {
  const sorted = [...rows].sort((a, b) => a.examDate.localeCompare(b.examDate));
  const latest = sorted[sorted.length - 1]!;
  const both = [...sorted].reverse().find((r) => compared(r, 'ruralUrban'));
  const noRural = latest.ruralUrban.focal.n === 0;
  if (!both) return noRural ? t('gaps.headlineNoRuralAtAll', { exam: examName(latest) }) : t('gaps.headlineNone');
  const gap = t('gaps.headlineGap', { exam: examName(both), gap: score(both.ruralUrban.meanGap) });
  if (both === latest) return gap;
  return `${t(noRural ? 'gaps.headlineNoRural' : 'gaps.headlineNoUrban', { exam: examName(latest) })}${gap}`;
}

/** From the first to the last exam where the comparison has both groups; says so when there are not two. */
export function changeText(rows: readonly Row[], k: 'ruralUrban' | 'memberCore', t: Translate): string {
  const usable = [...rows].sort((a, b) => a.examDate.localeCompare(b.examDate)).filter((r) => compared(r, k));
  const what = t(k === 'ruralUrban' ? 'gaps.ruralUrbanMean' : 'gaps.memberCoreMean');
  if (usable.length < 2) return t('gaps.changeTooFew', { what });
  const [first, last] = [usable[0]!, usable[usable.length - 1]!];
  const d = last[k].meanGap! - first[k].meanGap!;
  return t('gaps.changeOne', {
    what,
    from: examName(first),
    to: examName(last),
    a: score(first[k].meanGap),
    b: score(last[k].meanGap),
    d: signed(d),
    dir: t(d < 0 ? 'gaps.narrowed2' : d > 0 ? 'gaps.widened' : 'gaps.unchanged'),
  });
}

/** The rural–urban and member–core gaps over exams, their change, and the DiD card. */
export default function GapsPage() {
  const { t } = useTranslation('quality');
  const { label, options, grade: gradeLabel } = useLabels();
  // the selection lives in the URL (?subject=math&examIds=12,15): dashboard links open it, it can be
  // shared, and each change is a history entry the back button returns from
  const [search, setSearch] = useSearchParams();
  const subject = subjectFromUrl(search.get('subject'));
  const exams = useExams({ pageSize: 100 });
  const withSubject = (exams.data?.items ?? []).filter((e) => e.subjects.some((s) => s.subject === subject));
  // one grade at a time: gaps of different grades (or cohorts) do not line up
  const grades = [...new Set(withSubject.map((e) => e.grade))].sort((a, b) => a - b);
  const grade = gradeFromUrl(search.get('grade'), search.get('examIds'), withSubject);
  const sameGrade = withSubject.filter((e) => e.grade === grade);
  const ids = examsFromUrl(
    search.get('examIds'),
    sameGrade.map((e) => e.id),
  );
  const select = (s: Subject, examIds?: number[], g?: number) =>
    setSearch((prev) => {
      const next = new URLSearchParams(prev);
      next.set('subject', s);
      if (g !== undefined) next.set('grade', String(g));
      else if (!examIds) next.delete('grade');
      if (examIds) next.set('examIds', examIds.join(','));
      else next.delete('examIds'); // another subject or grade starts again from its default exams
      return next;
    });
  const scope = scopeFromUrl(search);
  const narrowed = Object.keys(scope).length > 0;
  const widen = () =>
    setSearch((prev) => {
      const next = new URLSearchParams(prev);
      for (const k of SCOPE_PARAMS) next.delete(k);
      return next;
    });
  const { data } = useGaps(ids, subject, scope);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 40 },
      xAxis: { type: 'category', data: (data?.exams ?? []).map((e) => e.examDate) },
      yAxis: { type: 'value', name: t('gaps.points') },
      series: [
        { type: 'line', name: t('gaps.ruralUrban'), data: (data?.exams ?? []).map((e) => e.ruralUrban.meanGap) },
        { type: 'line', name: t('gaps.memberCore'), data: (data?.exams ?? []).map((e) => e.memberCore.meanGap) },
      ],
    }),
    [data, t],
  );
  const n = (f: Row['ruralUrban']) => `${f.reference.n} / ${f.focal.n}`;
  return (
    <>
      <PageHeader
        title={t('gaps.title')}
        sub={t('gaps.subtitle')}
        extra={
          <Button
            icon={<DownloadOutlined />}
            href={ids.length ? gapsExportUrl(ids, subject, scope) : undefined}
            disabled={!ids.length}
            data-testid="gaps-export"
          >
            {t('gaps.export')}
          </Button>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <Select
          style={{ width: 140 }}
          value={subject}
          onChange={(v) => select(v)}
          options={options(SUBJECT_LABELS, SUBJECTS)}
          data-testid="gaps-subject"
        />
        <Select
          style={{ width: 120 }}
          value={grade}
          onChange={(g: number) => select(subject, undefined, g)}
          options={grades.map((g) => ({ value: g, label: gradeLabel(g) }))}
          data-testid="gaps-grade"
        />
        <Select
          mode="multiple"
          style={{ flex: 1, minWidth: 480 }}
          maxTagCount="responsive"
          value={ids}
          onChange={(v: number[]) => select(subject, v, grade)}
          options={sameGrade.map((e) => ({ value: e.id, label: `${e.examDate} ${e.name}` }))}
          placeholder={t('gaps.chooseExams')}
          data-testid="gaps-exams"
        />
      </Flex>
      {narrowed ? (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          data-testid="gaps-narrowed"
          title={t('gaps.narrowed')}
          action={
            <Button size="small" onClick={widen} data-testid="gaps-widen">
              {t('gaps.widen')}
            </Button>
          }
        />
      ) : null}
      {data?.exams.length ? (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          data-testid="gaps-headline"
          title={headline(data.exams, t)}
        />
      ) : null}
      <Card
        size="small"
        title={t('gaps.trend', { subject: label(SUBJECT_LABELS, subject) })}
        style={{ marginBottom: 16 }}
      >
        <EChart option={option} height={300} testId="gap-trend" />
      </Card>
      <Table<Row>
        rowKey="examId"
        size="small"
        pagination={false}
        dataSource={data?.exams ?? []}
        style={{ marginBottom: 8 }}
        data-testid="gaps-table"
        columns={[
          { title: t('exam.name'), dataIndex: 'name', render: (v: string, r) => `${r.examDate} ${v}` },
          { title: t('gaps.ruralUrbanMean'), key: 'ru', align: 'right', render: (_, r) => score(r.ruralUrban.meanGap) },
          {
            title: t('gaps.ruralUrbanPass'),
            key: 'rup',
            align: 'right',
            render: (_, r) => points(r.ruralUrban.passGap),
          },
          { title: t('gaps.studentsUR'), key: 'run', align: 'right', render: (_, r) => n(r.ruralUrban) },
          { title: t('gaps.memberCoreMean'), key: 'mc', align: 'right', render: (_, r) => score(r.memberCore.meanGap) },
          {
            title: t('gaps.memberCorePass'),
            key: 'mcp',
            align: 'right',
            render: (_, r) => points(r.memberCore.passGap),
          },
          { title: t('gaps.studentsCM'), key: 'mcn', align: 'right', render: (_, r) => n(r.memberCore) },
        ]}
      />
      {data && data.exams.length > 1 ? (
        <Typography.Paragraph type="secondary" data-testid="gaps-change">
          {changeText(data.exams, 'ruralUrban', t)} {changeText(data.exams, 'memberCore', t)}
        </Typography.Paragraph>
      ) : null}
      <DidCard exams={sameGrade} subject={subject} />
    </>
  );
}
