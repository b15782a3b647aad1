import { sql, type Insertable } from 'kysely';
import type { DbHandle } from '../../db/connection.js';
import { semesterOfDate, shanghaiInstant } from '../../../shared/activities.semester.js';
import { computeHours, type Slot } from '../../../shared/exchange.hours.js';
import { Random } from '../../demo/demo.random.js';
import { honourLevel } from './exchange.rules.js';
import type { ExchangeAssignmentTable } from './exchange.tables.js';

/**
 * Demo exchanges for the seeded county: the 2025–2026 school year and the 2026–2027 autumn term up to
 * today (2026-11-23), with spring-2027 shadowing already planned. Volumes follow the seeds: core
 * (urban) schools send support teachers and rotate staff both ways, send a manager to serve as
 * vice-principal, rural teachers shadow at the core school for a few weeks (Enshi's rule), English
 * and art teachers teach itinerantly, and master teachers give send-lessons. Mentor pairs get the
 * mentor's monthly observations as activities linked to the pair. Deterministic for a seed.
 */
const TODAY = '2026-11-23';
const YEARS = [
  {
    year: 2025,
    start: '2025-09-01',
    end: '2026-07-03',
    terms: [
      ['2025-09-01', '2026-01-23'],
      ['2026-02-23', '2026-07-03'],
    ],
  },
  {
    year: 2026,
    start: '2026-09-01',
    end: '2027-07-02',
    terms: [
      ['2026-09-01', '2027-01-22'],
      ['2027-02-22', '2027-07-02'],
    ],
  },
] as const;
const ITINERANT_SUBJECTS = ['english', 'music', 'art', 'pe', 'science'];
const LESSONS = [
  'Unit 3 My day',
  '分数的初步认识',
  '《草船借箭》',
  '长方形的面积',
  '声音的产生',
  '水墨画入门',
  '跳绳技巧',
];

interface Teacher {
  id: number;
  name: string;
  schoolId: number;
  gender: string;
  birthYear: number | null;
  honours: string[];
  posts: string[];
  subjects: string[];
  major: string | null;
}
interface Member {
  communityId: number;
  schoolId: number;
  role: string;
}

const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
const statusOf = (start: string, end: string) => (end < TODAY ? 'completed' : start <= TODAY ? 'active' : 'planned');
/** A Monday on or after the date, so postings start at the beginning of a school week. */
const monday = (d: string) => {
  const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
  return addDays(d, wd === 1 ? 0 : (8 - wd) % 7);
};

