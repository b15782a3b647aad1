import { SUBJECT_LABELS, SUBJECTS, type Subject } from '../../../shared/enums.js';
import type { ImportLevel } from '../../../shared/quality.schemas.js';
import type { Cell } from '../io/spreadsheet-reader.js';

/**
 * The rules of one score row, as pure functions: which column is which, and whether a row names a
 * school, class, subject and item of this exam with a score inside the full mark. The import
 * service feeds rows through these and leaves to SQL only what needs the whole file (duplicates)
 * or the database (scores already present).
 */
export const SCORE_COLUMNS = [
  { key: 'schoolCode', zh: '学校代码', en: 'School code', aliases: ['学校编码', '学校代码', 'schoolcode', 'school'], required: true },
  { key: 'className', zh: '班级', en: 'Class', aliases: ['班级', '班级名称', 'class', 'classname'], required: true },
  { key: 'studentKey', zh: '学生编号', en: 'Student key', aliases: ['学生编号', '学籍号', '考号', '学号', 'studentkey', 'studentid', 'student'], required: true },
  { key: 'studentName', zh: '姓名', en: 'Name', aliases: ['姓名', '学生姓名', 'name', 'studentname'], required: false },
  { key: 'idNumber', zh: '身份证号', en: 'ID number', aliases: ['身份证号', '身份证号码', 'idnumber', 'id'], required: false },
  { key: 'subject', zh: '科目', en: 'Subject', aliases: ['科目', '学科', 'subject'], required: true },
  { key: 'itemNo', zh: '题号', en: 'Item', aliases: ['题号', '小题', 'item', 'itemno'], required: false },
  { key: 'score', zh: '成绩', en: 'Score', aliases: ['成绩', '分数', '得分', 'score'], required: true },
] as const;
export type ScoreColumnKey = (typeof SCORE_COLUMNS)[number]['key'];

export class HeaderError extends Error {
  constructor(readonly zh: string, readonly en: string) {
    super(en);
  }
}

const clean = (c: Cell) => String(c ?? '').replace(/[*＊\s_]/g, '').replace(/[（(].*[)）]$/, '').toLowerCase();

/** Index of each known column in the header row; unknown columns are ignored. */
export function mapScoreHeader(header: Cell[], level: ImportLevel): Partial<Record<ScoreColumnKey, number>> {
  const out: Partial<Record<ScoreColumnKey, number>> = {};
  header.forEach((cell, i) => {
    const name = clean(cell);
    if (!name) return;
    const col = SCORE_COLUMNS.find((c) => (c.aliases as readonly string[]).includes(name));
    if (!col) return;
    if (out[col.key] !== undefined) throw new HeaderError(`表头“${String(cell)}”出现了两次`, `Header "${String(cell)}" appears twice`);
    out[col.key] = i;
  });
  const missing = SCORE_COLUMNS.filter((c) => (c.required || (c.key === 'itemNo' && level === 'item')) && out[c.key] === undefined);
  if (missing.length) {
    throw new HeaderError(`缺少必填列：${missing.map((c) => c.zh).join('、')}`, `Missing required columns: ${missing.map((c) => c.en).join(', ')}`);
  }
  return out;
}

export interface ImportLookups {
  /** school code → id, and whether this actor may import it and it sat the exam */
  schools: Map<string, { id: number; sat: boolean; allowed: boolean }>;
  /** `${schoolId}|${className}` → class id (classes of the exam's school year and grade) */
  classes: Map<string, number>;
  /** subject code or its Chinese/English label → exam subject */
  subjects: Map<string, { id: number; fullMark: number }>;
  /** `${examSubjectId}|${itemNo}` → item */
  items: Map<string, { id: number; fullMark: number }>;
}

export interface ScoreRecord {
  schoolId: number;
  classId: number;
  studentKey: string;
  studentName: string | null;
  idNumber: string | null;
  subjectId: number;
  itemId: number | null;
  score: number;
}

export interface RowIssue {
  column: string;
  code: string;
  zh: string;
  en: string;
}

/** Every way a subject may be written: code, Chinese and English label. */
export function subjectAliases(subject: Subject): string[] {
  const l = SUBJECT_LABELS[subject];
  return [subject, l.zh, l.en.toLowerCase()];
}
export const isSubject = (s: string): s is Subject => (SUBJECTS as readonly string[]).includes(s);

const KEY_RE = /^[0-9A-Za-z_-]{1,40}$/;
const ID_RE = /^(\d{15}|\d{17}[\dXx])$/;

function text(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  const s = String(cell).trim();
  return s === '' ? null : s;
}

