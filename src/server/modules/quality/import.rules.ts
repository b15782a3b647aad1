import { SUBJECT_LABELS, SUBJECTS, type Subject } from '../../../shared/enums.js';
import type { ImportLevel } from '../../../shared/quality.schemas.js';
import type { Cell } from '../io/index.js';

/**
 * The rules of one score row, as pure functions: which column is which, and whether a row names a
 * school, class, subject and item of this exam with a score inside the full mark. The import
 * service feeds rows through these and leaves to SQL only what needs the whole file (duplicates)
 * or the database (scores already present).
 */
export const SCORE_COLUMNS = [
  {
    key: 'schoolCode',
    zh: '学校代码',
    en: 'School code',
    aliases: ['学校编码', '学校代码', 'schoolcode', 'school'],
    required: true,
  },
  { key: 'className', zh: '班级', en: 'Class', aliases: ['班级', '班级名称', 'class', 'classname'], required: true },
  {
    key: 'studentKey',
    zh: '学生编号',
    en: 'Student key',
    aliases: ['学生编号', '学籍号', '考号', '学号', 'studentkey', 'studentid', 'student'],
    required: true,
  },
  { key: 'studentName', zh: '姓名', en: 'Name', aliases: ['姓名', '学生姓名', 'name', 'studentname'], required: false },
  {
    key: 'idNumber',
    zh: '身份证号',
    en: 'ID number',
    aliases: ['身份证号', '身份证号码', 'idnumber', 'id'],
    required: false,
  },
  { key: 'subject', zh: '科目', en: 'Subject', aliases: ['科目', '学科', 'subject'], required: true },
  { key: 'itemNo', zh: '题号', en: 'Item', aliases: ['题号', '小题', 'item', 'itemno'], required: false },
  { key: 'score', zh: '成绩', en: 'Score', aliases: ['成绩', '分数', '得分', 'score'], required: true },
] as const;
export type ScoreColumnKey = (typeof SCORE_COLUMNS)[number]['key'];

export class HeaderError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

const clean = (c: Cell) =>
  String(c ?? '')
    .replace(/[*＊\s_]/g, '')
    .replace(/[（(].*[)）]$/, '')
    .toLowerCase();

