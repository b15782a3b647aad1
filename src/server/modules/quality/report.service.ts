import { notPending } from './import.staging.js';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import type { Subject } from '../../../shared/enums.js';
import type { ClassReport, StatRow, StudentReport } from '../../../shared/quality.schemas.js';
import { privateSchoolCondition, visibleSchoolCondition } from '../registry/index.js';
import { ownStudentSchool } from './classes.service.js';
import { readableExam } from './exams.service.js';
import { nothingFound } from '../../http/errors.js';
import { classNotFound, outOfScope, studentNotFound } from './quality.errors.js';
import { maskIdNumber, qualityPolicy } from './quality.policy.js';
import {
  distributionBands,
  itemAnalysis,
  knowledgePointRates,
  type ItemDef,
  type StudentItems,
} from './report.engine.js';
import { bandCounts, groupStats } from './stats.repo.js';
import { examOfSubject } from './score-partitions.js';
import { subjectOf } from './stats.service.js';

const r4 = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);

/** 学情分析报告: the class report and the student report. */
export class QualityReportService {
  constructor(private readonly db: Db) {}

  async classReport(actor: Actor, examId: number, classId: number, subject: Subject): Promise<ClassReport> {
    const exam = await readableExam(this.db, actor, examId);
    const sub = subjectOf(exam, subject);
    const cls = await this.db
      .selectFrom('quality_classes as c')
      .innerJoin('schools as s', 's.id', 'c.school_id')
      .select(['c.id', 'c.name', 'c.school_id', 's.name as school_name'])
      .where('c.id', '=', classId)
      .executeTakeFirst();
    if (!cls) throw classNotFound(classId);
    const allowed = await this.db
      .selectFrom('schools as s')
      .select('s.id')
      .where('s.id', '=', cls.school_id)
      .where(privateSchoolCondition(actor, 's.id'))
      .executeTakeFirst();
    if (!allowed) throw outOfScope('该班级不在您的管理范围内', 'This class is outside your scope');
    const visible = visibleSchoolCondition(actor, 'q.school_id');
    const classFilter = { examSubjectId: sub.id, scope: visible, classId };
    const [stats] = await groupStats(this.db, 'all', classFilter);
    if (!stats)
      throw nothingFound('该班级没有这次考试这一科目的成绩', 'This class has no scores for this exam and subject');

    // comparison: own school, its community (on the exam date), its county, everyone the actor may see
    const comparison: StatRow[] = [];
    const [school] = await groupStats(this.db, 'school', {
      examSubjectId: sub.id,
      scope: visible,
      schoolId: cls.school_id,
    });
    if (school) comparison.push(school);
    const communityIds = await sql<{
      id: number;
      name: string;
    }>`select c.id, c.name from community_memberships m join communities c on c.id = m.community_id
      where m.school_id = ${cls.school_id} and m.start_date <= ${exam.row.exam_date} and (m.end_date is null or m.end_date >= ${exam.row.exam_date}) order by c.id`.execute(
      this.db,
    );
    let communityRank: ClassReport['communityRank'] = null;
    for (const c of communityIds.rows) {
      const schools = await this.db
        .selectFrom('community_memberships')
        .select('school_id')
        .where('community_id', '=', c.id)
        .where('start_date', '<=', exam.row.exam_date)
        .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', exam.row.exam_date)]))
        .execute();
      const ids = schools.map((s) => s.school_id);
      const [row] = await groupStats(this.db, 'all', { examSubjectId: sub.id, scope: sql`true`, schoolIds: ids });
      if (row) comparison.push({ ...row, key: `community:${c.id}`, label: c.name });
      if (!communityRank) {
        // rank among the community's classes by mean: aggregates only, so every reader may see it
        const ranks = await sql<{
          class_id: number;
          mean: number;
        }>`select q.class_id, avg(q.score)::float8 as mean from quality_scores q
          where q.exam_subject_id = ${sub.id} and ${examOfSubject('q', sub.id)} and q.school_id in (${sql.join(ids)}) group by q.class_id order by mean desc, q.class_id`.execute(
          this.db,
        );
        const at = ranks.rows.findIndex((r) => r.class_id === classId);
        if (at >= 0) communityRank = { rank: at + 1, of: ranks.rows.length };
      }
    }
    const region = await groupStats(this.db, 'region', { examSubjectId: sub.id, scope: visible });
    const regionCode = (
      await this.db
        .selectFrom('schools')
        .select('region_code')
        .where('id', '=', cls.school_id)
        .executeTakeFirstOrThrow()
    ).region_code;
    const own = region.find((r) => r.key === regionCode);
    if (own) comparison.push({ ...own, key: `region:${own.key}` });

    const bands = await bandCounts(this.db, classFilter);

    // item analysis, only when item scores exist for this class
    const items: ItemDef[] = exam.subjects
      .find((s) => s.id === sub.id)!
      .items.map((i) => ({ id: i.id, itemNo: i.itemNo, fullMark: i.fullMark, knowledgePoints: i.knowledgePoints }));
    const matrix = items.length ? await this.classMatrix(sub.id, classId) : [];
    const hasItems = matrix.some((m) => m.scores.size > 0);
    const analysis = hasItems ? itemAnalysis(items, matrix) : [];
    const regionItems = hasItems
      ? await this.regionItemAggregates(sub.id, actor)
      : new Map<number, { sum: number; n: number }>();
    const weak = hasItems ? knowledgePointRates(items, matrix) : [];

    const canSee = qualityPolicy.seeStudents(actor, cls.school_id);
    const low = await sql<{
      student_id: number;
      student_key: string;
      name: string | null;
      score: number;
      rank: number;
    }>`
      select * from (
        select q.student_id, st.student_key, ${canSee ? sql`i.name` : sql`null::text`} as name, q.score::float8 as score,
          rank() over (order by q.score desc)::int as rank
        from quality_scores q join quality_students st on st.id = q.student_id
        left join quality_student_identities i on i.student_id = q.student_id
        where q.exam_subject_id = ${sub.id} and ${examOfSubject('q', sub.id)} and q.class_id = ${classId}
      ) r where r.score < ${sub.lowLine} order by r.score, r.student_key`.execute(this.db);

    return {
      exam: { id: exam.row.id, name: exam.row.name, examDate: exam.row.exam_date, grade: exam.row.grade },
      class: { id: cls.id, name: cls.name, schoolId: cls.school_id, schoolName: cls.school_name },
      subject,
      lines: { fullMark: sub.fullMark, passLine: sub.passLine, excellentLine: sub.excellentLine, lowLine: sub.lowLine },
      stats,
      comparison,
      communityRank,
      distribution: distributionBands(sub.fullMark, bands),
      hasItems,
      items: analysis.map((a) => {
        const reg = regionItems.get(a.itemId);
        return {
          itemNo: a.itemNo,
          fullMark: a.fullMark,
          knowledgePoints: a.knowledgePoints,
          n: a.n,
          difficulty: r4(a.difficulty),
          discrimination: r4(a.discrimination),
          regionDifficulty: reg && reg.n ? r4(reg.sum / reg.n / a.fullMark) : null,
        };
      }),
      weakPoints: weak.slice(0, 8).map((w) => {
        const tagged = items.filter((i) => i.knowledgePoints.includes(w.tag));
        let got = 0;
        let possible = 0;
        for (const i of tagged) {
          const reg = regionItems.get(i.id);
          if (reg) {
            got += reg.sum;
            possible += reg.n * i.fullMark;
          }
        }
        return { tag: w.tag, rate: r4(w.rate)!, regionRate: possible ? r4(got / possible) : null, items: w.items };
      }),
      lowStudents: canSee
        ? low.rows.map((r) => ({
            studentId: r.student_id,
            studentKey: r.student_key,
            name: r.name,
            score: r.score,
            rank: r.rank,
          }))
        : null,
      lowStudentCount: low.rows.length,
      canSeeStudents: canSee,
    };
  }