export async function seedExchangeDemo(dbh: DbHandle, opts: { seed?: number } = {}): Promise<Record<string, number>> {
  const db = dbh.db;
  const rnd = new Random(opts.seed ?? 20251124);
  const members: Member[] = await db
    .selectFrom('community_memberships')
    .select(['community_id as communityId', 'school_id as schoolId', 'role'])
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', '2025-09-01')]))
    .orderBy('community_id')
    .orderBy('role')
    .orderBy('school_id')
    .execute();
  const schools = new Map(
    (await db.selectFrom('schools').select(['id', 'region_code', 'location_class']).execute()).map((s) => [s.id, s]),
  );
  const teachers: Teacher[] = (
    await db
      .selectFrom('teachers')
      .select(['id', 'name', 'school_id', 'gender', 'birth_year', 'honours', 'posts', 'subjects', 'major_subject'])
      .where('status', '=', 'active')
      .orderBy('id')
      .execute()
  ).map((t) => ({
    id: t.id,
    name: t.name,
    schoolId: t.school_id,
    gender: t.gender,
    birthYear: t.birth_year,
    honours: t.honours,
    posts: t.posts,
    subjects: t.subjects,
    major: t.major_subject,
  }));
  const staff = new Map<number, Teacher[]>();
  for (const t of teachers) staff.set(t.schoolId, [...(staff.get(t.schoolId) ?? []), t]);

  // the county most schools are in gets the settings and Enshi-style shadowing rule
  const regionCounts = new Map<string, number>();
  for (const s of schools.values()) regionCounts.set(s.region_code, (regionCounts.get(s.region_code) ?? 0) + 1);
  const county = [...regionCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!county) return { assignments: 0 };

  const assignments: {
    row: Insertable<ExchangeAssignmentTable>;
    slots: Slot[];
    sessions: { held_on: string; hours: number; topic: string }[];
  }[] = [];
  const timetable: {
    teacher_id: number;
    school_id: number;
    weekday: number;
    start_time: string;
    end_time: string;
    subject: string | null;
    class_name: string;
  }[] = [];
  const busyFullTime = new Map<number, [string, string][]>();
  const free = (t: Teacher, start: string, end: string) =>
    !(busyFullTime.get(t.id) ?? []).some(([a, b]) => a <= end && start <= b);
  const add = (
    t: Teacher,
    kind: string,
    to: number,
    start: string,
    end: string,
    o: Partial<Insertable<ExchangeAssignmentTable>> = {},
    slots: Slot[] = [],
    sessions: { held_on: string; hours: number; topic: string }[] = [],
  ) => {
    const workload = (o.workload ?? 'full_time') as 'full_time' | 'part_time';
    if (workload === 'full_time') {
      if (!free(t, start, end)) return false;
      busyFullTime.set(t.id, [...(busyFullTime.get(t.id) ?? []), [start, end]]);
    }
    const fraction = workload === 'full_time' ? null : (o.part_time_fraction ?? 0.2);
    const hours = computeHours({
      kind,
      workload,
      partTimeFraction: fraction,
      startDate: start,
      endDate: end,
      dayHours: 8,
      slots,
      sessionHours: sessions.map((s) => s.hours),
    });
    const status = o.status ?? statusOf(start, end);
    assignments.push({
      row: {
        teacher_id: t.id,
        kind,
        from_school_id: t.schoolId,
        to_school_id: to,
        start_date: start,
        end_date: end,
        workload,
        part_time_fraction: fraction,
        status,
        post_held: o.post_held ?? null,
        allowance_yuan: o.allowance_yuan ?? null,
        computed_hours: hours,
        hours_override: null,
        override_reason: null,
        evaluation_grade: status === 'completed' ? rnd.weighted({ excellent: 3, good: 5, pass: 2 }) : null,
        evaluation_comment: null,
        evaluated_at: status === 'completed' ? addDays(end, 7) : null,
        note: null,
        created_by: null,
      },
      slots,
      sessions,
    });
    return true;
  };

  const communities = [...new Set(members.map((m) => m.communityId))];
  const pairs: {
    communityId: number;
    mentor: Teacher;
    apprentice: Teacher;
    signedOn: string;
    endsOn: string | null;
  }[] = [];
  for (const cid of communities) {
    const r = rnd.fork(cid);
    const ms = members.filter((m) => m.communityId === cid);
    const core = ms.find((m) => m.role === 'core');
    const others = ms.filter((m) => m !== core).map((m) => m.schoolId);
    if (!core || !others.length) continue;
    const coreStaff = staff.get(core.schoolId) ?? [];
    if (coreStaff.length < 5) continue;
    // backbone teachers first: the national norm wants ≥ 20% of those rotated to be backbone teachers
    const ranked = [...coreStaff].sort((a, b) => rank(b) - rank(a) || a.id - b.id);
    const pickCore = (start: string, end: string, pred: (t: Teacher) => boolean = () => true) => {
      const pool = ranked.filter((t) => pred(t) && free(t, start, end) && !t.posts.includes('principal'));
      return pool.length ? pool[Math.min(pool.length - 1, Math.floor(r.next() * r.next() * pool.length))] : undefined;
    };
    for (const y of YEARS) {
      for (const sid of others) {
        const memberStaff = (staff.get(sid) ?? []).filter((t) => !t.posts.includes('principal'));
        const supports = r.int(1, 2);
        for (let i = 0; i < supports; i++) {
          const t = pickCore(y.start, y.end);
          if (t) add(t, 'support_teaching', sid, y.start, y.end, { allowance_yuan: r.pick([6000, 8000, 12000]) });
        }
        // rotation both ways: a core teacher to the member school, a member teacher to the core school
        const out = pickCore(y.start, y.end);
        if (out) add(out, 'rotation', sid, y.start, y.end);
        const back = memberStaff.filter((t) => free(t, y.start, y.end));
        if (back.length && r.chance(0.8)) add(r.pick(back), 'rotation', core.schoolId, y.start, y.end);
        // shadowing: rural teachers spend three weeks at the core school, each term
        for (const [ts, te] of y.terms) {
          for (let i = 0; i < r.int(2, 4); i++) {
            const young = memberStaff.filter(
              (t) => t.birthYear !== null && 2026 - t.birthYear < (t.gender === 'M' ? 50 : 45),
            );
            if (!young.length) break;
            const start = monday(addDays(ts, 7 * r.int(2, 12)));
            const end = addDays(start, 7 * r.int(2, 3) - 3);
            if (end > te) continue;
            add(r.pick(young), 'shadowing', core.schoolId, start, end);
          }
          // itinerant: a core English/art teacher teaches one or two periods a week at the member school
          const subject = r.pick(ITINERANT_SUBJECTS);
          const t = pickCore(ts, te, (x) => x.subjects.includes(subject)) ?? pickCore(ts, te);
          if (t && ts <= TODAY) {
            const weekday = r.int(1, 5);
            const slots: Slot[] = [{ weekday, startTime: r.pick(['08:50', '09:50', '13:30', '14:30']), endTime: '' }];
            slots[0]!.endTime = endOf(slots[0]!.startTime);
            if (r.chance(0.4))
              slots.push({ weekday: weekday === 5 ? 4 : weekday + 1, startTime: '10:50', endTime: '11:30' });
            if (add(t, 'itinerant', sid, ts, te, { workload: 'part_time', part_time_fraction: 0.2 }, slots)) {
              // the home timetable the system knows, on other days than the itinerant slots
              for (const wd of [1, 2, 3, 4, 5].filter((d) => !slots.some((s) => s.weekday === d)).slice(0, 3)) {
                timetable.push({
                  teacher_id: t.id,
                  school_id: t.schoolId,
                  weekday: wd,
                  start_time: '08:00',
                  end_time: '08:40',
                  subject: t.subjects[0] ?? null,
                  class_name: `${r.int(1, 6)}(${r.int(1, 4)})班`,
                });
              }
            }
          }
          // send-lessons: a master or backbone teacher visits two to four times a term
          const sender = pickCore(ts, te, (x) => rank(x) >= 2);
          if (sender && ts <= TODAY) {
            const sessions = Array.from({ length: r.int(2, 4) }, (_, k) => ({
              held_on: monday(addDays(ts, 21 + k * 28)),
              hours: r.pick([1.5, 2, 3]),
              topic: r.pick(LESSONS),
            })).filter((s) => s.held_on <= te && s.held_on <= TODAY);
            add(sender, 'send_lesson', sid, ts, te, { workload: 'part_time', part_time_fraction: 0.05 }, [], sessions);
          }
        }
      }
      // secondment: a core middle manager serves a term as vice-principal of a member school
      const [ts, te] = y.terms[0];
      const manager = pickCore(ts, te, (t) => t.posts.includes('middle_manager') || t.posts.includes('vice_principal'));
      if (manager) add(manager, 'secondment', r.pick(others), ts, te, { post_held: '副校长', allowance_yuan: 5000 });
    }
    // mentor pairs: a core master/backbone teacher with a young member-school teacher
    for (const sid of others) {
      const young = (staff.get(sid) ?? []).filter((t) => t.birthYear !== null && t.birthYear >= 1990);
      const mentors = ranked.filter((t) => rank(t) >= 2);
      for (let i = 0; i < Math.min(2, young.length, mentors.length); i++) {
        const signedOn = i === 0 ? '2025-09-10' : '2026-09-08';
        pairs.push({
          communityId: cid,
          mentor: mentors[(i + sid) % mentors.length]!,
          apprentice: young[i]!,
          signedOn,
          endsOn: i === 0 ? '2026-07-10' : null,
        });
      }
    }
  }
  // spring-2027 shadowing already planned for some of those still due, so the due list shows "scheduled"
  const rural = teachers.filter((t) => schools.get(t.schoolId)?.location_class !== 'urban' && !busyFullTime.has(t.id));
  const coreOf = new Map(members.filter((m) => m.role === 'core').map((m) => [m.communityId, m.schoolId]));
  const communityOf = new Map(members.filter((m) => m.role === 'member').map((m) => [m.schoolId, m.communityId]));
  for (const t of rural.filter((_, i) => i % 17 === 0)) {
    const to = coreOf.get(communityOf.get(t.schoolId) ?? -1);
    if (to && to !== t.schoolId) add(t, 'shadowing', to, '2027-03-08', '2027-03-26');
  }

  const studios = pickStudios(rnd.fork(7), teachers, schools);
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('exchange_settings')
      .values({
        region_code: county,
        day_hours: 8,
        school_day_start: '07:30',
        school_day_end: '17:30',
        observations_per_month: 1,
        structure_floor: 0.15,
        promotion_months: 12,
      })
      .onConflict((oc) => oc.column('region_code').doNothing())
      .execute();
    await tx
      .insertInto('exchange_rules')
      .values({
        region_code: county,
        name: '农村教师三年一轮到城区学校跟岗（男50岁、女45岁以下）',
        kinds: ['shadowing'],
        cycle_years: 3,
        cycle_start_year: 2024,
        male_max_age: 50,
        female_max_age: 45,
        location_classes: ['rural', 'town'],
      })
      .execute();
    let slots = 0;
    let sessions = 0;
    for (let i = 0; i < assignments.length; i += 500) {
      const batch = assignments.slice(i, i + 500);
      const ids = await tx
        .insertInto('exchange_assignments')
        .values(batch.map((a) => a.row))
        .returning('id')
        .execute();
      const slotRows = batch.flatMap((a, j) =>
        a.slots.map((s) => ({
          assignment_id: ids[j]!.id,
          weekday: s.weekday,
          start_time: s.startTime,
          end_time: s.endTime,
          subject: null,
          class_name: null,
        })),
      );
      const sessionRows = batch.flatMap((a, j) => a.sessions.map((s) => ({ assignment_id: ids[j]!.id, ...s })));
      if (slotRows.length) await tx.insertInto('exchange_slots').values(slotRows).execute();
      if (sessionRows.length) await tx.insertInto('exchange_sessions').values(sessionRows).execute();
      slots += slotRows.length;
      sessions += sessionRows.length;
    }
    // in chunks: a province's timetable would pass PostgreSQL's 65,535 bind parameters in one insert
    for (let k = 0; k < timetable.length; k += 2000)
      await tx
        .insertInto('teacher_timetable_entries')
        .values(timetable.slice(k, k + 2000))
        .execute();

    // pairs, their activities and evaluations in batches: a province seeds thousands of pairs
    const pr = rnd.fork(11);
    const planned = pairs.map((p) => {
      const status = p.endsOn && p.endsOn < TODAY ? 'completed' : 'active';
      const acts = pairActivities(pr, p, TODAY);
      const grades =
        status === 'completed'
          ? ['2025-2026-1', '2025-2026-2'].map((semester) => ({
              semester,
              grade: pr.weighted({ excellent: 3, good: 5, pass: 1 }),
            }))
          : [];
      return { p, status, acts, grades };
    });
    let observations = 0;
    for (let i = 0; i < planned.length; i += 200) {
      const batch = planned.slice(i, i + 200);
      const pairIds = await tx
        .insertInto('mentorships')
        .values(
          batch.map(({ p, status }) => ({
            community_id: p.communityId,
            mentor_teacher_id: p.mentor.id,
            apprentice_teacher_id: p.apprentice.id,
            signed_on: p.signedOn,
            ends_on: p.endsOn,
            goals:
              '一学年内徒弟能独立设计并执教一节校级公开课；师傅每月至少听课一节并评课，每学期上新授课、复习课示范课各一节。',
            observations_per_month: 1,
            status,
            created_by: null,
          })),
        )
        .returning('id')
        .execute();
      const evaluations = batch.flatMap((b, j) =>
        b.grades.map((g) => ({ mentorship_id: pairIds[j]!.id, ...g, comment: null, evaluated_by: null })),
      );
      if (evaluations.length) await tx.insertInto('mentorship_evaluations').values(evaluations).execute();
      const acts = batch.flatMap((b, j) =>
        b.acts.map((row) => ({ row, pairId: pairIds[j]!.id, mentorSchool: b.p.mentor.schoolId })),
      );
      observations += acts.filter((a) => a.row.kind === 'observation').length;
      for (let k = 0; k < acts.length; k += 500) {
        const chunk = acts.slice(k, k + 500);
        const ids = await tx
          .insertInto('activities')
          .values(chunk.map((a) => a.row))
          .returning('id')
          .execute();
        await tx
          .insertInto('activity_schools')
          .values(
            chunk.flatMap((a, j) => [
              { activity_id: ids[j]!.id, school_id: a.row.organizer_school_id, role: 'organizer' },
              { activity_id: ids[j]!.id, school_id: a.mentorSchool, role: 'participant' },
            ]),
          )
          .execute();
        const pairsOf = sql.join(chunk.map((a, j) => sql`(${ids[j]!.id}::int, ${a.pairId}::int)`));
        await sql`update activities a set mentorship_id = v.pair from (values ${pairsOf}) as v(id, pair) where a.id = v.id`.execute(
          tx,
        );
      }
    }
    for (const s of studios) {
      const row = await tx
        .insertInto('master_studios')
        .values({
          name: s.name,
          region_code: county,
          community_id: null,
          leader_teacher_id: s.leader.id,
          subject: s.subject,
          founded_on: '2024-09-01',
          description: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (s.members.length)
        await tx
          .insertInto('master_studio_members')
          .values(s.members.map((m) => ({ studio_id: row.id, teacher_id: m.id, joined_on: '2024-09-01' })))
          .execute();
    }
    return {
      assignments: assignments.length,
      slots,
      sessions,
      timetableEntries: timetable.length,
      mentorships: pairs.length,
      pairObservations: observations,
      studios: studios.length,
    };
  });
}

