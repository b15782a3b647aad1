import { sql } from 'kysely';
import type { DbHandle } from '../../db/connection.js';
import { Random } from '../../demo/demo.random.js';
import { carryOver } from './meetings.service.js';
import { normalizeMinutes, sha256Hex } from './meetings.rules.js';

/**
 * Demo joint meetings for the seeded county: for every community the regular half-yearly meetings
 * of the 2025–2026 school year and of the 2026–2027 autumn term (today is 2026-11-23), their
 * agendas, attendees, co-signed minutes and action items. A few communities have not met since
 * spring (so the reminders have something to say), some autumn minutes still await signatures
 * (the demo principal can sign one), some items are overdue, and some December meetings are
 * scheduled with last term's open items carried onto their agenda.
 */
const TOPICS = [
  '审议本学期教共体工作计划',
  '通报上学期联席会议纪要落实情况',
  '研究英语、音乐学科走教安排',
  '商定同步课堂开课表与设备保障',
  '研究骨干教师交流轮岗人选',
  '部署集体备课与同课异构活动',
  '研究师徒结对名单与考核办法',
  '商议学生手拉手共育活动方案',
  '讨论年度捆绑考核自评材料',
  '通报教师跟岗学习情况',
  '研究共建拓展课程开放方案',
  '协商联合教研经费使用',
  '讨论校园文化共建方案',
  '研究期末联合命题与质量分析',
] as const;
const DECISIONS = [
  '制定同步课堂课表并报送教育局',
  '选派两名骨干教师到成员校支教',
  '完成学科集体备课四次',
  '建立英语学科走教制度',
  '组织成员校教师跟岗学习一周',
  '修订教共体教研管理制度',
  '开展城乡学生手拉手结对',
  '整理本学期活动档案与影像资料',
  '开放三门拓展课程供成员校选修',
  '完成期末联合质量分析报告',
  '举办联合读书节',
  '完善录播教室设备并试运行',
] as const;
const PLACES = ['核心校行政楼三楼会议室', '成员校会议室', '核心校录播教室', '教共体党建活动室'];

interface SchoolInfo {
  id: number;
  name: string;
  role: 'core' | 'member';
  principal: string;
  userId: number | null;
  teacherRep: string | null;
}