/** A score as the sheet gives it: a number, or text such as "87.5"; at most two decimals. */
export function parseScore(cell: Cell | undefined): number | null | 'invalid' {
  if (cell === null || cell === undefined || cell === '') return null;
  const n = typeof cell === 'number' ? cell : typeof cell === 'string' && /^[+-]?\d+(\.\d+)?$/.test(cell.trim()) ? Number(cell) : NaN;
  if (!Number.isFinite(n)) return 'invalid';
  if (Math.abs(Math.round(n * 100) - n * 100) > 1e-6) return 'invalid';
  return n;
}

/** Checks one row against the exam; returns the record to stage, or every problem the row has. */
export function checkScoreRow(cells: Cell[], map: Partial<Record<ScoreColumnKey, number>>, level: ImportLevel, lk: ImportLookups): { record?: ScoreRecord; issues: RowIssue[] } {
  const get = (k: ScoreColumnKey) => (map[k] === undefined ? null : text(cells[map[k]]));
  const issues: RowIssue[] = [];
  const issue = (key: ScoreColumnKey, code: string, zh: string, en: string) => {
    const col = SCORE_COLUMNS.find((c) => c.key === key)!;
    issues.push({ column: col.zh, code, zh, en });
  };

  const schoolCode = get('schoolCode');
  const school = schoolCode ? lk.schools.get(schoolCode) : undefined;
  if (!schoolCode) issue('schoolCode', 'required', '必填', 'Required');
  else if (!school) issue('schoolCode', 'unknown_school', `学校代码“${schoolCode}”不存在`, `School code ${schoolCode} does not exist`);
  else if (!school.sat) issue('schoolCode', 'school_not_in_exam', `学校“${schoolCode}”未参加本次考试`, `School ${schoolCode} did not sit this exam`);
  else if (!school.allowed) issue('schoolCode', 'school_out_of_scope', `无权导入学校“${schoolCode}”的成绩`, `You may not import scores of school ${schoolCode}`);

  const className = get('className');
  let classId: number | undefined;
  if (!className) issue('className', 'required', '必填', 'Required');
  else if (school?.sat && school.allowed) {
    classId = lk.classes.get(`${school.id}|${className}`);
    if (classId === undefined) issue('className', 'unknown_class', `学校“${schoolCode}”没有班级“${className}”（本学年本年级）`, `School ${schoolCode} has no class "${className}" in this year and grade`);
  }

  const studentKey = get('studentKey');
  if (!studentKey) issue('studentKey', 'required', '必填', 'Required');
  else if (!KEY_RE.test(studentKey)) issue('studentKey', 'invalid_key', '学生编号只能是 1–40 位字母、数字、下划线或连字符', 'Student key: 1–40 letters, digits, _ or -');

  const studentName = get('studentName');
  if (studentName && studentName.length > 40) issue('studentName', 'too_long', '姓名不能超过 40 个字符', 'Name: at most 40 characters');
  const idNumber = get('idNumber');
  if (idNumber && !ID_RE.test(idNumber)) issue('idNumber', 'invalid_id', '身份证号应为 18 位（或 15 位）', 'ID number must have 18 (or 15) characters');

  const subjectText = get('subject');
  const subject = subjectText ? lk.subjects.get(subjectText) ?? lk.subjects.get(subjectText.toLowerCase()) : undefined;
  if (!subjectText) issue('subject', 'required', '必填', 'Required');
  else if (!subject) issue('subject', 'unknown_subject', `本次考试没有科目“${subjectText}”`, `This exam has no subject "${subjectText}"`);

  let itemId: number | null = null;
  let limit = subject?.fullMark;
  if (level === 'item') {
    const itemNo = get('itemNo');
    if (!itemNo) issue('itemNo', 'required', '必填', 'Required');
    else if (subject) {
      const item = lk.items.get(`${subject.id}|${itemNo}`);
      if (!item) issue('itemNo', 'unknown_item', `科目“${subjectText}”没有第“${itemNo}”题`, `Subject ${subjectText} has no item ${itemNo}`);
      else {
        itemId = item.id;
        limit = item.fullMark;
      }
    }
  }

  const score = parseScore(cells[map.score ?? -1]);
  if (score === null) issue('score', 'required', '成绩为空（缺考学生请删除该行）', 'Score is empty (delete the rows of absent students)');
  else if (score === 'invalid') issue('score', 'invalid_score', '成绩应为数字，最多两位小数', 'Score must be a number with at most two decimals');
  else if (score < 0) issue('score', 'negative_score', `成绩 ${score} 不能为负数`, `Score ${score} cannot be negative`);
  else if (limit !== undefined && score > limit) {
    issue('score', 'above_full_mark', `成绩 ${score} 超过满分 ${limit}`, `Score ${score} is above the full mark ${limit}`);
  }

  if (issues.length || !school || classId === undefined || !studentKey || !subject || typeof score !== 'number') return { issues };
  return { record: { schoolId: school.id, classId, studentKey, studentName, idNumber, subjectId: subject.id, itemId, score }, issues };
}
