import type { Lang } from '../../../shared/messages.js';
import type {
  ClassReport,
  GapFigure,
  GapsResponse,
  ImportLevel,
  StatRow,
  Student,
} from '../../../shared/quality.schemas.js';
import { xlsxSheet, type ExportColumn, type XlsxSheet } from '../io/index.js';
import { SUBJECT_LABELS } from '../../../shared/enums.js';
import { buildTemplate } from '../io/index.js';
import { SCORE_COLUMNS } from './import.rules.js';

const pct = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 100);

export function statExportColumns(): ExportColumn<StatRow>[] {
  return [
    { zh: '范围', en: 'Group', width: 28, value: (r) => r.label },
    { zh: '人数', en: 'Students', value: (r) => r.n },
    { zh: '平均分', en: 'Mean', value: (r) => r.mean },
    { zh: '标准差', en: 'SD', value: (r) => r.sd },
    { zh: '优秀率(%)', en: 'Excellent (%)', value: (r) => pct(r.excellentRate) },
    { zh: '及格率(%)', en: 'Pass (%)', value: (r) => pct(r.passRate) },
    { zh: '低分率(%)', en: 'Low (%)', value: (r) => pct(r.lowRate) },
    { zh: '最低分', en: 'Min', value: (r) => r.min },
    { zh: 'P10', en: 'P10', value: (r) => r.p10 },
    { zh: 'P25', en: 'P25', value: (r) => r.p25 },
    { zh: '中位数', en: 'Median', value: (r) => r.median },
    { zh: 'P75', en: 'P75', value: (r) => r.p75 },
    { zh: 'P90', en: 'P90', value: (r) => r.p90 },
    { zh: '最高分', en: 'Max', value: (r) => r.max },
  ];
}

/** The ID number column carries the masked value only (the service never loads it whole into a response). */
export function studentExportColumns(): ExportColumn<Student>[] {
  return [
    { zh: '学生编号', en: 'Student key', width: 18, value: (s) => s.studentKey },
    { zh: '姓名', en: 'Name', value: (s) => s.name },
    { zh: '身份证号（脱敏）', en: 'ID number (masked)', width: 22, value: (s) => s.idNumberMasked },
    { zh: '班级', en: 'Class', value: (s) => s.className },
  ];
}

// ---------- gaps ----------
type GapExam = GapsResponse['exams'][number];
type GapCommunity = { examDate: string; examName: string; name: string; gap: GapFigure };
type GapChange = { zh: string; en: string } & NonNullable<GapsResponse['change']>['ruralUrban'];

/** The four figures of one gap (reference − focal), rates in percentage points. */
function gapColumns<T>(
  gap: (r: T) => Pick<GapFigure, 'meanGap' | 'passGap' | 'excellentGap' | 'lowGap'>,
  zh: string,
  en: string,
): ExportColumn<T>[] {
  return [
    { zh: `${zh}均分差`, en: `${en} mean gap`, value: (r) => gap(r).meanGap },
    { zh: `${zh}及格率差(百分点)`, en: `${en} pass gap (pp)`, value: (r) => pct(gap(r).passGap) },
    { zh: `${zh}优秀率差(百分点)`, en: `${en} excellent gap (pp)`, value: (r) => pct(gap(r).excellentGap) },
    { zh: `${zh}低分率差(百分点)`, en: `${en} low gap (pp)`, value: (r) => pct(gap(r).lowGap) },
  ];
}
/** Students and mean of both groups, then the gap. */
function figureColumns<T>(
  fig: (r: T) => GapFigure,
  ref: { zh: string; en: string },
  focal: { zh: string; en: string },
  gap: { zh: string; en: string },
): ExportColumn<T>[] {
  return [
    { zh: `${ref.zh}人数`, en: `${ref.en} students`, value: (r) => fig(r).reference.n },
    { zh: `${ref.zh}平均分`, en: `${ref.en} mean`, value: (r) => fig(r).reference.mean },
    { zh: `${ref.zh}及格率(%)`, en: `${ref.en} pass (%)`, value: (r) => pct(fig(r).reference.passRate) },
    { zh: `${focal.zh}人数`, en: `${focal.en} students`, value: (r) => fig(r).focal.n },
    { zh: `${focal.zh}平均分`, en: `${focal.en} mean`, value: (r) => fig(r).focal.mean },
    { zh: `${focal.zh}及格率(%)`, en: `${focal.en} pass (%)`, value: (r) => pct(fig(r).focal.passRate) },
    ...gapColumns(fig, gap.zh, gap.en),
  ];
}