  private async classMatrix(examSubjectId: number, classId: number): Promise<StudentItems[]> {
    const rows = await sql<{ student_id: number; total: number; item_id: number | null; score: number | null }>`
      select q.student_id, q.score::float8 as total, i.exam_item_id as item_id, i.score::float8 as score
      from quality_scores q
      left join quality_item_scores i on i.student_id = q.student_id and i.exam_item_id in (select id from quality_exam_items where exam_subject_id = ${examSubjectId})
      where q.exam_subject_id = ${examSubjectId} and ${examOfSubject('q', examSubjectId)} and q.class_id = ${classId}`.execute(
      this.db,
    );
    const by = new Map<number, StudentItems>();
    for (const r of rows.rows) {
      const s = by.get(r.student_id) ?? { studentId: r.student_id, total: r.total, scores: new Map<number, number>() };
      if (r.item_id !== null && r.score !== null) s.scores.set(r.item_id, r.score);
      by.set(r.student_id, s);
    }
    return [...by.values()];
  }

  private async regionItemAggregates(examSubjectId: number, actor: Actor) {
    const rows = await sql<{
      item_id: number;
      sum: number;
      n: number;
    }>`select i.exam_item_id as item_id, sum(i.score)::float8 as sum, count(*)::int as n
      from quality_item_scores i join quality_exam_items it on it.id = i.exam_item_id
      join quality_scores q on q.student_id = i.student_id and q.exam_subject_id = it.exam_subject_id
      where it.exam_subject_id = ${examSubjectId} and ${examOfSubject('q', examSubjectId)} and ${visibleSchoolCondition(actor, 'q.school_id')} group by i.exam_item_id`.execute(
      this.db,
    );
    return new Map(rows.rows.map((r) => [r.item_id, { sum: r.sum, n: r.n }]));
  }