/** Index of each known column in the header row; unknown columns are ignored. */
export function mapScoreHeader(header: Cell[], level: ImportLevel): Partial<Record<ScoreColumnKey, number>> {
  const out: Partial<Record<ScoreColumnKey, number>> = {};
  header.forEach((cell, i) => {
    const name = clean(cell);
    if (!name) return;
    const col = SCORE_COLUMNS.find((c) => (c.aliases as readonly string[]).includes(name));
    if (!col) return;
    if (out[col.key] !== undefined)
      throw new HeaderError(`表头“${String(cell)}”出现了两次`, `Header "${String(cell)}" appears twice`);
    out[col.key] = i;
  });
  const missing = SCORE_COLUMNS.filter(
    (c) => (c.required || (c.key === 'itemNo' && level === 'item')) && out[c.key] === undefined,
  );
  if (missing.length) {
    throw new HeaderError(
      `缺少必填列：${missing.map((c) => c.zh).join('、')}`,
      `Missing required columns: ${missing.map((c) => c.en).join(', ')}`,
    );
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

/**
 * Every row problem's message, in Chinese and English, filled in by checkScoreRow below.
 * Placeholders: {school} {class} {subject} {item} {score} {limit}.
 */
export const ROW_MESSAGES = {
  schoolCode: {
    required: ['必填', 'Required'],
    unknown_school: ['学校代码“{school}”不存在', 'School code {school} does not exist'],
    school_not_in_exam: ['学校“{school}”未参加本次考试', 'School {school} did not sit this exam'],
    school_out_of_scope: ['无权导入学校“{school}”的成绩', 'You may not import scores of school {school}'],
  },
  className: {
    required: ['必填', 'Required'],
    unknown_class: [
      '学校“{school}”没有班级“{class}”（本学年本年级）',
      'School {school} has no class "{class}" in this year and grade',
    ],
  },
  studentKey: {
    required: ['必填', 'Required'],
    invalid_key: ['学生编号只能是 1–40 位字母、数字、下划线或连字符', 'Student key: 1–40 letters, digits, _ or -'],
  },
  studentName: { too_long: ['姓名不能超过 40 个字符', 'Name: at most 40 characters'] },
  idNumber: { invalid_id: ['身份证号应为 18 位（或 15 位）', 'ID number must have 18 (or 15) characters'] },
  subject: {
    required: ['必填', 'Required'],
    unknown_subject: ['本次考试没有科目“{subject}”', 'This exam has no subject "{subject}"'],
  },
  itemNo: {
    required: ['必填', 'Required'],
    unknown_item: ['科目“{subject}”没有第“{item}”题', 'Subject {subject} has no item {item}'],
  },
  score: {
    required: ['成绩为空（缺考学生请删除该行）', 'Score is empty (delete the rows of absent students)'],
    invalid_score: ['成绩应为数字，最多两位小数', 'Score must be a number with at most two decimals'],
    negative_score: ['成绩 {score} 不能为负数', 'Score {score} cannot be negative'],
    above_full_mark: ['成绩 {score} 超过满分 {limit}', 'Score {score} is above the full mark {limit}'],
  },
} as const satisfies Partial<Record<ScoreColumnKey, Record<string, readonly [string, string]>>>;
export type RowMessagePlaceholder = 'school' | 'class' | 'subject' | 'item' | 'score' | 'limit';

const MAX_KEY_CHARS = 40;
const MAX_NAME_CHARS = 40;
/** A character a student key may not hold (letters, digits, _ and - only). */
const KEY_FORBIDDEN_RE = /[^0-9A-Za-z_-]/;
const ID_RE = /^([0-9]{15}|[0-9]{17}[0-9Xx])$/;
const SCORE_RE = /^[+-]?[0-9]+([.][0-9]+)?$/;

function text(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  const s = String(cell).trim();
  return s === '' ? null : s;
}

/** A score as the sheet gives it: a number, or text such as "87.5"; at most two decimals. */
export function parseScore(cell: Cell | undefined): number | null | 'invalid' {
  if (cell === null || cell === undefined || cell === '') return null;
  const n =
    typeof cell === 'number' ? cell : typeof cell === 'string' && SCORE_RE.test(cell.trim()) ? Number(cell) : NaN;
  if (!Number.isFinite(n)) return 'invalid';
  if (Math.abs(Math.round(n * 100) - n * 100) > 1e-6) return 'invalid';
  return n;
}

/** Names are limited in characters, not UTF-16 units (a rare character outside the BMP counts once). */
const tooLong = (name: string) => name.length > MAX_NAME_CHARS && [...name].length > MAX_NAME_CHARS;

const fill = (template: string, values: Partial<Record<RowMessagePlaceholder, string | number | null>>) =>
  template.replace(/\{(school|class|subject|item|score|limit)\}/g, (_m, k: RowMessagePlaceholder) =>
    String(values[k] ?? ''),
  );

/** Checks one row against the exam; returns the record to stage, or every problem the row has. */
export function checkScoreRow(
  cells: Cell[],
  map: Partial<Record<ScoreColumnKey, number>>,
  level: ImportLevel,
  lk: ImportLookups,
): { record?: ScoreRecord; issues: RowIssue[] } {
  const get = (k: ScoreColumnKey) => (map[k] === undefined ? null : text(cells[map[k]]));
  const issues: RowIssue[] = [];
  const values: Partial<Record<RowMessagePlaceholder, string | number | null>> = {};
  const issue = <K extends keyof typeof ROW_MESSAGES>(key: K, code: keyof (typeof ROW_MESSAGES)[K] & string) => {
    const col = SCORE_COLUMNS.find((c) => c.key === key)!;
    const [zh, en] = (ROW_MESSAGES[key] as Record<string, readonly [string, string]>)[code]!;
    issues.push({ column: col.zh, code, zh: fill(zh, values), en: fill(en, values) });
  };

  const schoolCode = get('schoolCode');
  values.school = schoolCode;
  const school = schoolCode ? lk.schools.get(schoolCode) : undefined;
  if (!schoolCode) issue('schoolCode', 'required');
  else if (!school) issue('schoolCode', 'unknown_school');
  else if (!school.sat) issue('schoolCode', 'school_not_in_exam');
  else if (!school.allowed) issue('schoolCode', 'school_out_of_scope');

  const className = get('className');
  values.class = className;
  let classId: number | undefined;
  if (!className) issue('className', 'required');
  else if (school?.sat && school.allowed) {
    classId = lk.classes.get(`${school.id}|${className}`);
    if (classId === undefined) issue('className', 'unknown_class');
  }

  const studentKey = get('studentKey');
  if (!studentKey) issue('studentKey', 'required');
  else if (KEY_FORBIDDEN_RE.test(studentKey) || studentKey.length > MAX_KEY_CHARS) issue('studentKey', 'invalid_key');

  const studentName = get('studentName');
  if (studentName && tooLong(studentName)) issue('studentName', 'too_long');
  const idNumber = get('idNumber');
  if (idNumber && !ID_RE.test(idNumber)) issue('idNumber', 'invalid_id');

  const subjectText = get('subject');
  values.subject = subjectText;
  const subject = subjectText
    ? (lk.subjects.get(subjectText) ?? lk.subjects.get(subjectText.toLowerCase()))
    : undefined;
  if (!subjectText) issue('subject', 'required');
  else if (!subject) issue('subject', 'unknown_subject');

  let itemId: number | null = null;
  let limit = subject?.fullMark;
  if (level === 'item') {
    const itemNo = get('itemNo');
    values.item = itemNo;
    if (!itemNo) issue('itemNo', 'required');
    else if (subject) {
      const item = lk.items.get(`${subject.id}|${itemNo}`);
      if (!item) issue('itemNo', 'unknown_item');
      else {
        itemId = item.id;
        limit = item.fullMark;
      }
    }
  }

  const score = parseScore(cells[map.score ?? -1]);
  values.score = typeof score === 'number' ? score : null;
  values.limit = limit ?? null;
  if (score === null) issue('score', 'required');
  else if (score === 'invalid') issue('score', 'invalid_score');
  else if (score < 0) issue('score', 'negative_score');
  else if (limit !== undefined && score > limit) issue('score', 'above_full_mark');

  if (issues.length || !school || classId === undefined || !studentKey || !subject || typeof score !== 'number')
    return { issues };
  return {
    record: { schoolId: school.id, classId, studentKey, studentName, idNumber, subjectId: subject.id, itemId, score },
    issues,
  };
}

/**
 * The same rules compiled for one file's header and exam, for the million rows that are fine: no
 * message, no object but the record, classes looked up without building a key. A row it does not
 * accept goes to checkScoreRow, which names every problem; a test holds the two to the same verdict.
 */
export function compileScoreRowCheck(
  map: Partial<Record<ScoreColumnKey, number>>,
  level: ImportLevel,
  lk: ImportLookups,
): (cells: Cell[]) => ScoreRecord | null {
  const col = (k: ScoreColumnKey) => map[k] ?? -1;
  const [iSchool, iClass, iKey, iName, iId, iSubject, iItem, iScore] = (
    ['schoolCode', 'className', 'studentKey', 'studentName', 'idNumber', 'subject', 'itemNo', 'score'] as const
  ).map(col) as [number, number, number, number, number, number, number, number];
  const classesBySchool = byOwner(lk.classes);
  const itemsBySubject = byOwner(lk.items);
  const isItem = level === 'item';
  return (cells) => {
    const schoolCode = text(cells[iSchool]);
    const school = schoolCode === null ? undefined : lk.schools.get(schoolCode);
    if (!school || !school.sat || !school.allowed) return null;
    const className = text(cells[iClass]);
    const classId = className === null ? undefined : classesBySchool.get(school.id)?.get(className);
    if (classId === undefined) return null;
    const studentKey = text(cells[iKey]);
    if (studentKey === null || studentKey.length > MAX_KEY_CHARS || KEY_FORBIDDEN_RE.test(studentKey)) return null;
    const studentName = iName < 0 ? null : text(cells[iName]);
    if (studentName !== null && tooLong(studentName)) return null;
    const idNumber = iId < 0 ? null : text(cells[iId]);
    if (idNumber !== null && !ID_RE.test(idNumber)) return null;
    const subjectText = text(cells[iSubject]);
    const subject =
      subjectText === null ? undefined : (lk.subjects.get(subjectText) ?? lk.subjects.get(subjectText.toLowerCase()));
    if (!subject) return null;
    let itemId: number | null = null;
    let limit = subject.fullMark;
    if (isItem) {
      const itemNo = text(cells[iItem]);
      const item = itemNo === null ? undefined : itemsBySubject.get(subject.id)?.get(itemNo);
      if (!item) return null;
      itemId = item.id;
      limit = item.fullMark;
    }
    const score = parseScore(cells[iScore]);
    if (typeof score !== 'number' || score < 0 || score > limit) return null;
    return { schoolId: school.id, classId, studentKey, studentName, idNumber, subjectId: subject.id, itemId, score };
  };
}

/** `${ownerId}|${name}` → value, regrouped as owner → name → value: a lookup then builds no key. */
function byOwner<V>(flat: Map<string, V>): Map<number, Map<string, V>> {
  const out = new Map<number, Map<string, V>>();
  for (const [key, value] of flat) {
    const bar = key.indexOf('|');
    const owner = Number(key.slice(0, bar));
    let names = out.get(owner);
    if (!names) out.set(owner, (names = new Map()));
    names.set(key.slice(bar + 1), value);
  }
  return out;
}