const URBAN = { zh: '城区', en: 'Urban' };
const RURAL = { zh: '乡村', en: 'Rural' };
const CORE = { zh: '核心校', en: 'Core' };
const MEMBER = { zh: '成员校', en: 'Member' };

/** The gaps page as a workbook: per exam, per community and exam, and the change from first to last. */
export function gapSheets(g: GapsResponse, lang: Lang): XlsxSheet<unknown>[] {
  const L = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const exam: ExportColumn<{ examDate: string; examName: string }>[] = [
    { zh: '考试日期', en: 'Exam date', width: 12, value: (r) => r.examDate },
    { zh: '考试', en: 'Exam', width: 32, value: (r) => r.examName },
  ];
  const exams = g.exams.map((e) => ({ ...e, examName: e.name }));
  const sheets = [
    xlsxSheet<GapExam & { examName: string }>({
      sheetName: L('各次考试差距', 'Gaps by exam'),
      columns: [
        ...exam,
        { zh: '年级', en: 'Grade', width: 8, value: (r) => r.grade },
        { zh: '满分', en: 'Full mark', width: 8, value: (r) => r.fullMark },
        ...figureColumns<GapExam>((r) => r.ruralUrban, URBAN, RURAL, { zh: '城乡', en: 'Urban–rural' }),
        ...figureColumns<GapExam>((r) => r.memberCore, CORE, MEMBER, { zh: '核心−成员', en: 'Core–member' }),
      ],
      batches: [exams],
    }),
    xlsxSheet<GapCommunity>({
      sheetName: L('各教共体差距', 'Gaps by community'),
      columns: [
        ...exam,
        { zh: '教共体', en: 'Community', width: 28, value: (r) => r.name },
        ...figureColumns<GapCommunity>((r) => r.gap, CORE, MEMBER, { zh: '核心−成员', en: 'Core–member' }),
      ],
      batches: [
        g.exams.flatMap((e) =>
          e.communities.map((c) => ({ examDate: e.examDate, examName: e.name, name: c.name, gap: c.gap })),
        ),
      ],
    }),
  ];
  if (g.change) {
    const first = g.exams[0]!;
    const last = g.exams[g.exams.length - 1]!;
    sheets.push(
      xlsxSheet<GapChange>({
        sheetName: L('差距变化', 'Change'),
        columns: [
          {
            zh: `比较（${first.examDate} → ${last.examDate}，负数表示缩小）`,
            en: `Comparison (${first.examDate} → ${last.examDate}; negative = narrowed)`,
            width: 40,
            value: (r) => L(r.zh, r.en),
          },
          { zh: '均分差变化', en: 'Change in mean gap', value: (r) => r.meanGap },
          { zh: '及格率差变化(百分点)', en: 'Change in pass gap (pp)', value: (r) => pct(r.passGap) },
          { zh: '优秀率差变化(百分点)', en: 'Change in excellent gap (pp)', value: (r) => pct(r.excellentGap) },
          { zh: '低分率差变化(百分点)', en: 'Change in low gap (pp)', value: (r) => pct(r.lowGap) },
        ],
        batches: [
          [
            { zh: '城乡（城区−乡村）', en: 'Urban − rural', ...g.change.ruralUrban },
            { zh: '核心校−成员校', en: 'Core − member', ...g.change.memberCore },
          ],
        ],
      }),
    );
  }
  return sheets;
}

// ---------- class report ----------
type ReportItem = ClassReport['items'][number];
type WeakPoint = ClassReport['weakPoints'][number];
type LowStudent = NonNullable<ClassReport['lowStudents']>[number];

