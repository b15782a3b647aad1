import { sql, type Expression, type SqlBool } from 'kysely';
import { formatFigure, formatNumber } from '../../../shared/dashboard.format.js';
import { label, type Chart, type DrillDown, type Figure, type FigureUnit } from '../../../shared/dashboard.schemas.js';
import { SUBJECT_LABELS, SUBJECTS, type Labelled, type Subject } from '../../../shared/enums.js';
import type { GapFigure, GroupFigure, StatRow } from '../../../shared/quality.schemas.js';
import { GRADE_LABELS } from '../../../shared/resources.enums.js';
import { schoolFilterCondition, visibleSchoolCondition } from '../registry/index.js';
import { EMPTY_GROUP, gapChange, gapOf, round } from './gap.engine.js';
import { groupStats } from './stats.repo.js';
import type { PanelContext, PanelData, PanelDefinition } from '../../contracts/dashboard-panel.js';
import { scopeLinkQuery, scopeSchoolCondition } from '../registry/index.js';

/**
 * Academic quality, computed by the quality module's own code: its statistics SQL (groupStats by
 * location class, behind the stats API, rounded as the gaps API rounds) and its gap arithmetic
 * (gapOf, gapChange). A figure therefore equals what GET /api/v1/quality/gaps answers at the
 * figure's drill-down link, which carries the dashboard's region or community and school levels. (gapFigures, behind the
 * gaps API, also works out core/member roles score by score, which this panel does not show.)
 *
 * - The latest exam: the most recent exam of the period (its school year, and term when a semester
 *   is chosen) with scores in the dashboard's scope. Its headline subjects are the first three it
 *   has in curriculum order (语文、数学、英语 where present).
 * - For each subject: the urban–rural gap in mean and in pass rate (urban − rural: positive means
 *   the rural schools are behind), the students on each side, and the change since the previous
 *   comparable exam (the latest earlier exam of the same grade in that subject, in any year).
 * - A trend of the mean gap over the period's exams of that grade (at most 20, as the gaps API).
 * - A school's dashboard has no urban–rural gap of its own: it shows the school's mean and pass
 *   rate, their change, and their trend instead — never another school's figures.
 * Scores count when the school is one the reader may see, inside the dashboard's scope and of the
 * chosen school levels. Which exams have scores in a scope is asked here in SQL: the quality module
 * lists exams by the reader's visibility only. Aggregates only: no student is ever named.
 */
const MAX_SUBJECTS = 3;
const MAX_TREND = 20;

interface ExamSubject {
  exam_id: number;
  exam_date: string;
  grade: number;
  exam_subject_id: number;
  subject: Subject;
}

const r2 = (v: number | null) => (v === null ? null : round(v, 2));
const pct = (v: number | null) => (v === null ? null : round(v * 100, 2));
const gradeLabel = (g: number): Labelled => GRADE_LABELS[String(g)] ?? label(`${g}年级`, `Grade ${g}`);
const fmt = (v: number | null, unit: FigureUnit) => label(formatFigure(v, unit, 'zh'), formatFigure(v, unit, 'en'));
const count = (n: number) => label(formatNumber(n, 'zh'), formatNumber(n, 'en'));

/** Scores of the schools this dashboard covers, as a condition on q.school_id. */
function scoreCondition(ctx: PanelContext): Expression<SqlBool> {
  return sql<SqlBool>`(${visibleSchoolCondition(ctx.actor, 'q.school_id')} and ${scopeSchoolCondition(ctx.scope, 'q.school_id')} and ${schoolFilterCondition('q.school_id', { level: ctx.filters.level })})`;
}

const hasScores = (cond: Expression<SqlBool>) =>
  sql<SqlBool>`exists (select 1 from quality_scores q where q.exam_id = sub.exam_id and q.exam_subject_id = sub.id and ${cond})`;

