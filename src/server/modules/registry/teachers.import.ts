import { sql } from 'kysely';
import {
  GENDER_LABELS,
  QUALIFICATION_LABELS,
  SUBJECT_LABELS,
  TEACHER_HONOUR_LABELS,
  TEACHER_POST_LABELS,
  TEACHER_STATUS_LABELS,
  TEACHER_TITLE_LABELS,
} from '../../../shared/enums.js';
import { teacherInput, type TeacherInput } from '../../../shared/registry.schemas.js';
import { code, manyOf, oneOf, text, yearOf } from '../io/index.js';
import { keepStored, validateWith, type ImportKindDef } from '../io/index.js';
import { teacherRow } from './teachers.service.js';
import { loadWritableSchools, type WritableSchools } from './writable-schools.js';

const subjectAliases = { 品德: 'politics', 道德与法治: 'politics', 体育: 'pe', 信息技术: 'it', 思想品德: 'politics' };
const honourAliases = { 骨干教师: 'backbone_county', 学科带头人: 'leader_county', 名师: 'famous_city' };
const titleAliases = {
  中小学高级: 'senior',
  中学高级: 'senior',
  小学高级: 'first',
  一级: 'first',
  二级: 'second',
  三级: 'third',
  高级: 'senior',
  正高级: 'professor',
};

/** Database columns each import column fills: an update leaves the others as stored. */
const TEACHER_COLUMNS: Record<string, string[]> = {
  schoolCode: ['school_id'],
  name: ['name'],
  gender: ['gender'],
  birthYear: ['birth_year'],
  subjects: ['subjects'],
  majorSubject: ['major_subject'],
  title: ['title'],
  honours: ['honours'],
  posts: ['posts'],
  qualification: ['qualification'],
  hireYear: ['hire_year'],
  phone: ['phone'],
  status: ['status'],
};