const at = (date: string, time = '14:30') => `${date}T${time}:00+08:00`;
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const cnDate = (date: string) =>
  `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

export async function seedMeetingsDemo(dbh: DbHandle, opts: { seed?: number } = {}): Promise<Record<string, number>> {
  const db = dbh.db;
  const rng = new Random(opts.seed ?? 20261123).fork(1300);
  const communities = await db
    .selectFrom('communities')
    .select(['id', 'name', 'founded_on'])
    .where('dissolved_on', 'is', null)
    .orderBy('id')
    .execute();
  const members = await db
    .selectFrom('community_memberships as m')
    .innerJoin('schools as s', 's.id', 'm.school_id')
    .select(['m.community_id', 's.id', 's.name', 's.principal_name', 'm.role'])
    .where((eb) => eb.or([eb('m.end_date', 'is', null), eb('m.end_date', '>=', '2026-11-23')]))
    .where('m.start_date', '<=', '2026-11-23')
    .orderBy('m.community_id')
    .orderBy(sql`case m.role when 'core' then 0 else 1 end`)
    .orderBy('s.id')
    .execute();
  const principals = await db
    .selectFrom('users')
    .select(['id', 'scope_id'])
    .where('role', '=', 'school_admin')
    .where('scope_kind', '=', 'school')
    .orderBy('id')
    .execute();
  const reps = await db
    .selectFrom('teachers')
    .select(['school_id', sql<string>`min(name)`.as('name')])
    .where(sql<boolean>`'head_teacher' = any(posts)`)
    .groupBy('school_id')
    .execute();
  const leadCommunity = await db
    .selectFrom('users')
    .select('scope_id')
    .where('username', '=', 'lead')
    .where('role', '=', 'community_lead')
    .executeTakeFirst();
  const counts = {
    meetings: 0,
    agendaItems: 0,
    attendees: 0,
    minutes: 0,
    signatures: 0,
    actionItems: 0,
    progressNotes: 0,
  };

  await db.transaction().execute(async (tx) => {
    for (const c of communities) {
      const schools: SchoolInfo[] = members
        .filter((m) => m.community_id === c.id)
        .map((m) => ({
          id: m.id,
          name: m.name,
          role: m.role as 'core' | 'member',
          principal: m.principal_name ?? `${m.name}校长`,
          userId: principals.find((p) => p.scope_id === String(m.id))?.id ?? null,
          teacherRep: reps.find((r) => r.school_id === m.id)?.name ?? null,
        }));
      if (!schools.length) continue;
      const r = rng.fork(c.id);
      const isLeadDemo = leadCommunity?.scope_id === String(c.id);
      const quiet = !isLeadDemo && r.chance(0.15); // has not met since spring: shows in the reminders
      const plan: {
        date: string;
        kind: 'regular' | 'extraordinary';
        state: 'locked' | 'circulated' | 'draft' | 'scheduled';
        term: string;
      }[] = [
        {
          date: `2025-09-${String(r.int(8, 26)).padStart(2, '0')}`,
          kind: 'regular',
          state: 'locked',
          term: '2025–2026学年第一学期',
        },
        {
          date: `2026-03-${String(r.int(2, 20)).padStart(2, '0')}`,
          kind: 'regular',
          state: 'locked',
          term: '2025–2026学年第二学期',
        },
      ];
      if (!quiet && r.chance(0.25))
        plan.push({
          date: `2026-05-${String(r.int(6, 28)).padStart(2, '0')}`,
          kind: 'extraordinary',
          state: 'locked',
          term: '2025–2026学年第二学期',
        });
      if (!quiet) {
        const state = isLeadDemo ? 'circulated' : r.weighted({ locked: 7, circulated: 2, draft: 1 });
        plan.push({
          date: `2026-09-${String(r.int(7, 28)).padStart(2, '0')}`,
          kind: 'regular',
          state,
          term: '2026–2027学年第一学期',
        });
      }
      if (isLeadDemo || r.chance(0.4))
        plan.push({
          date: `2026-12-${String(r.int(3, 18)).padStart(2, '0')}`,
          kind: 'regular',
          state: 'scheduled',
          term: '2026–2027学年第一学期期末',
        });

      for (const p of plan) {
        if (p.date < c.founded_on) continue;
        const core = schools[0]!;
        const title = p.kind === 'regular' ? `${p.term}联席会议` : `${p.term}临时联席会议`;
        const online = r.chance(0.3); // cross-campus meetings often run on video; some are online only
        const meeting = await tx
          .insertInto('meetings')
          .values({
            community_id: c.id,
            kind: p.kind,
            title,
            starts_at: at(p.date),
            ends_at: at(p.date, '16:30'),
            place: online && r.chance(0.5) ? null : r.pick(PLACES),
            link: online ? 'https://meeting.tencent.com/dm/demo' : null,
            note: null,
            created_by: null,
          })
          .returning(['id', 'starts_at'])
          .executeTakeFirstOrThrow();
        counts.meetings++;

        // agenda: topics proposed by the core and member principals, then last meeting's open items
        const topics = [...TOPICS].sort(() => r.next() - 0.5).slice(0, r.int(2, 4));
        const agenda = topics.map((topic, i) => {
          const s = i === 0 ? core : r.pick(schools);
          return {
            meeting_id: meeting.id,
            position: i + 1,
            topic,
            proposer_name: s.principal,
            proposer_school_id: s.id,
            proposer_user_id: null,
            note: null,
            carried_action_item_id: null,
          };
        });
        await tx.insertInto('meeting_agenda_items').values(agenda).execute();
        counts.agendaItems += agenda.length + (await carryOver(tx, meeting.id, c.id, meeting.starts_at)).length;
        if (p.state === 'scheduled') continue;

        const attendees = [
          ...schools.map((s) => ({
            meeting_id: meeting.id,
            category: 'attendee',
            person_name: s.principal,
            teacher_id: null,
            school_id: s.id,
            position: '校长',
          })),
          ...(schools[1]?.teacherRep
            ? [
                {
                  meeting_id: meeting.id,
                  category: 'teacher_rep',
                  person_name: schools[1].teacherRep,
                  teacher_id: null,
                  school_id: schools[1].id,
                  position: '班主任',
                },
              ]
            : []),
          ...(r.chance(0.5)
            ? [
                {
                  meeting_id: meeting.id,
                  category: 'parent_rep',
                  person_name: `${r.pick(['王', '李', '张', '陈', '沈', '徐'])}${r.pick(['女士', '先生'])}`,
                  teacher_id: null,
                  school_id: null,
                  position: '家委会代表',
                },
              ]
            : []),
          ...(r.chance(0.3)
            ? [
                {
                  meeting_id: meeting.id,
                  category: 'community_rep',
                  person_name: `${r.pick(['朱', '钱', '吴'])}主任`,
                  teacher_id: null,
                  school_id: null,
                  position: '社区居委会',
                },
              ]
            : []),
        ];
        await tx.insertInto('meeting_attendees').values(attendees).execute();
        counts.attendees += attendees.length;

        // decisions become action items; older ones are mostly done, this autumn's partly overdue
        const decisions = [...DECISIONS].sort(() => r.next() - 0.5).slice(0, r.int(2, 3));
        const doneChance = p.date < '2026-01-01' ? 0.9 : p.date < '2026-07-01' ? 0.7 : 0.3;
        const items = [];
        for (const d of decisions) {
          const owner = r.pick(schools);
          const due = addDays(p.date, r.int(30, 100));
          const done = due < '2026-11-23' ? r.chance(doneChance) : r.chance(0.1);
          const item = await tx
            .insertInto('meeting_action_items')
            .values({
              meeting_id: meeting.id,
              community_id: c.id,
              title: d,
              description: null,
              owner_kind: 'school',
              owner_name: owner.name,
              owner_teacher_id: null,
              owner_school_id: owner.id,
              due_date: due,
              done_at: done ? at(addDays(due, -r.int(0, 20)), '17:00') : null,
              activity_ids: [],
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          items.push({ title: d, owner: owner.name, due });
          counts.actionItems++;
          if (done || r.chance(0.4)) {
            await tx
              .insertInto('meeting_action_notes')
              .values({
                action_item_id: item.id,
                note: done ? '已按计划完成，材料已归档。' : '正在推进，已完成约一半。',
                author_user_id: null,
                author_name: owner.principal,
                created_at: at(addDays(due, -r.int(1, 25)), '17:30'),
              })
              .execute();
            counts.progressNotes++;
          }
        }

        const body = normalizeMinutes(
          [
            `# ${c.name}${title}纪要`,
            '',
            `时间：${cnDate(p.date)} 14:30\u3000主持：${core.principal}\u3000记录：校长办公室`,
            '',
            '## 一、会议议题',
            ...topics.map((t, i) => `${i + 1}. ${t}`),
            '',
            '## 二、议定事项',
            ...items.map((it, i) => `${i + 1}. **${it.title}**，由${it.owner}负责，${cnDate(it.due)}前完成。`),
            '',
            '## 三、其他',
            '会议纪要落实情况在下次联席会议上通报。',
          ].join('\n'),
        );
        const hash = sha256Hex(body);
        const circulatedAt = at(addDays(p.date, 2), '09:00');
        const locked = p.state === 'locked';
        const rev = await tx
          .insertInto('meeting_minutes_revisions')
          .values({
            meeting_id: meeting.id,
            revision: 1,
            status: p.state,
            body,
            body_sha256: hash,
            round: p.state === 'draft' ? 0 : 1,
            circulated_at: p.state === 'draft' ? null : circulatedAt,
            locked_at: locked ? at(addDays(p.date, schools.length + 2), '16:00') : null,
            updated_by: null,
            updated_by_name: '校长办公室',
            created_at: at(addDays(p.date, 1), '10:00'),
            updated_at: at(addDays(p.date, 1), '10:00'),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        counts.minutes++;
        if (p.state === 'draft') continue;
        const signers = schools.map((s, i) => {
          // circulated: the core school has signed; the demo principal's school (if any) still has to
          const signed = locked || (i === 0 && s.userId === null) || (s.userId === null && r.chance(0.4));
          return {
            revision_id: rev.id,
            round: 1,
            school_id: s.id,
            school_name: s.name,
            school_role: s.role,
            user_id: s.userId,
            signer_name: s.principal,
            status: signed ? 'signed' : 'pending',
            decided_at: signed ? at(addDays(p.date, i + 3), '11:00') : null,
            comment: null,
            signed_sha256: signed ? hash : null,
          };
        });
        await tx.insertInto('meeting_minutes_signers').values(signers).execute();
        counts.signatures += signers.filter((s) => s.status === 'signed').length;
      }
    }
  });
  return counts;
}
