import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { fieldIssue, ValidationError } from '../../http/errors.js';
import type { Subject } from '../../../shared/enums.js';
import type {
  Comparison,
  DidResponse,
  GapFilter,
  GapsResponse,
  GroupFigure,
  StatGroup,
  StatsResponse,
} from '../../../shared/quality.schemas.js';
import { privateSchoolCondition, schoolFilterCondition, visibleSchoolCondition } from '../registry/index.js';
import { differenceInDifferences, readDid, type DidUnit } from './did.engine.js';
import { readableExam, type LoadedExam } from './exams.service.js';
import { EMPTY_GROUP, gapChange, gapOf, round } from './gap.engine.js';
import { distributionBands } from './report.engine.js';
import { bandCounts, gapFigures, groupStats, schoolMeans, type CategoryFigure } from './stats.repo.js';

export function subjectOf(exam: LoadedExam, subject: Subject, field = 'query.subject') {
  const s = exam.subjects.find((x) => x.subject === subject);
  if (!s)
    throw new ValidationError([
      fieldIssue(
        field,
        'unknown_subject',
        `考试“${exam.row.name}”没有该科目`,
        `Exam "${exam.row.name}" has no such subject`,
      ),
    ]);
  return s;
}

const figure = (r: CategoryFigure | undefined): GroupFigure =>
  r
    ? {
        n: r.n,
        mean: r.mean === null ? null : round(r.mean, 4),
        passRate: r.pass_rate === null ? null : round(r.pass_rate, 4),
        excellentRate: r.excellent_rate === null ? null : round(r.excellent_rate, 4),
        lowRate: r.low_rate === null ? null : round(r.low_rate, 4),
      }
    : EMPTY_GROUP;

export class QualityStatsService {
  constructor(private readonly db: Db) {}

  /** Aggregates only: every user may see them for the schools they can see; per-class rows only for their private schools. */
  async stats(
    actor: Actor,
    examId: number,
    q: { subject: Subject; by: StatGroup; schoolId?: number | undefined },
  ): Promise<StatsResponse> {
    const exam = await readableExam(this.db, actor, examId);
    const sub = subjectOf(exam, q.subject);
    const scope =
      q.by === 'class' ? privateSchoolCondition(actor, 'q.school_id') : visibleSchoolCondition(actor, 'q.school_id');
    const f = { examSubjectId: sub.id, scope, schoolId: q.schoolId };
    const [rows, bands] = await Promise.all([
      groupStats(this.db, q.by, f),
      bandCounts(this.db, {
        examSubjectId: sub.id,
        scope: visibleSchoolCondition(actor, 'q.school_id'),
        schoolId: q.schoolId,
      }),
    ]);
    return {
      examId,
      subject: q.subject,
      by: q.by,
      fullMark: sub.fullMark,
      rows,
      distribution: distributionBands(sub.fullMark, bands),
    };
  }

  /** Rural–urban and member–core gaps per exam, and their change from the first exam to the last. */
  async gaps(actor: Actor, examIds: number[], subject: Subject, filter: GapFilter = {}): Promise<GapsResponse> {
    if (!examIds.length || examIds.length > 20)
      throw new ValidationError([fieldIssue('query.examIds', 'invalid', '请选择 1–20 次考试', 'Choose 1–20 exams')]);
    const exams: LoadedExam[] = [];
    for (const id of [...new Set(examIds)]) exams.push(await readableExam(this.db, actor, id));
    exams.sort((a, b) => a.row.exam_date.localeCompare(b.row.exam_date) || a.row.id - b.row.id);
    const scope = sql<SqlBool>`(${visibleSchoolCondition(actor, 'q.school_id')} and ${schoolFilterCondition('q.school_id', filter)})`;
    const out: GapsResponse['exams'] = [];
    for (const exam of exams) {
      const sub = subjectOf(exam, subject, 'query.examIds');
      const g = await gapFigures(this.db, sub.id, scope);
      const loc = (k: string) => figure(g.location.find((r) => r.grp === k));
      const role = (k: string) => figure(g.role.find((r) => r.grp === k));
      const byCommunity = new Map<number, { name: string; core?: CategoryFigure; member?: CategoryFigure }>();
      for (const r of g.community) {
        const c = byCommunity.get(r.community_id) ?? { name: r.name };
        if (r.grp === 'core') c.core = r;
        else c.member = r;
        byCommunity.set(r.community_id, c);
      }
      out.push({
        examId: exam.row.id,
        name: exam.row.name,
        examDate: exam.row.exam_date,
        grade: exam.row.grade,
        fullMark: sub.fullMark,
        ruralUrban: gapOf(loc('urban'), loc('rural')),
        memberCore: gapOf(role('core'), role('member')),
        communities: [...byCommunity.entries()]
          .filter(([, c]) => c.core && c.member)
          .map(([communityId, c]) => ({ communityId, name: c.name, gap: gapOf(figure(c.core), figure(c.member)) })),
      });
    }
    const first = out[0];
    const last = out[out.length - 1];
    return {
      subject,
      exams: out,
      change:
        first && last && first !== last
          ? {
              ruralUrban: gapChange(first.ruralUrban, last.ruralUrban),
              memberCore: gapChange(first.memberCore, last.memberCore),
            }
          : null,
    };
  }