/** The class report's tables, a sheet each: comparison, items and weak points (when item scores exist), low-score students. */
export function classReportSheets(r: ClassReport, lang: Lang): XlsxSheet<unknown>[] {
  const L = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const comparison = [
    { ...r.stats, label: L(`本班（${r.class.name}）`, `This class (${r.class.name})`) },
    ...r.comparison,
  ];
  const sheets = [
    xlsxSheet<StatRow>({ sheetName: L('比较', 'Comparison'), columns: statExportColumns(), batches: [comparison] }),
  ];
  if (r.hasItems) {
    sheets.push(
      xlsxSheet<ReportItem>({
        sheetName: L('小题分析', 'Items'),
        columns: [
          { zh: '题号', en: 'Item', width: 8, value: (i) => i.itemNo },
          { zh: '满分', en: 'Full mark', width: 8, value: (i) => i.fullMark },
          { zh: '作答人数', en: 'Answered', value: (i) => i.n },
          { zh: '难度（得分率）', en: 'Difficulty (score rate)', value: (i) => i.difficulty },
          { zh: '区县得分率', en: 'County score rate', value: (i) => i.regionDifficulty },
          { zh: '区分度', en: 'Discrimination', value: (i) => i.discrimination },
          { zh: '知识点', en: 'Knowledge points', width: 30, value: (i) => i.knowledgePoints.join(L('、', ', ')) },
        ],
        batches: [r.items],
      }),
    );
    sheets.push(
      xlsxSheet<WeakPoint>({
        sheetName: L('薄弱知识点', 'Weak points'),
        columns: [
          { zh: '知识点', en: 'Knowledge point', width: 24, value: (w) => w.tag },
          { zh: '本班得分率(%)', en: 'Class score rate (%)', value: (w) => pct(w.rate) },
          { zh: '区县得分率(%)', en: 'County score rate (%)', value: (w) => pct(w.regionRate) },
          { zh: '题数', en: 'Items', width: 8, value: (w) => w.items },
        ],
        batches: [r.weakPoints],
      }),
    );
  }
  const lowName = L('低分学生', 'Low-score students');
  if (r.lowStudents) {
    sheets.push(
      xlsxSheet<LowStudent>({
        sheetName: lowName,
        columns: [
          { zh: '学生编号', en: 'Student key', width: 18, value: (s) => s.studentKey },
          { zh: '姓名', en: 'Name', value: (s) => s.name },
          { zh: '成绩', en: 'Score', value: (s) => s.score },
          { zh: '班内名次', en: 'Rank in class', value: (s) => s.rank },
        ],
        batches: [r.lowStudents],
      }),
    );
  } else {
    // readers outside the school get the count only, as in the JSON report
    sheets.push(
      xlsxSheet<{ text: string }>({
        sheetName: lowName,
        columns: [{ zh: '说明', en: 'Note', width: 60, value: (x) => x.text }],
        batches: [
          [
            {
              text: L(
                `共 ${r.lowStudentCount} 名学生低于低分线 ${r.lines.lowLine} 分（学生名单仅本校可见）`,
                `${r.lowStudentCount} students below the low line of ${r.lines.lowLine} (the list is visible to their own school only)`,
              ),
            },
          ],
        ],
      }),
    );
  }
  return sheets;
}

export function templateCsv(level: ImportLevel): string {
  const cols = SCORE_COLUMNS.filter((c) => level === 'item' || c.key !== 'itemNo');
  const example: Record<string, string> = {
    schoolCode: '3304810001',
    className: '1班',
    studentKey: 'S2025000001',
    studentName: '',
    idNumber: '',
    subject: '数学',
    itemNo: '1',
    score: level === 'item' ? '4' : '87.5',
  };
  return `\uFEFF${cols.map((c) => c.zh).join(',')}\n${cols.map((c) => example[c.key]).join(',')}\n`;
}

/** The score template as a workbook: 说明 with an example row, a subject drop-down, text-formatted codes. */
export function templateXlsx(level: ImportLevel, lang: 'zh' | 'en'): Promise<Buffer> {
  const cols = SCORE_COLUMNS.filter((c) => level === 'item' || c.key !== 'itemNo');
  const example: Record<string, string | number> = {
    schoolCode: '3304810001',
    className: '1班',
    studentKey: 'S2025000001',
    studentName: '张小明',
    idNumber: '33048120140101002X',
    subject: '数学',
    itemNo: '1',
    score: level === 'item' ? 4 : 87.5,
  };
  const zh = lang === 'zh';
  return buildTemplate({
    sheetName: zh ? '成绩' : 'Scores',
    lang,
    columns: cols.map((c) => ({
      header: zh ? c.zh : c.en,
      required: c.required,
      example: example[c.key] ?? null,
      text: ['schoolCode', 'studentKey', 'idNumber', 'itemNo', 'className'].includes(c.key),
      choices: c.key === 'subject' ? Object.values(SUBJECT_LABELS).map((l) => (zh ? l.zh : l.en)) : undefined,
    })),
    instructions: zh
      ? [
          level === 'item' ? '7. 小题分：每位学生每科每题一行，题号与考试设置一致。' : '7. 总分：每位学生每科一行。',
          '8. 学生编号（学籍号或考号）在本次考试中唯一；身份证号可留空。',
        ]
      : [
          level === 'item'
            ? '7. Item scores: one row per student, subject and item; item numbers as set in the exam.'
            : '7. Totals: one row per student and subject.',
          '8. The student key (学籍号 or exam number) is unique within the exam; the ID number may be blank.',
        ],
  });
}