  /** One student's scores over time and weak points: the student's own school only. */
  async studentReport(actor: Actor, studentId: number): Promise<StudentReport> {
    const schoolId = ownStudentSchool(actor);
    const st = await this.db
      .selectFrom('quality_students as st')
      .leftJoin('quality_student_identities as i', 'i.student_id', 'st.id')
      .select(['st.id', 'st.student_key', 'st.school_id', 'i.name', 'i.id_number'])
      .where('st.id', '=', studentId)
      .where(notPending)
      .executeTakeFirst();
    if (!st) throw studentNotFound(studentId);
    if (st.school_id !== schoolId) throw outOfScope('只能查看本校学生', "You can only see your own school's students");
    const scores = await sql<{
      exam_id: number;
      exam_name: string;
      exam_date: string;
      subject: Subject;
      score: number;
      full_mark: number;
      class_mean: number | null;
      region_mean: number | null;
      class_name: string;
    }>`
      select e.id as exam_id, e.name as exam_name, e.exam_date, sub.subject, q.score::float8 as score, sub.full_mark::float8 as full_mark, c.name as class_name,
        (select avg(x.score)::float8 from quality_scores x where x.exam_id = q.exam_id and x.exam_subject_id = q.exam_subject_id and x.class_id = q.class_id) as class_mean,
        (select avg(x.score)::float8 from quality_scores x where x.exam_id = q.exam_id and x.exam_subject_id = q.exam_subject_id) as region_mean
      from quality_scores q join quality_exams e on e.id = q.exam_id join quality_exam_subjects sub on sub.id = q.exam_subject_id join quality_classes c on c.id = q.class_id
      where q.student_id = ${studentId} order by e.exam_date, sub.subject`.execute(this.db);
    const items = await sql<{
      id: number;
      item_no: string;
      full_mark: number;
      knowledge_points: string[];
      score: number;
    }>`
      select it.id, it.item_no, it.full_mark::float8 as full_mark, it.knowledge_points, i.score::float8 as score
      from quality_item_scores i join quality_exam_items it on it.id = i.exam_item_id where i.student_id = ${studentId}`.execute(
      this.db,
    );
    const defs: ItemDef[] = items.rows.map((r) => ({
      id: r.id,
      itemNo: r.item_no,
      fullMark: r.full_mark,
      knowledgePoints: r.knowledge_points,
    }));
    const me: StudentItems = { studentId, total: 0, scores: new Map(items.rows.map((r) => [r.id, r.score])) };
    // the same knowledge points over everyone who answered those items (aggregates only), as region_mean does for scores
    const itemIds = items.rows.map((r) => r.id);
    const everyone = itemIds.length
      ? await sql<{
          item_id: number;
          sum: number;
          n: number;
        }>`select exam_item_id as item_id, sum(score)::float8 as sum, count(*)::int as n
          from quality_item_scores where exam_item_id in (${sql.join(itemIds)}) group by exam_item_id`.execute(this.db)
      : { rows: [] };
    const allItems = new Map(everyone.rows.map((r) => [r.item_id, r]));
    const regionRate = (tag: string) => {
      let got = 0;
      let possible = 0;
      for (const d of defs) {
        const a = allItems.get(d.id);
        if (!a || !d.knowledgePoints.includes(tag)) continue;
        got += a.sum;
        possible += a.n * d.fullMark;
      }
      return possible ? r4(got / possible) : null;
    };
    const lastClass = scores.rows[scores.rows.length - 1]?.class_name ?? null;
    return {
      student: {
        id: st.id,
        studentKey: st.student_key,
        schoolId: st.school_id,
        name: st.name ?? null,
        idNumberMasked: maskIdNumber(st.id_number),
        className: lastClass,
      },
      scores: scores.rows.map((r) => ({
        examId: r.exam_id,
        examName: r.exam_name,
        examDate: r.exam_date,
        subject: r.subject,
        score: r.score,
        fullMark: r.full_mark,
        classMean: r4(r.class_mean),
        regionMean: r4(r.region_mean),
      })),
      weakPoints: knowledgePointRates(defs, [me])
        .slice(0, 8)
        .map((w) => ({ tag: w.tag, rate: r4(w.rate)!, regionRate: regionRate(w.tag), items: w.items })),
    };
  }
}