  /**
   * Did joining help? Schools that became members between the two exams against schools whose
   * status did not change; the outcome is each school's gap to the reference group (core schools,
   * or urban schools) in that exam.
   */
  async did(
    actor: Actor,
    q: { subject: Subject; before: number; after: number; comparison: Comparison },
  ): Promise<DidResponse> {
    const before = await readableExam(this.db, actor, q.before);
    const after = await readableExam(this.db, actor, q.after);
    if (before.row.exam_date >= after.row.exam_date) {
      throw new ValidationError([
        fieldIssue(
          'query.after',
          'order',
          '“之后”的考试日期必须晚于“之前”的考试',
          'The "after" exam must be later than the "before" exam',
        ),
      ]);
    }
    const scope = visibleSchoolCondition(actor, 'q.school_id');
    const [a, b] = await Promise.all([
      schoolMeans(this.db, subjectOf(before, q.subject, 'query.before').id, scope),
      schoolMeans(this.db, subjectOf(after, q.subject, 'query.after').id, scope),
    ]);
    // the reference is fixed by the later exam: core schools were often not yet "core" before the community existed
    const coreAfter = new Set(b.filter((r) => r.is_core).map((r) => r.school_id));
    const isReference = (r: (typeof a)[number]) =>
      q.comparison === 'member_core' ? coreAfter.has(r.school_id) : r.location_class === 'urban';
    const pooled = (rows: typeof a) => {
      const ref = rows.filter(isReference);
      const n = ref.reduce((s, r) => s + r.n, 0);
      return n ? ref.reduce((s, r) => s + r.mean * r.n, 0) / n : null;
    };
    const refA = pooled(a);
    const refB = pooled(b);
    const head = {
      comparison: q.comparison,
      subject: q.subject,
      before: { examId: before.row.id, name: before.row.name, examDate: before.row.exam_date },
      after: { examId: after.row.id, name: after.row.name, examDate: after.row.exam_date },
    };
    const reference =
      q.comparison === 'member_core'
        ? { zh: '核心校', en: 'the core schools' }
        : { zh: '城区学校', en: 'urban schools' };
    const refuse = (code: string, reason: string, reasonEn: string, units: DidUnit[] = []): DidResponse => ({
      ...head,
      ok: false,
      treatedSchools: units.filter((u) => u.treated).length,
      controlSchools: units.filter((u) => !u.treated).length,
      treatedStudents: units.filter((u) => u.treated).reduce((s, u) => s + u.nBefore + u.nAfter, 0),
      controlStudents: units.filter((u) => !u.treated).reduce((s, u) => s + u.nBefore + u.nAfter, 0),
      estimate: null,
      se: null,
      ciLow: null,
      ciHigh: null,
      pValue: null,
      groupMeans: { treatedBefore: null, treatedAfter: null, controlBefore: null, controlAfter: null },
      reading: `无法估计：${reason}`,
      readingEn: `No estimate: ${reasonEn}`,
      refusal: { code, reason, reasonEn },
    });
    if (refA === null || refB === null) {
      return refuse(
        'no_reference',
        `${reference.zh}在两次考试中都要有成绩`,
        `${reference.en} need scores in both exams`,
      );
    }
    const after_ = new Map(b.map((r) => [r.school_id, r]));
    const units: DidUnit[] = [];
    for (const r of a) {
      const s = after_.get(r.school_id);
      if (!s || isReference(r) || isReference(s) || r.is_core || s.is_core) continue;
      units.push({
        school: r.school_id,
        treated: !r.is_member && s.is_member,
        before: refA - r.mean,
        after: refB - s.mean,
        nBefore: r.n,
        nAfter: s.n,
      });
    }
    // a school that left its community between the exams is neither a joiner nor unchanged
    const left = new Set(
      a
        .filter((r) => r.is_member && after_.get(r.school_id) && !after_.get(r.school_id)!.is_member)
        .map((r) => r.school_id),
    );
    const sample = units.filter((u) => !left.has(u.school));
    const fit = differenceInDifferences(sample);
    if (!fit.ok) return refuse(fit.refusal.code, fit.refusal.reason, fit.refusal.reasonEn, sample);
    const r = fit.result;
    const reading = readDid(r, reference);
    const r4 = (v: number) => round(v, 4);
    return {
      ...head,
      ok: true,
      treatedSchools: r.treated,
      controlSchools: r.control,
      treatedStudents: r.treatedStudents,
      controlStudents: r.controlStudents,
      estimate: r4(r.estimate),
      se: r4(r.se),
      ciLow: r4(r.ciLow),
      ciHigh: r4(r.ciHigh),
      pValue: r4(r.pValue),
      groupMeans: {
        treatedBefore: r4(r.groupMeans.treatedBefore),
        treatedAfter: r4(r.groupMeans.treatedAfter),
        controlBefore: r4(r.groupMeans.controlBefore),
        controlAfter: r4(r.groupMeans.controlAfter),
      },
      reading: reading.zh,
      readingEn: reading.en,
      refusal: null,
    };
  }
}
