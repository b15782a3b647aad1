import { publishSyncRecordings } from './recordings.js';
import type { Insertable } from 'kysely';
import type { DbHandle } from '../../db/connection.js';
import type { Subject } from '../../../shared/enums.js';
import { semesterRange, shanghaiDate, shanghaiInstant } from '../../../shared/activities.semester.js';
import { Random } from '../../demo/demo.random.js';
import type { ActivityTable, SupportLedgerTable, WorkPlanTargetTable } from './activities.tables.js';

/**
 * Demo activities for the seeded county: the 2025–2026 school year and the 2026–2027 autumn term up
 * to today (2026-11-23), plus sync classes booked for the next two weeks. Deterministic for a seed.
 * Volumes follow the seeds' reports (Luqiao: ~45 pupils per sync-class session; 2+ lectures and 4+
 * joint preparations per term; monthly observations).
 */
const TODAY = '2026-11-23';
const TERMS = ['2025-2026-1', '2025-2026-2', '2026-2027-1'] as const;
const CN_GRADE = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];
const SYNC_SUBJECTS: Subject[] = ['english', 'math', 'music', 'art', 'science', 'chinese'];
const SLOTS = ['08:50', '09:50', '10:50', '13:40', '14:40'];
const TOPICS: Record<string, string[]> = {
  sync: [
    'Unit 3 My school',
    '两位数乘两位数',
    '认识图形',
    '《春晓》古诗赏析',
    '水的三态变化',
    '民歌欣赏',
    '色彩的冷暖',
  ],
  lecture: ['双减背景下的作业设计', '新课标与大单元教学', '班主任工作艺术', '课堂提问的有效性', '乡村学校阅读推广'],
  research: ['大单元教学设计', '跨学科主题学习', '作业分层设计', '课堂评价改革', '乡村小规模学校教学'],
  training: ['新课标解读', '信息技术与课堂融合', '心理健康教育', '教师专业成长'],
  culture: ['主题党日：教育家精神', '校园文化共建', '传统文化进校园'],
  course: ['科技创客', '陶艺', '围棋', '合唱', '足球'],
};

interface School {
  id: number;
  name: string;
  level: string;
}
interface Member {
  communityId: number;
  schoolId: number;
  role: string;
}
interface Teacher {
  id: number;
  schoolId: number;
  subjects: string[];
}