export const teachersImport: ImportKindDef<TeacherInput, WritableSchools> = {
  kind: 'teachers',
  entity: 'teacher',
  sheetName: { zh: '教师', en: 'Teachers' },
  columns: [
    {
      key: 'teacherCode',
      zh: '教师编号',
      en: 'Teacher ID',
      required: true,
      parse: code,
      example: 'T330481000123',
      note: '全县唯一；重复导入同一编号即更新该教师',
      aliases: ['工号', '教师工号', '职工号', '教职工号', '人员编号'],
    },
    { key: 'name', zh: '姓名', en: 'Name', required: true, parse: text, example: '张晓梅', aliases: ['教师姓名'] },
    {
      key: 'gender',
      zh: '性别',
      en: 'Gender',
      required: true,
      parse: oneOf(GENDER_LABELS, { 男性: 'M', 女性: 'F', 1: 'M', 2: 'F' }),
      example: '女',
      note: '男/女，或 1/2（国标 GB/T 2261.1）',
    },
    {
      key: 'birthYear',
      zh: '出生年份',
      en: 'Birth year',
      parse: yearOf,
      example: 1985,
      note: '可填年份或出生日期',
      aliases: ['出生日期', '出生年月', '出生年', '出生时间', 'Date of birth', 'Birth date'],
    },
    {
      key: 'schoolCode',
      zh: '学校代码',
      en: 'School code',
      required: true,
      parse: code,
      example: '3304810001',
      aliases: ['学校标识码', '学校编码', '单位代码'],
    },
    {
      key: 'subjects',
      zh: '任教学科',
      en: 'Subjects taught',
      parse: manyOf(SUBJECT_LABELS, subjectAliases),
      example: '语文、道德与法治',
      note: '多个用顿号分隔',
      aliases: ['学科', '所教学科', '任教科目', '任课学科', 'Subjects', 'Subject'],
    },
    {
      key: 'majorSubject',
      zh: '所学专业',
      en: 'Trained subject',
      parse: oneOf(SUBJECT_LABELS, subjectAliases),
      example: '语文',
      aliases: ['专业'],
    },
    {
      key: 'title',
      zh: '职称',
      en: 'Title',
      parse: oneOf(TEACHER_TITLE_LABELS, titleAliases),
      example: '一级教师',
      aliases: ['专业技术职务', '专技职称'],
    },
    {
      key: 'honours',
      zh: '荣誉',
      en: 'Honours',
      parse: manyOf(TEACHER_HONOUR_LABELS, honourAliases),
      example: '县骨干教师',
      aliases: ['荣誉称号'],
    },
    {
      key: 'posts',
      zh: '职务',
      en: 'Posts',
      parse: manyOf(TEACHER_POST_LABELS, { 教师: 'teacher', 中层: 'middle_manager' }),
      example: '班主任',
      aliases: ['行政职务'],
    },
    {
      key: 'qualification',
      zh: '最高学历',
      en: 'Qualification',
      parse: oneOf(QUALIFICATION_LABELS, {
        大专: 'junior_college',
        硕士: 'master',
        博士: 'doctor',
        研究生: 'master',
        中专: 'secondary',
        高中: 'secondary',
      }),
      example: '本科',
      aliases: ['学历'],
    },
    {
      key: 'hireYear',
      zh: '参加工作年份',
      en: 'Hire year',
      parse: yearOf,
      example: 2007,
      note: '可填年份或参加工作日期',
      aliases: ['参加工作时间', '参加工作年月', '参加工作日期', '参加工作年', '工作时间'],
    },
    {
      key: 'phone',
      zh: '联系电话',
      en: 'Phone',
      parse: code,
      example: '13800000000',
      aliases: ['手机', '手机号', '手机号码', '电话'],
    },
    {
      key: 'status',
      zh: '状态',
      en: 'Status',
      parse: oneOf(TEACHER_STATUS_LABELS, { 在职: 'active' }),
      example: '在岗',
      aliases: ['在岗状态'],
    },
  ],
  prepare: (db, actor) => loadWritableSchools(db, actor),
  toInput(v, schools) {
    const school = typeof v.schoolCode === 'string' ? schools.byCode.get(v.schoolCode) : undefined;
    const issues: { key: string; zh: string; en: string }[] = [];
    if (typeof v.schoolCode === 'string' && !school) {
      issues.push(
        schools.known.has(v.schoolCode)
          ? {
              key: 'schoolCode',
              zh: `学校“${v.schoolCode}”不在您的管理范围内`,
              en: `School ${v.schoolCode} is outside your scope`,
            }
          : { key: 'schoolCode', zh: `学校代码“${v.schoolCode}”不存在`, en: `Unknown school code ${v.schoolCode}` },
      );
    }
    const candidate = {
      teacherCode: v.teacherCode ?? undefined,
      schoolId: school?.id ?? (v.schoolCode ? -1 : undefined),
      name: v.name ?? undefined,
      gender: v.gender ?? undefined,
      birthYear: v.birthYear,
      phone: v.phone,
      subjects: v.subjects ?? [],
      majorSubject: v.majorSubject,
      title: v.title ?? undefined,
      honours: v.honours ?? [],
      posts: v.posts ?? [],
      qualification: v.qualification,
      hireYear: v.hireYear,
      status: v.status ?? undefined,
    };
    const r = validateWith(teacherInput, candidate, { schoolId: 'schoolCode' });
    // the unknown-school message above is clearer than the schema's
    const rest = issues.length ? r.issues.filter((i) => i.key !== 'schoolCode') : r.issues;
    return { input: issues.length ? undefined : r.input, issues: [...issues, ...rest] };
  },
  uniqueKey: (t) => t.teacherCode,
  async checkBatch(db, batch, schools) {
    if (batch.length === 0) return [];
    const existing = await db
      .selectFrom('teachers')
      .select(['teacher_code', 'school_id'])
      .where(
        'teacher_code',
        'in',
        batch.map((b) => b.input.teacherCode),
      )
      .execute();
    const owner = new Map(existing.map((e) => [e.teacher_code, e.school_id]));
    const issues = [];
    for (const b of batch) {
      const schoolId = owner.get(b.input.teacherCode);
      // re-importing updates a teacher, but only one the importer may already edit
      if (schoolId !== undefined && !schools.byId.has(schoolId)) {
        issues.push({
          row: b.row,
          key: 'teacherCode',
          zh: `教师编号“${b.input.teacherCode}”已属于您管理范围外的学校`,
          en: `Teacher ID ${b.input.teacherCode} belongs to a school outside your scope`,
        });
      }
    }
    return issues;
  },
  async write(db, batch, _ctx, opts) {
    if (batch.length === 0) return { created: 0, updated: 0 };
    const stored = await db
      .selectFrom('teachers')
      .selectAll()
      .where(
        'teacher_code',
        'in',
        batch.map((b) => b.input.teacherCode),
      )
      .execute();
    const values = keepStored(
      batch.map((b) => ({
        row: {
          ...teacherRow(b.input),
          teacher_code: b.input.teacherCode,
          school_id: b.input.schoolId,
          name: b.input.name,
          gender: b.input.gender,
        } as Record<string, unknown>,
        blanks: b.blanks,
      })),
      new Map(stored.map((r) => [r.teacher_code, r as unknown as Record<string, unknown>])),
      (r) => String(r.teacher_code),
      TEACHER_COLUMNS,
      opts,
    );
    const rows = await db
      .insertInto('teachers')
      .values(values as never)
      .onConflict((oc) =>
        oc.column('teacher_code').doUpdateSet((eb) => ({
          school_id: eb.ref('excluded.school_id'),
          name: eb.ref('excluded.name'),
          gender: eb.ref('excluded.gender'),
          birth_year: eb.ref('excluded.birth_year'),
          phone: eb.ref('excluded.phone'),
          subjects: eb.ref('excluded.subjects'),
          major_subject: eb.ref('excluded.major_subject'),
          title: eb.ref('excluded.title'),
          honours: eb.ref('excluded.honours'),
          posts: eb.ref('excluded.posts'),
          qualification: eb.ref('excluded.qualification'),
          hire_year: eb.ref('excluded.hire_year'),
          status: eb.ref('excluded.status'),
          updated_at: sql<string>`now()`,
        })),
      )
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    const created = rows.filter((r) => r.inserted).length;
    return { created, updated: rows.length - created };
  },
};