/** Exam subjects of the period with scores in scope, newest exam first. */
async function periodExamSubjects(ctx: PanelContext, cond: Expression<SqlBool>): Promise<ExamSubject[]> {
  const term = ctx.filters.semester ? Number(ctx.filters.semester.slice(-1)) : null;
  const r = await sql<ExamSubject>`
    select e.id as exam_id, e.exam_date::text as exam_date, e.grade::int as grade, sub.id as exam_subject_id, sub.subject
    from quality_exams e join quality_exam_subjects sub on sub.exam_id = e.id
    where e.school_year = ${ctx.filters.schoolYear} ${term ? sql`and e.term = ${term}` : sql``} and ${hasScores(cond)}
    order by e.exam_date desc, e.id desc, sub.id`.execute(ctx.db);
  return r.rows;
}

/** Per subject, the latest exam of the grade before `date` with scores in scope (in any year). */
async function previousComparable(
  ctx: PanelContext,
  cond: Expression<SqlBool>,
  grade: number,
  date: string,
  subjects: Subject[],
): Promise<Map<Subject, ExamSubject>> {
  if (!subjects.length) return new Map();
  const r = await sql<ExamSubject>`
    select distinct on (sub.subject) e.id as exam_id, e.exam_date::text as exam_date, e.grade::int as grade, sub.id as exam_subject_id, sub.subject
    from quality_exams e join quality_exam_subjects sub on sub.exam_id = e.id
    where e.grade = ${grade} and e.exam_date < ${date}::date and sub.subject in (${sql.join(subjects)}) and ${hasScores(cond)}
    order by sub.subject, e.exam_date desc, e.id desc`.execute(ctx.db);
  return new Map(r.rows.map((x) => [x.subject, x]));
}

const groupOf = (r: StatRow | undefined): GroupFigure =>
  r ? { n: r.n, mean: r.mean, passRate: r.passRate, excellentRate: r.excellentRate, lowRate: r.lowRate } : EMPTY_GROUP;
/** urban − rural, from the rows by location class */
const gapIn = (rows: StatRow[]): GapFigure =>
  gapOf(groupOf(rows.find((r) => r.key === 'urban')), groupOf(rows.find((r) => r.key === 'rural')));

/** The gaps page for these exams, narrowed to the dashboard's region or community and school levels, as the figure is. */
const gapsLink = (ctx: PanelContext, subject: Subject, examIds: number[]): DrillDown => ({
  path: '/quality/gaps',
  query: {
    ...scopeLinkQuery(ctx.scope),
    ...(ctx.filters.level.length ? { level: ctx.filters.level.join(',') } : {}),
    subject,
    examIds: examIds.join(','),
  },
});
const noPrevious = label('没有可比的上次考试', 'No earlier exam of this grade');

function emptyState(school: boolean): PanelData {
  const none = label('所选期间暂无考试成绩', 'No exam scores in this period');
  return {
    figures: school
      ? [
          {
            key: 'qualityMean',
            label: label('平均分', 'Mean score'),
            value: null,
            unit: 'score',
            drillDown: null,
            hint: none,
          },
          {
            key: 'qualityPassRate',
            label: label('及格率', 'Pass rate'),
            value: null,
            unit: 'percent',
            drillDown: null,
            hint: none,
          },
        ]
      : [
          {
            key: 'qualityMeanGap',
            label: label('城乡均分差', 'Urban–rural gap in mean'),
            value: null,
            unit: 'score',
            drillDown: null,
            hint: none,
          },
          {
            key: 'qualityPassGap',
            label: label('城乡及格率差', 'Urban–rural gap in pass rate'),
            value: null,
            unit: 'pp',
            drillDown: null,
            hint: none,
          },
        ],
    charts: [
      {
        key: school ? 'qualityMeanTrend' : 'qualityGapTrend',
        kind: 'line',
        unit: 'score',
        points: [],
        series: [],
        title: school
          ? label('平均分走势', 'Mean score over the exams')
          : label('城乡均分差走势', 'Urban–rural gap in mean over the exams'),
      },
    ],
  };
}

/** One subject of the latest exam, with the previous comparable exam when there is one. */
interface SubjectReading {
  subject: Subject;
  exam: Labelled;
  now: StatRow[];
  previous: { exam: ExamSubject; rows: StatRow[] } | null;
}

