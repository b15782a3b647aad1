import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { DbHandle } from '../../db/connection.js';
import type { Database } from '../../db/database.js';
import { SUBJECT_LABELS, type Subject } from '../../../shared/enums.js';
import { GRADE_LABELS, TEXTBOOK_EDITIONS, type ResourceKind } from '../../../shared/resources.enums.js';
import { Random } from '../../demo/demo.random.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { demoFiles, type DemoFile } from './resources.demo-files.js';
import { buildTsvector } from './resources.search.js';

/**
 * Demo data of the library and shared courses for the demo county, built on the registry rows
 * seedDemo wrote: resources of every kind shared in each community over the 2025–2026 school year
 * and the current autumn term, their on-demand counts by day, and the core schools' extension
 * courses (Haining 2023 reported 655 shared class hours and ~3,000 students; the demo lands near).
 */
const TOPICS: Partial<Record<Subject, string[]>> = {
  math: [
    '分数的意义',
    '小数乘法',
    '三角形的面积',
    '圆的周长',
    '一元一次方程',
    '勾股定理',
    '二次函数',
    '平行四边形',
    '因数与倍数',
    '统计与概率',
  ],
  chinese: [
    '古诗三首',
    '草船借箭',
    '慈母情深',
    '桃花源记',
    '背影',
    '春',
    '济南的冬天',
    '将相和',
    '少年闰土',
    '岳阳楼记',
  ],
  english: [
    'Unit 1 My school',
    'Unit 3 Is this your pencil?',
    'Unit 5 Do you have a soccer ball?',
    'Unit 7 How much are these socks?',
    'Unit 2 Ways to go to school',
    'Unit 4 Then and now',
  ],
  science: ['浮力', '光的反射', '植物的生长', '简单电路', '水的三态变化', '地球的运动', '物质的溶解'],
  physics: ['牛顿第一定律', '欧姆定律', '压强', '机械能'],
  chemistry: ['质量守恒定律', '酸和碱', '燃烧与灭火'],
  history: ['秦统一中国', '丝绸之路', '辛亥革命'],
  geography: ['中国的地形', '气候与天气'],
  politics: ['珍爱生命', '法律在我们身边'],
  music: ['春天在哪里', '茉莉花'],
  art: ['水墨画入门', '海宁皮影造型'],
  pe: ['立定跳远', '篮球运球'],
  it: ['认识 Scratch', '图形化编程：循环'],
};
const PRIMARY_SUBJECTS: Subject[] = ['chinese', 'math', 'math', 'english', 'science', 'music', 'art', 'pe', 'it'];
const JUNIOR_SUBJECTS: Subject[] = [
  'chinese',
  'math',
  'math',
  'english',
  'science',
  'physics',
  'chemistry',
  'history',
  'geography',
  'politics',
];
const KIND_WEIGHTS: Record<ResourceKind, number> = {
  courseware: 30,
  lesson_plan: 20,
  exercise: 20,
  recorded_lesson: 12,
  micro_lesson: 14,
  other: 4,
};
const KIND_WORDS: Record<ResourceKind, string[]> = {
  courseware: ['课件', '复习课件', '新授课课件'],
  lesson_plan: ['教学设计', '教案', '集体备课教案'],
  exercise: ['课时练习', '单元测试卷', '分层作业'],
  recorded_lesson: ['课堂实录', '同步课堂实录', '示范课实录'],
  micro_lesson: ['微课', '难点微课'],
  other: ['拓展阅读材料', '学习任务单'],
};
const TAGS = [
  '集体备课',
  '同课异构',
  '双减',
  '分层作业',
  '中考复习',
  '大单元教学',
  '送教下乡',
  '名师课堂',
  '跨学科',
  '作业设计',
];
const COURSE_TITLES: [string, Subject][] = [
  ['无人机编程', 'it'],
  ['STEAM 创客', 'science'],
  ['围棋入门', 'other'],
  ['书法', 'calligraphy'],
  ['海宁皮影戏', 'art'],
  ['潮文化研学', 'other'],
  ['童声合唱', 'music'],
  ['校园足球', 'pe'],
  ['3D 打印', 'it'],
  ['科学探究实验', 'science'],
  ['英语绘本阅读', 'english'],
  ['剪纸', 'art'],
];
const TERMS = [
  { from: '2025-09-08', to: '2026-01-16', year: 2025 },
  { from: '2026-02-23', to: '2026-06-26', year: 2025 },
  { from: '2026-09-07', to: '2026-11-20', year: 2026 },
];
const TODAY = '2026-11-23';

