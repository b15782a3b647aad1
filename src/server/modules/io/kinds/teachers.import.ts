import { sql } from 'kysely';
import {
  GENDER_LABELS, QUALIFICATION_LABELS, SUBJECT_LABELS, TEACHER_HONOUR_LABELS, TEACHER_POST_LABELS, TEACHER_STATUS_LABELS, TEACHER_TITLE_LABELS,
} from '../../../../shared/enums.js';
import { teacherInput, type TeacherInput } from '../../../../shared/registry.schemas.js';
import { integer, manyOf, oneOf, text } from '../cell-parsers.js';
import { validateWith, type ImportKindDef } from '../import-kind.js';
import { teacherRow } from '../../registry/teachers.service.js';
import { loadWritableSchools, type WritableSchools } from './writable-schools.js';

const subjectAliases = { 品德: 'politics', 道德与法治: 'politics', 体育: 'pe', 信息技术: 'it', 思想品德: 'politics' };
const honourAliases = { 骨干教师: 'backbone_county', 学科带头人: 'leader_county', 名师: 'famous_city' };
const titleAliases = { 中小学高级: 'senior', 中学高级: 'senior', 小学高级: 'first', 一级: 'first', 二级: 'second', 三级: 'third', 高级: 'senior', 正高级: 'professor' };

export const teachersImport: ImportKindDef<TeacherInput, WritableSchools> = {
  kind: 'teachers',
  entity: 'teacher',
  sheetName: { zh: '教师', en: 'Teachers' },
  columns: [
    { key: 'teacherCode', zh: '教师编号', en: 'Teacher ID', required: true, parse: text, example: 'T330481000123', note: '全县唯一；重复导入同一编号即更新该教师' },
    { key: 'name', zh: '姓名', en: 'Name', required: true, parse: text, example: '张晓梅' },
    { key: 'gender', zh: '性别', en: 'Gender', required: true, parse: oneOf(GENDER_LABELS, { 男性: 'M', 女性: 'F' }), example: '女' },
    { key: 'birthYear', zh: '出生年份', en: 'Birth year', parse: integer, example: 1985 },
    { key: 'schoolCode', zh: '学校代码', en: 'School code', required: true, parse: text, example: '3304810001' },
    { key: 'subjects', zh: '任教学科', en: 'Subjects taught', parse: manyOf(SUBJECT_LABELS, subjectAliases), example: '语文、道德与法治', note: '多个用顿号分隔' },
    { key: 'majorSubject', zh: '所学专业', en: 'Trained subject', parse: oneOf(SUBJECT_LABELS, subjectAliases), example: '语文' },
    { key: 'title', zh: '职称', en: 'Title', parse: oneOf(TEACHER_TITLE_LABELS, titleAliases), example: '一级教师' },
    { key: 'honours', zh: '荣誉', en: 'Honours', parse: manyOf(TEACHER_HONOUR_LABELS, honourAliases), example: '县骨干教师' },
    { key: 'posts', zh: '职务', en: 'Posts', parse: manyOf(TEACHER_POST_LABELS, { 教师: 'teacher', 中层: 'middle_manager' }), example: '班主任' },
    { key: 'qualification', zh: '最高学历', en: 'Qualification', parse: oneOf(QUALIFICATION_LABELS, { 大专: 'junior_college', 硕士: 'master', 博士: 'doctor', 研究生: 'master', 中专: 'secondary', 高中: 'secondary' }), example: '本科' },
    { key: 'hireYear', zh: '参加工作年份', en: 'Hire year', parse: integer, example: 2007 },
    { key: 'phone', zh: '联系电话', en: 'Phone', parse: text, example: '13800000000' },
    { key: 'status', zh: '状态', en: 'Status', parse: oneOf(TEACHER_STATUS_LABELS, { 在职: 'active' }), example: '在岗' },
  ],
  prepare: (db, actor) => loadWritableSchools(db, actor),
  toInput(v, schools) {
    const school = typeof v.schoolCode === 'string' ? schools.byCode.get(v.schoolCode) : undefined;
    const issues: { key: string; zh: string; en: string }[] = [];
    if (typeof v.schoolCode === 'string' && !school) {
      issues.push(schools.known.has(v.schoolCode)
        ? { key: 'schoolCode', zh: `学校“${v.schoolCode}”不在您的管理范围内`, en: `School ${v.schoolCode} is outside your scope` }
        : { key: 'schoolCode', zh: `学校代码“${v.schoolCode}”不存在`, en: `Unknown school code ${v.schoolCode}` });
    }
    const candidate = {
      teacherCode: v.teacherCode ?? undefined, schoolId: school?.id ?? (v.schoolCode ? -1 : undefined), name: v.name ?? undefined, gender: v.gender ?? undefined,
      birthYear: v.birthYear, phone: v.phone, subjects: v.subjects ?? [], majorSubject: v.majorSubject, title: v.title ?? undefined,
      honours: v.honours ?? [], posts: v.posts ?? [], qualification: v.qualification, hireYear: v.hireYear, status: v.status ?? undefined,
    };
    const r = validateWith(teacherInput, candidate, { schoolId: 'schoolCode' });
    // the unknown-school message above is clearer than the schema's
    const rest = issues.length ? r.issues.filter((i) => i.key !== 'schoolCode') : r.issues;
    return { input: issues.length ? undefined : r.input, issues: [...issues, ...rest] };
  },
  uniqueKey: (t) => t.teacherCode,
  async checkBatch(db, batch, schools) {
    if (batch.length === 0) return [];
    const existing = await db.selectFrom('teachers').select(['teacher_code', 'school_id']).where('teacher_code', 'in', batch.map((b) => b.input.teacherCode)).execute();
    const owner = new Map(existing.map((e) => [e.teacher_code, e.school_id]));
    const issues = [];
    for (const b of batch) {
      const schoolId = owner.get(b.input.teacherCode);
      // re-importing updates a teacher, but only one the importer may already edit
      if (schoolId !== undefined && !schools.byId.has(schoolId)) {
        issues.push({ row: b.row, key: 'teacherCode', zh: `教师编号“${b.input.teacherCode}”已属于您管理范围外的学校`, en: `Teacher ID ${b.input.teacherCode} belongs to a school outside your scope` });
      }
    }
    return issues;
  },
  async write(db, batch) {
    if (batch.length === 0) return { created: 0, updated: 0 };
    const rows = await db
      .insertInto('teachers')
      .values(batch.map((t) => ({ ...teacherRow(t), teacher_code: t.teacherCode, school_id: t.schoolId, name: t.name, gender: t.gender }) as never))
      .onConflict((oc) =>
        oc.column('teacher_code').doUpdateSet((eb) => ({
          school_id: eb.ref('excluded.school_id'), name: eb.ref('excluded.name'), gender: eb.ref('excluded.gender'), birth_year: eb.ref('excluded.birth_year'),
          phone: eb.ref('excluded.phone'), subjects: eb.ref('excluded.subjects'), major_subject: eb.ref('excluded.major_subject'), title: eb.ref('excluded.title'),
          honours: eb.ref('excluded.honours'), posts: eb.ref('excluded.posts'), qualification: eb.ref('excluded.qualification'), hire_year: eb.ref('excluded.hire_year'),
          status: eb.ref('excluded.status'), updated_at: sql<string>`now()`,
        })),
      )
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    const created = rows.filter((r) => r.inserted).length;
    return { created, updated: rows.length - created };
  },
};