/** Region and community: the urban–rural gap, its students, and its change since the previous exam. */
function gapFigures(r: SubjectReading, link: DrillDown): Figure[] {
  const subj = SUBJECT_LABELS[r.subject];
  const now = gapIn(r.now);
  const before = r.previous ? gapIn(r.previous.rows) : null;
  const change = before ? gapChange(before, now) : null;
  const students = (g: GapFigure) =>
    label(
      `城区 ${count(g.reference.n).zh} 人 / 乡村 ${count(g.focal.n).zh} 人`,
      `urban ${count(g.reference.n).en} / rural ${count(g.focal.n).en} students`,
    );
  const hint = label(`${r.exam.zh}；${students(now).zh}`, `${r.exam.en}; ${students(now).en}`);
  const was = (v: number | null, unit: FigureUnit) =>
    r.previous && before
      ? label(
          `上次 ${r.previous.exam.exam_date}：${fmt(v, unit).zh}（${students(before).zh}）`,
          `Previous exam ${r.previous.exam.exam_date}: ${fmt(v, unit).en} (${students(before).en})`,
        )
      : noPrevious;
  return [
    {
      key: `qualityMeanGap.${r.subject}`,
      label: label(`${subj.zh}城乡均分差`, `${subj.en}: urban–rural gap in mean`),
      value: r2(now.meanGap),
      unit: 'score',
      drillDown: link,
      hint,
    },
    {
      key: `qualityMeanGapChange.${r.subject}`,
      label: label(`${subj.zh}均分差较上次`, `${subj.en}: mean gap vs previous exam`),
      value: r2(change?.meanGap ?? null),
      unit: 'scoreChange',
      drillDown: link,
      hint: was(r2(before?.meanGap ?? null), 'score'),
    },
    {
      key: `qualityPassGap.${r.subject}`,
      label: label(`${subj.zh}城乡及格率差`, `${subj.en}: urban–rural gap in pass rate`),
      value: pct(now.passGap),
      unit: 'pp',
      drillDown: link,
      hint,
    },
    {
      key: `qualityPassGapChange.${r.subject}`,
      label: label(`${subj.zh}及格率差较上次`, `${subj.en}: pass-rate gap vs previous exam`),
      value: pct(change?.passGap ?? null),
      unit: 'ppChange',
      drillDown: link,
      hint: was(pct(before?.passGap ?? null), 'pp'),
    },
  ];
}

/** A school: its own mean and pass rate, its students, and their change since the previous exam. */
function schoolFigures(r: SubjectReading, link: DrillDown): Figure[] {
  const subj = SUBJECT_LABELS[r.subject];
  const now = groupOf(r.now[0]);
  const before = r.previous ? groupOf(r.previous.rows[0]) : null;
  // the school against itself at the previous exam: later − earlier, by the gap engine
  const moved = before ? gapOf(now, before) : null;
  const hint = label(`${r.exam.zh}；${count(now.n).zh} 人`, `${r.exam.en}; ${count(now.n).en} students`);
  const was = (v: number | null, unit: FigureUnit) =>
    r.previous && before
      ? label(
          `上次 ${r.previous.exam.exam_date}：${fmt(v, unit).zh}（${count(before.n).zh} 人）`,
          `Previous exam ${r.previous.exam.exam_date}: ${fmt(v, unit).en} (${count(before.n).en} students)`,
        )
      : noPrevious;
  return [
    {
      key: `qualityMean.${r.subject}`,
      label: label(`${subj.zh}平均分`, `${subj.en}: mean score`),
      value: r2(now.mean),
      unit: 'score',
      drillDown: link,
      hint,
    },
    {
      key: `qualityMeanChange.${r.subject}`,
      label: label(`${subj.zh}平均分较上次`, `${subj.en}: mean vs previous exam`),
      value: r2(moved?.meanGap ?? null),
      unit: 'scoreChange',
      drillDown: link,
      hint: was(r2(before?.mean ?? null), 'score'),
    },
    {
      key: `qualityPassRate.${r.subject}`,
      label: label(`${subj.zh}及格率`, `${subj.en}: pass rate`),
      value: pct(now.passRate),
      unit: 'percent',
      drillDown: link,
      hint,
    },
    {
      key: `qualityPassRateChange.${r.subject}`,
      label: label(`${subj.zh}及格率较上次`, `${subj.en}: pass rate vs previous exam`),
      value: pct(moved?.passGap ?? null),
      unit: 'ppChange',
      drillDown: link,
      hint: was(pct(before?.passRate ?? null), 'percent'),
    },
  ];
}