const DAY = 86_400_000;
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);

function dayIn(rng: Random, term: { from: string; to: string }): string {
  return toDate(ms(term.from) + rng.int(0, Math.round((ms(term.to) - ms(term.from)) / DAY)) * DAY);
}

interface World {
  schools: { id: number; name: string; level: string; region_code: string }[];
  memberships: { community_id: number; school_id: number; role: string }[];
  teachers: Map<number, { name: string; subjects: string[] }[]>;
}

async function loadWorld(db: Kysely<Database>): Promise<World> {
  const schools = await db
    .selectFrom('schools')
    .select(['id', 'name', 'level', 'region_code'])
    .where('is_active', '=', true)
    .orderBy('id')
    .execute();
  const memberships = await db
    .selectFrom('community_memberships')
    .select(['community_id', 'school_id', 'role'])
    .where('end_date', 'is', null)
    .orderBy('community_id')
    .orderBy('school_id')
    .execute();
  const rows = await db
    .selectFrom('teachers')
    .select(['school_id', 'name', 'subjects'])
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
  const teachers = new Map<number, { name: string; subjects: string[] }[]>();
  for (const t of rows) teachers.set(t.school_id, [...(teachers.get(t.school_id) ?? []), t]);
  return { schools, memberships, teachers };
}

function gradesFor(level: string): number[] {
  if (level === 'primary') return [1, 2, 3, 4, 5, 6];
  if (level === 'junior') return [7, 8, 9];
  return [1, 2, 3, 4, 5, 6, 7, 8, 9];
}

/** One plausible resource of a school: title, description and tags as teachers write them. */
export function demoResourceText(
  rng: Random,
  school: { name: string; level: string },
  staff: { name: string; subjects: string[] }[],
  term: { from: string; year: number },
) {
  const grade = rng.pick(gradesFor(school.level));
  const subject = rng.pick(grade <= 6 ? PRIMARY_SUBJECTS : JUNIOR_SUBJECTS);
  const kind = rng.weighted(KIND_WEIGHTS);
  const topic = rng.pick(TOPICS[subject] ?? ['综合实践']);
  const gradeZh = GRADE_LABELS[String(grade)]!.zh;
  const exam = kind === 'exercise' && rng.chance(0.3);
  const title = exam
    ? `${term.year}学年第${term.from.slice(5, 7) === '02' ? '二' : '一'}学期${gradeZh}${SUBJECT_LABELS[subject].zh}${rng.pick(['期中', '期末'])}试卷`
    : `${gradeZh}${SUBJECT_LABELS[subject].zh}《${topic}》${rng.pick(KIND_WORDS[kind])}`;
  const teacher = staff.find((t) => t.subjects.includes(subject)) ?? (staff.length ? rng.pick(staff) : undefined);
  const edition =
    subject === 'english'
      ? rng.pick(['人教版', '外研版'])
      : subject === 'science'
        ? '浙教版'
        : rng.pick(TEXTBOOK_EDITIONS.slice(0, 3));
  const unitNo = rng.int(1, 8);
  const description = `${school.name}${teacher ? `${teacher.name}老师` : ''}${kind === 'recorded_lesson' ? '执教' : '编写'}，适用于${edition}${gradeZh}第${unitNo}单元。`;
  const tags = rng.chance(0.6)
    ? [rng.pick(TAGS), ...(rng.chance(0.3) ? [rng.pick(TAGS)] : [])].filter((t, k, a) => a.indexOf(t) === k)
    : [];
  return { title, description, tags, subject, grade, kind, edition, unit: `第${unitNo}单元` };
}