export async function seedActivitiesDemo(dbh: DbHandle, opts: { seed?: number } = {}): Promise<Record<string, number>> {
  const db = dbh.db;
  const rnd = new Random(opts.seed ?? 20250901);
  const members: Member[] = await db
    .selectFrom('community_memberships')
    .select(['community_id as communityId', 'school_id as schoolId', 'role'])
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', '2025-09-01')]))
    .orderBy('community_id')
    .orderBy('school_id')
    .execute();
  const schools = new Map(
    (await db.selectFrom('schools').select(['id', 'name', 'level']).execute()).map((s) => [s.id, s as School]),
  );
  const teachers: Teacher[] = await db
    .selectFrom('teachers')
    .select(['id', 'school_id as schoolId', 'subjects'])
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  const bySchool = new Map<number, Teacher[]>();
  for (const t of teachers) bySchool.set(t.schoolId, [...(bySchool.get(t.schoolId) ?? []), t]);
  const communities = [...new Set(members.map((m) => m.communityId))];

  const acts: { row: Insertable<ActivityTable>; schools: number[] }[] = [];
  const plans: {
    communityId: number;
    semester: string;
    targets: Omit<Insertable<WorkPlanTargetTable>, 'plan_id'>[];
  }[] = [];
  const ledger: Insertable<SupportLedgerTable>[] = [];

  for (const cid of communities) {
    const r = rnd.fork(cid);
    const ms = members.filter((m) => m.communityId === cid);
    const core = ms.find((m) => m.role === 'core') ?? ms[0];
    const others = ms.filter((m) => m !== core).map((m) => m.schoolId);
    if (!core || !others.length) continue;
    const coreStaff = bySchool.get(core.schoolId) ?? [];
    if (!coreStaff.length) continue;
    const staffOf = (sid: number) => bySchool.get(sid) ?? coreStaff;
    const teacherFor = (sid: number, subject?: string) => {
      const staff = staffOf(sid);
      return (subject ? staff.find((t) => t.subjects.includes(subject) && r.chance(0.7)) : undefined) ?? r.pick(staff);
    };
    const primary = schools.get(core.schoolId)?.level !== 'junior';
    const grades = primary ? [1, 2, 3, 4, 5, 6] : [7, 8, 9];

    for (const term of TERMS) {
      const range = semesterRange(term)!;
      const last = term === '2026-2027-1' ? addDays(TODAY, 14) : range.end;
      const days = weekdays(range.start, last).filter((d) => !holiday(d));
      const add = (
        kind: string,
        date: string,
        time: string,
        minutes: number,
        title: string,
        schoolIds: number[],
        teacherCount: number,
        studentCount: number,
        details: object,
        organizer = core.schoolId,
      ) => {
        if (date > TODAY && kind !== 'sync_class') return;
        acts.push({
          row: {
            community_id: cid,
            organizer_school_id: organizer,
            kind,
            title,
            description: null,
            starts_at: shanghaiInstant(date, time),
            ends_at: new Date(Date.parse(shanghaiInstant(date, time)) + minutes * 60000).toISOString(),
            semester: term,
            teacher_count: teacherCount,
            student_count: studentCount,
            details: JSON.stringify(details),
            created_by: null,
          },
          schools: [...new Set([organizer, ...schoolIds])],
        });
      };
      // sync classes: two a week, host teacher of the core school, one or two rural classes
      const used = new Set<string>();
      for (const day of days.filter((_, i) => i % 5 === 1 || i % 5 === 3)) {
        const subject = r.pick(SYNC_SUBJECTS);
        const grade = r.pick(grades);
        const host = teacherFor(core.schoolId, subject);
        const slot = r.pick(SLOTS);
        const key = `${day}|${slot}|${host.id}`;
        if (used.has(key)) continue;
        used.add(key);
        const receivers = others.slice(0, r.int(1, Math.min(2, others.length)));
        const past = day < TODAY;
        const receiving = receivers.map((sid) => {
          const expected = r.int(24, 45);
          return {
            schoolId: sid,
            className: `${CN_GRADE[grade - 1]}(${r.int(1, 3)})班`,
            expectedStudents: expected,
            attended: past ? expected - r.int(0, 3) : null,
          };
        });
        const mode = r.weighted({ sync: 6, dedicated: 2, master: 1, dual: 2 } as const);
        const topic = r.pick(TOPICS.sync!);
        add(
          'sync_class',
          day,
          slot,
          40,
          `${CN_GRADE[grade - 1]}年级同步课堂：${topic}`,
          receivers,
          1 + receivers.length,
          receiving.reduce((s, x) => s + (x.attended ?? x.expectedStudents), 0),
          {
            mode,
            hostTeacherId: host.id,
            hostClass: `${CN_GRADE[grade - 1]}(${r.int(1, 6)})班`,
            subject,
            grade,
            durationMinutes: 40,
            receiving,
            meetingUrl: `https://meeting.example.cn/${cid}-${day.replace(/-/g, '')}`,
            recordingUrl:
              past && r.chance(0.85) ? `https://vod.example.cn/haining/${cid}/${day.replace(/-/g, '')}.mp4` : null,
          },
        );
      }
      const pastDays = days.filter((d) => d <= TODAY);
      if (!pastDays.length) continue;
      const someDay = () => r.pick(pastDays);
      for (let i = 0; i < r.int(5, 9); i++) {
        const grade = r.pick(grades);
        const subject = r.pick(['chinese', 'math', 'english'] as const);
        add(
          'joint_prep',
          someDay(),
          '14:00',
          120,
          `${CN_GRADE[grade - 1]}年级${{ chinese: '语文', math: '数学', english: '英语' }[subject]}集体备课`,
          others,
          r.int(6, 14),
          0,
          {
            grade,
            subject,
            unit: `第${CN_GRADE[r.int(0, 7)]}单元`,
            leadTeacherId: teacherFor(core.schoolId, subject).id,
          },
        );
      }
      for (let i = 0; i < r.int(2, 5); i++) {
        add('research', someDay(), '15:30', 90, `教研活动：${r.pick(TOPICS.research!)}`, others, r.int(10, 40), 0, {
          theme: r.pick(TOPICS.research!),
          format: r.pick(['onsite', 'online', 'same_topic', 'lesson_polish'] as const),
        });
      }
      for (const sid of others) {
        for (let i = 0; i < r.int(1, 3); i++) {
          const topic = r.pick(TOPICS.lecture!);
          add(
            'lecture',
            someDay(),
            '15:00',
            90,
            `专题讲座：${topic}`,
            [core.schoolId],
            r.int(15, 45),
            0,
            { speaker: '核心校名师', speakerTeacherId: r.pick(coreStaff).id, topic, audience: '成员校教师' },
            sid,
          );
        }
        for (let i = 0; i < r.int(3, 6); i++) {
          const observer = r.pick(coreStaff);
          const observed = r.pick(staffOf(sid));
          const grade = r.pick(grades);
          const score = () => r.int(3, 5);
          add(
            'observation',
            someDay(),
            '10:00',
            40,
            `听课评课：${r.pick(TOPICS.sync!)}`,
            [core.schoolId],
            2,
            0,
            {
              observerTeacherId: observer.id,
              observedTeacherId: observed.id,
              subject: r.pick(['chinese', 'math', 'english'] as const),
              grade,
              lessonTitle: r.pick(TOPICS.sync!),
              rubric: { objectives: score(), content: score(), method: score(), interaction: score(), effect: score() },
              feedback: '教学目标明确，环节清晰；建议增加学生自主探究时间，作业设计再分层。',
            },
            sid,
          );
        }
      }
      for (let i = 0; i < r.int(2, 3); i++) {
        const grade = r.pick(grades);
        add(
          'demo_lesson',
          someDay(),
          '09:00',
          40,
          `送教下乡示范课`,
          others,
          r.int(8, 20),
          r.int(30, 45),
          {
            type: r.pick(['demo', 'send_lesson'] as const),
            teacherId: r.pick(coreStaff).id,
            subject: r.pick(['chinese', 'math', 'english'] as const),
            grade,
            lessonTitle: r.pick(TOPICS.sync!),
          },
          r.pick(others),
        );
      }
      for (let i = 0; i < r.int(3, 6); i++) {
        const reached = r.int(20, 60);
        add('shared_course', someDay(), '15:20', 80, `共享课程：${r.pick(TOPICS.course!)}`, others, 2, reached, {
          courseName: r.pick(TOPICS.course!),
          session: i + 1,
          classHours: 2,
          studentsReached: reached,
        });
      }
      add('student_exchange', someDay(), '08:30', 360, '城乡学生手拉手研学', others, r.int(4, 10), r.int(60, 120), {
        format: r.pick(['pairs', 'visit', 'festival'] as const),
        pairs: r.int(20, 50),
      });
      add('culture', someDay(), '14:00', 120, r.pick(TOPICS.culture!), others, r.int(20, 50), 0, {
        format: r.pick(['party', 'culture'] as const),
        theme: r.pick(TOPICS.culture!),
      });
      add('management_visit', someDay(), '09:00', 180, '管理互访：制度互鉴', others, r.int(4, 8), 0, {
        theme: '学校制度建设',
        regulationsRevised: r.int(2, 12),
      });
      add('training', someDay(), '13:30', 180, `教师培训：${r.pick(TOPICS.training!)}`, others, r.int(20, 60), 0, {
        topic: r.pick(TOPICS.training!),
        trainer: '市教研员',
        hours: 3,
      });

      plans.push({
        communityId: cid,
        semester: term,
        targets: [
          {
            kind: 'sync_class',
            target_count: 8,
            cadence: 'monthly',
            school_id: null,
            grade: null,
            subject: null,
            month: null,
            note: '每月不少于 8 节',
          },
          {
            kind: 'joint_prep',
            target_count: 4,
            cadence: 'semester',
            school_id: null,
            grade: null,
            subject: null,
            month: null,
            note: null,
          },
          {
            kind: 'research',
            target_count: 3,
            cadence: 'semester',
            school_id: null,
            grade: null,
            subject: null,
            month: null,
            note: null,
          },
          ...others.map((sid) => ({
            kind: 'lecture',
            target_count: 2,
            cadence: 'semester',
            school_id: sid,
            grade: null,
            subject: null,
            month: null,
            note: '成员校每学期不少于 2 次讲座',
          })),
          {
            kind: 'observation',
            target_count: 1,
            cadence: 'monthly',
            school_id: null,
            grade: null,
            subject: null,
            month: null,
            note: '每月听评课不少于 1 次',
          },
          {
            kind: 'shared_course',
            target_count: 4,
            cadence: 'semester',
            school_id: null,
            grade: null,
            subject: null,
            month: null,
            note: null,
          },
        ],
      });
    }
    // 资源共用: a few gifts a year from the core school or the bureau (Enshi: ¥21,500 of books and desks)
    for (const sid of others) {
      for (const year of [2025, 2026]) {
        if (year === 2026 && r.chance(0.5)) continue;
        const cat = r.pick(['books', 'furniture', 'equipment', 'uniforms', 'funds'] as const);
        const spec = {
          books: ['课外读物', 200, '册', 32],
          furniture: ['课桌椅', 60, '套', 260],
          equipment: ['多媒体一体机', 2, '台', 12800],
          uniforms: ['校服', 80, '套', 120],
          funds: ['薄弱学校改造经费', null, null, 0],
        }[cat];
        const qty = spec[1] === null ? null : Math.round(Number(spec[1]) * r.float(0.6, 1.6));
        const value = cat === 'funds' ? r.int(2, 20) * 10000 : Math.round((qty ?? 1) * Number(spec[3]));
        const given = `${year}-${String(r.int(9, 11)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
        if (given > TODAY) continue;
        ledger.push({
          community_id: cid,
          recipient_school_id: sid,
          donor_type: cat === 'funds' ? 'bureau' : 'core_school',
          donor_school_id: cat === 'funds' ? null : core.schoolId,
          donor_name: null,
          category: cat,
          item: String(spec[0]),
          quantity: qty,
          unit: spec[2] === null ? null : String(spec[2]),
          value_yuan: value,
          given_on: given,
          note: null,
          created_by: null,
        });
      }
    }
  }

  const counts = await db.transaction().execute(async (tx) => {
    let schoolLinks = 0;
    for (let i = 0; i < acts.length; i += 500) {
      const batch = acts.slice(i, i + 500);
      const ids = await tx
        .insertInto('activities')
        .values(batch.map((a) => a.row))
        .returning('id')
        .execute();
      const links = batch.flatMap((a, j) =>
        a.schools.map((s) => ({
          activity_id: ids[j]!.id,
          school_id: s,
          role: s === a.row.organizer_school_id ? 'organizer' : 'participant',
        })),
      );
      schoolLinks += links.length;
      for (let k = 0; k < links.length; k += 2000)
        await tx
          .insertInto('activity_schools')
          .values(links.slice(k, k + 2000))
          .execute();
    }
    let targets = 0;
    for (const p of plans) {
      const plan = await tx
        .insertInto('work_plans')
        .values({
          community_id: p.communityId,
          semester: p.semester,
          title: `${p.semester.slice(0, 4)}学年第${p.semester.endsWith('1') ? '一' : '二'}学期教共体工作计划`,
          notes: null,
          created_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('work_plan_targets')
        .values(p.targets.map((t) => ({ ...t, plan_id: plan.id })))
        .execute();
      targets += p.targets.length;
    }
    if (ledger.length) await tx.insertInto('support_ledger').values(ledger).execute();
    return {
      activities: acts.length,
      activitySchools: schoolLinks,
      workPlans: plans.length,
      planTargets: targets,
      supportEntries: ledger.length,
    };
  });
  // the recorded sync classes reach the library as they would have through the app (issue 22)
  return { ...counts, libraryRecordings: await publishSyncRecordings(db) };
}

function addDays(date: string, n: number) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
}
function weekdays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d);
  }
  return out;
}
/** National Day week, winter break and the spring festival have no school activities. */
function holiday(d: string) {
  const md = d.slice(5);
  return (md >= '10-01' && md <= '10-07') || (md >= '01-20' && md <= '02-20') || shanghaiDate(`${d}T04:00:00Z`) !== d;
}