async function load(ctx: PanelContext): Promise<PanelData> {
  const school = ctx.scope.view === 'school';
  const cond = scoreCondition(ctx);
  const inPeriod = await periodExamSubjects(ctx, cond);
  const latest = inPeriod[0];
  if (!latest) return emptyState(school);

  const subjects = SUBJECTS.filter((s) => inPeriod.some((r) => r.exam_id === latest.exam_id && r.subject === s)).slice(
    0,
    MAX_SUBJECTS,
  );
  // the period's exams of the latest exam's grade, oldest first
  const trendIds = [...new Set(inPeriod.filter((r) => r.grade === latest.grade).map((r) => r.exam_id))]
    .slice(0, MAX_TREND)
    .reverse();
  const trend = trendIds.map((id) => inPeriod.find((r) => r.exam_id === id)!);
  const previous = await previousComparable(ctx, cond, latest.grade, latest.exam_date, subjects);

  // one statistics query per exam subject (by location class, or the school as a whole), each asked once
  const asked = new Map<number, Promise<StatRow[]>>();
  const stats = (examSubjectId: number) => {
    let p = asked.get(examSubjectId);
    if (!p)
      asked.set(examSubjectId, (p = groupStats(ctx.db, school ? 'all' : 'location', { examSubjectId, scope: cond })));
    return p;
  };
  const subjectOf = (examId: number, s: Subject) => inPeriod.find((r) => r.exam_id === examId && r.subject === s);
  const grade = gradeLabel(latest.grade);
  const exam = label(`${latest.exam_date} ${grade.zh}`, `${latest.exam_date}, ${grade.en}`);
  const [readings, lines] = await Promise.all([
    Promise.all(
      subjects.map(async (s): Promise<SubjectReading> => {
        const prev = previous.get(s);
        const [now, before] = await Promise.all([
          stats(subjectOf(latest.exam_id, s)!.exam_subject_id),
          prev ? stats(prev.exam_subject_id) : null,
        ]);
        return { subject: s, exam, now, previous: prev && before ? { exam: prev, rows: before } : null };
      }),
    ),
    Promise.all(
      subjects.map((s) =>
        Promise.all(
          trend.map(async (e) => {
            const es = subjectOf(e.exam_id, s);
            if (!es) return null;
            const rows = await stats(es.exam_subject_id);
            return r2(school ? groupOf(rows[0]).mean : gapIn(rows).meanGap);
          }),
        ),
      ),
    ),
  ]);

  const examLink = (s: Subject): DrillDown => ({ path: `/quality/exams/${latest.exam_id}`, query: { subject: s } });
  const figures = readings.flatMap((r) =>
    school
      ? schoolFigures(r, examLink(r.subject))
      : gapFigures(
          r,
          gapsLink(ctx, r.subject, r.previous ? [r.previous.exam.exam_id, latest.exam_id] : [latest.exam_id]),
        ),
  );
  const chart: Chart = {
    key: school ? 'qualityMeanTrend' : 'qualityGapTrend',
    kind: 'line',
    unit: 'score',
    title: school
      ? label(`平均分走势（${grade.zh}）`, `Mean score over the exams, ${grade.en}`)
      : label(`城乡均分差走势（${grade.zh}）`, `Urban–rural gap in mean over the exams, ${grade.en}`),
    points: trend.map((e) => ({ name: label(e.exam_date, e.exam_date), value: null })),
    series: subjects.map((s, i) => ({
      key: s,
      name: SUBJECT_LABELS[s],
      values: lines[i]!,
      drillDown: school
        ? examLink(s)
        : gapsLink(
            ctx,
            s,
            trend.filter((e) => subjectOf(e.exam_id, s)).map((e) => e.exam_id),
          ),
    })),
  };
  return { figures, charts: [chart] };
}

const qualityPanel: PanelDefinition = {
  key: 'quality.gaps',
  module: 'quality',
  title: label('学业质量与城乡差距', 'Academic quality and the urban–rural gap'),
  order: 45,
  // a gap between urban and rural schools cannot be narrowed to one location class
  ignores: ['locationClass'],
  load,
};

export const qualityPanels: PanelDefinition[] = [qualityPanel];