export async function seedResourcesDemo(
  dbh: DbHandle,
  opts: { seed?: number; storage?: BlobStorage | undefined } = {},
): Promise<Record<string, number>> {
  const db = dbh.db;
  const storage = opts.storage;
  // with a storage, every resource is a real file: lessons a short video, documents a PDF, some an image
  const files = storage ? await demoFiles() : null;
  const fileFor = (kind: ResourceKind, n: number): DemoFile | null => {
    if (!files) return null;
    if (kind === 'recorded_lesson' || kind === 'micro_lesson') return files.webm;
    return kind === 'other' || (kind === 'courseware' && n % 4 === 0) ? files.png : files.pdf;
  };
  const rng = new Random((opts.seed ?? 20210901) ^ 0x5eed1400);
  const world = await loadWorld(db);
  const communityOf = new Map(world.memberships.map((m) => [m.school_id, m.community_id]));
  const counts = {
    resources: 0,
    versions: 0,
    usageDays: 0,
    views: 0,
    downloads: 0,
    recommended: 0,
    files: 0,
    thumbnails: 0,
    courses: 0,
    sessions: 0,
    enrolments: 0,
    classHours2025: 0,
    students2025: 0,
  };

  await db.transaction().execute(async (tx) => {
    // ---------- resources ----------
    for (const school of world.schools.filter((s) => s.level !== 'kindergarten')) {
      const communityId = communityOf.get(school.id) ?? null;
      const isCore = world.memberships.some((m) => m.school_id === school.id && m.role === 'core');
      const staff = world.teachers.get(school.id) ?? [];
      const n = rng.int(isCore ? 14 : 6, isCore ? 24 : 14);
      for (let i = 0; i < n; i++) {
        const term = rng.pick(TERMS);
        const created = `${dayIn(rng, term)}T${String(rng.int(0, 10)).padStart(2, '0')}:${String(rng.int(10, 59))}:00+08:00`;
        const { title, description, tags, subject, grade, kind, edition, unit } = demoResourceText(
          rng,
          school,
          staff,
          term,
        );
        const visibility =
          communityId === null ? 'region' : rng.weighted({ community: 70, region: 18, school: 7, public: 5 });
        const recommended = rng.chance(isCore ? 0.12 : 0.05);
        const popularity = (recommended ? 3 : 1) * (kind === 'recorded_lesson' || kind === 'micro_lesson' ? 2 : 1);
        const ageDays = Math.max(1, Math.round((ms(TODAY) - Date.parse(created)) / DAY));
        const views = Math.round(Math.exp(rng.normal(2.8, 0.9, 0, 6)) * popularity * Math.min(1, ageDays / 60));
        const downloads = Math.round(views * (kind === 'recorded_lesson' ? 0.05 : rng.float(0.15, 0.4)));
        const r = await tx
          .insertInto('resources')
          .values({
            title,
            description,
            kind,
            subject,
            grade,
            textbook_edition: edition,
            unit,
            tags,
            school_id: school.id,
            community_id: communityId,
            region_code: school.region_code,
            visibility,
            license_note: rng.chance(0.3) ? 'CC BY-NC 4.0，仅限教共体内教学使用' : null,
            owner_user_id: null,
            activity_id: null,
            recommended,
            recommended_at: recommended ? created : null,
            recommended_by: null,
            current_version_id: null,
            view_count: views,
            download_count: downloads,
            search_vec: buildTsvector([
              { text: title, weight: 'A' },
              { text: tags.join(' '), weight: 'B' },
              { text: description, weight: 'C' },
              { text: `${edition} ${unit}`, weight: 'D' },
            ]),
            created_at: created,
            updated_at: created,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        // a file of its own (deleting the resource deletes only its copy); without a storage, a link to the national platform
        const file = fileFor(kind, counts.resources);
        const key = file ? `resources/demo/${r.id}.${file.ext}` : null;
        const thumbKey = file?.thumb ? `resources/thumbs/demo-${r.id}.webp` : null;
        if (storage && file && key) {
          await storage.put(key, Readable.from(file.bytes));
          if (thumbKey && file.thumb) await storage.put(thumbKey, Readable.from(file.thumb));
          counts.files++;
          if (thumbKey) counts.thumbnails++;
        }
        const v = await tx
          .insertInto('resource_versions')
          .values({
            resource_id: r.id,
            version_no: 1,
            storage_key: key,
            url: file ? null : `https://basic.smartedu.cn/syncClassroom?demo=${r.id}`,
            file_name: file ? `${title}.${file.ext}` : null,
            mime_type: file?.mime ?? null,
            size_bytes: file?.bytes.length ?? null,
            sha256: file?.sha256 ?? null,
            thumb_key: thumbKey,
            note: null,
            created_by: null,
            created_at: created,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx.updateTable('resources').set({ current_version_id: v.id }).where('id', '=', r.id).execute();
        counts.resources++;
        counts.versions++;
        counts.views += views;
        counts.downloads += downloads;
        if (recommended) counts.recommended++;
        // spread the counts over a few days between publication and today
        const buckets = Math.min(8, Math.max(1, Math.ceil((views + downloads) / 10)));
        const days = new Map<string, { v: number; d: number }>();
        for (let b = 0; b < buckets; b++) {
          const day = toDate(Date.parse(created) + rng.int(0, ageDays - 1) * DAY);
          const cur = days.get(day) ?? { v: 0, d: 0 };
          cur.v += Math.floor(views / buckets) + (b < views % buckets ? 1 : 0);
          cur.d += Math.floor(downloads / buckets) + (b < downloads % buckets ? 1 : 0);
          days.set(day, cur);
        }
        const usage = [...days]
          .filter(([, c]) => c.v + c.d > 0)
          .map(([day, c]) => ({ resource_id: r.id, day, views: c.v, downloads: c.d }));
        if (usage.length) await tx.insertInto('resource_usage_daily').values(usage).execute();
        counts.usageDays += usage.length;
      }
    }

    // ---------- shared courses: each core school opens 1–3 courses to its members ----------
    const communities = [...new Set(world.memberships.map((m) => m.community_id))];
    for (const communityId of communities) {
      const members = world.memberships.filter((m) => m.community_id === communityId);
      const core = members.find((m) => m.role === 'core');
      const others = members.filter((m) => m.role !== 'core');
      if (!core || !others.length) continue;
      const plan = [...Array.from({ length: rng.int(1, 3) }, () => 2025), 2026];
      for (const year of plan) {
        const [title, subject] = rng.pick(COURSE_TITLES);
        const c = await tx
          .insertInto('shared_courses')
          .values({
            title,
            description: `由核心校面向成员校开设的${title}拓展课程，每周一次，线上线下结合。`,
            subject,
            target_grades: [4, 5, 6].slice(0, rng.int(1, 3)),
            owner_school_id: core.school_id,
            community_id: communityId,
            school_year: year,
            created_by: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('shared_course_schools')
          .values(others.map((m) => ({ course_id: c.id, school_id: m.school_id })))
          .execute();
        const terms = TERMS.filter((t) => t.year === year);
        const sessions = [];
        for (const term of terms) {
          const n = year === 2025 ? rng.int(6, 10) : rng.int(5, 9);
          for (let k = 0; k < n; k++) {
            const hours = rng.pick([1, 1, 1.5, 2]);
            sessions.push({
              course_id: c.id,
              held_on: toDate(ms(term.from) + k * 7 * DAY + rng.int(0, 4) * DAY),
              class_hours: hours,
              topic: `${title} 第${sessions.length + 1}讲`,
              activity_id: null,
            });
            if (year === 2025) counts.classHours2025 += hours;
          }
        }
        await tx.insertInto('shared_course_sessions').values(sessions).execute();
        const enrolments = others
          .flatMap((m) =>
            Array.from({ length: rng.int(1, 2) }, (_, k) => ({
              course_id: c.id,
              school_id: m.school_id,
              class_name: `${rng.int(4, 6)}年级(${k + 1})班`,
              students: rng.int(28, 45),
            })),
          )
          .filter(
            (e, k, all) => all.findIndex((x) => x.school_id === e.school_id && x.class_name === e.class_name) === k,
          );
        await tx.insertInto('shared_course_enrolments').values(enrolments).execute();
        if (year === 2025) counts.students2025 += enrolments.reduce((s, e) => s + e.students, 0);
        counts.courses++;
        counts.sessions += sessions.length;
        counts.enrolments += enrolments.length;
      }
    }
  });
  return counts;
}