/** 3 master, 2 backbone, 1 rising star, 0 others: who goes first. */
function rank(t: Teacher): number {
  return { master: 3, backbone: 2, rising_star: 1, none: 0 }[honourLevel(t.honours)];
}

function endOf(start: string): string {
  const [h, m] = start.split(':').map(Number) as [number, number];
  const total = h * 60 + m + 40;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** The mentor's observations (most months one or two, some missed) and a demonstration lesson a term. */
function pairActivities(
  r: Random,
  p: { communityId: number; mentor: Teacher; apprentice: Teacher; signedOn: string; endsOn: string | null },
  today: string,
) {
  const out: ReturnType<typeof activity>[] = [];
  const last = p.endsOn && p.endsOn < today ? p.endsOn : today;
  const subject = p.apprentice.subjects[0] ?? 'chinese';
  for (let month = p.signedOn.slice(0, 7); `${month}-01` <= last; month = nextMonth(month)) {
    if (['02', '07', '08'].includes(month.slice(5))) continue;
    const n = r.weighted({ 0: 1, 1: 6, 2: 3 });
    for (let k = 0; k < Number(n); k++) {
      const date = monday(`${month}-${String(r.int(3, 20)).padStart(2, '0')}`);
      if (date > last || date < p.signedOn) continue;
      const lesson = r.pick(LESSONS);
      out.push(
        activity(p, 'observation', date, `师徒听课：${lesson}`, {
          observerTeacherId: p.mentor.id,
          observedTeacherId: p.apprentice.id,
          subject,
          grade: r.int(1, 6),
          lessonTitle: lesson,
          rubric: {
            objectives: r.int(3, 5),
            content: r.int(3, 5),
            method: r.int(2, 5),
            interaction: r.int(2, 5),
            effect: r.int(3, 5),
          },
          feedback: '教学目标明确，环节紧凑；建议增加学生合作探究的时间，提问更有层次。',
        }),
      );
    }
  }
  for (const start of ['2025-10-20', '2026-04-13', '2026-10-19']) {
    if (start < p.signedOn || start > last) continue;
    const lesson = r.pick(LESSONS);
    out.push(
      activity(p, 'demo_lesson', start, `师傅示范课：${lesson}`, {
        type: r.pick(['new_lesson', 'review_lesson'] as const),
        teacherId: p.mentor.id,
        subject: p.mentor.subjects[0] ?? subject,
        grade: r.int(1, 6),
        lessonTitle: lesson,
      }),
    );
  }
  return out;
}

function activity(
  p: { communityId: number; mentor: Teacher; apprentice: Teacher },
  kind: string,
  date: string,
  title: string,
  details: object,
) {
  const startsAt = shanghaiInstant(date, '09:50');
  return {
    community_id: p.communityId,
    organizer_school_id: p.apprentice.schoolId,
    kind,
    title,
    description: null,
    starts_at: startsAt,
    ends_at: new Date(Date.parse(startsAt) + 40 * 60000).toISOString(),
    semester: semesterOfDate(date)!,
    teacher_count: 2,
    student_count: 0,
    details: JSON.stringify(details),
    created_by: null,
  };
}

function nextMonth(m: string): string {
  const y = Number(m.slice(0, 4));
  const mo = Number(m.slice(5, 7));
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

const STUDIO_SUBJECTS: [string, string][] = [
  ['math', '数学'],
  ['chinese', '语文'],
  ['english', '英语'],
  ['science', '科学'],
];

/** One studio per main subject, led by an urban master teacher, with teachers of that subject county-wide. */
function pickStudios(r: Random, teachers: Teacher[], schools: Map<number, { location_class: string }>) {
  const out: { name: string; subject: string; leader: Teacher; members: Teacher[] }[] = [];
  const used = new Set<number>();
  for (const [subject, zh] of STUDIO_SUBJECTS) {
    const leader = teachers.find(
      (t) =>
        !used.has(t.id) &&
        t.major === subject &&
        honourLevel(t.honours) === 'master' &&
        schools.get(t.schoolId)?.location_class === 'urban',
    );
    if (!leader) continue;
    used.add(leader.id);
    const pool = teachers.filter(
      (t) => t.id !== leader.id && t.subjects.includes(subject) && t.birthYear !== null && t.birthYear >= 1985,
    );
    const members: Teacher[] = [];
    for (let i = 0; i < r.int(5, 8) && pool.length; i++) {
      const m = pool.splice(r.int(0, pool.length - 1), 1)[0]!;
      members.push(m);
    }
    out.push({ name: `${leader.name}${zh}名师工作室`, subject, leader, members });
  }
  return out;
}
