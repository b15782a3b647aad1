import {
  BALANCE_INDICATOR_LABELS,
  BALANCE_INDICATORS,
  type BalanceSchool,
  type ExplanationNode,
  type RankedResult,
  type Results,
} from '../../../shared/assessment.schemas.js';
import type { Lang } from '../../../shared/messages.js';
import { addPageNumbers, createPdf, pdfToBuffer } from '../../pdf/pdf-document.js';
import type { ExportColumn } from '../io/index.js';

/** Columns of the results spreadsheet: rank, community, total, last year, change, then each dimension. */
/** The balance list as exported: one row per school section, its seven ratios as shown. */
export function balanceColumns(): ExportColumn<BalanceSchool & { countyCode: string }>[] {
  return [
    { zh: '区县代码', en: 'County', width: 10, value: (r) => r.countyCode },
    { zh: '学校', en: 'School', width: 30, value: (r) => r.schoolName },
    { zh: '学段', en: 'Stage', width: 8, value: (r) => r.stage },
    { zh: '学段学生数', en: 'Pupils (stage)', width: 12, value: (r) => r.students },
    { zh: '全校学生数', en: 'Pupils (school)', width: 12, value: (r) => r.schoolStudents },
    ...BALANCE_INDICATORS.map((k): ExportColumn<BalanceSchool & { countyCode: string }> => ({
      zh: BALANCE_INDICATOR_LABELS[k].zh,
      en: BALANCE_INDICATOR_LABELS[k].en,
      width: 14,
      value: (r) => r.valuesShown[k] ?? null,
    })),
    { zh: '达标项数', en: 'Indicators met', width: 10, value: (r) => r.met },
    { zh: '学校达标', en: 'Meets the standard', width: 10, value: (r) => (r.meetsStandard ? '是 yes' : '否 no') },
  ];
}

export function resultColumns(results: Results): ExportColumn<RankedResult>[] {
  const dims = new Map<string, string>();
  for (const c of results.communities) for (const d of c.dimensions) if (!dims.has(d.key)) dims.set(d.key, d.name);
  return [
    { zh: '排名', en: 'Rank', width: 8, value: (r) => r.rank },
    { zh: '教共体', en: 'Community', width: 30, value: (r) => r.communityName },
    { zh: '发展指数', en: 'Index', width: 12, value: (r) => r.total },
    { zh: '上一学年', en: 'Previous year', width: 12, value: (r) => r.previousTotal },
    { zh: '变化', en: 'Change', width: 10, value: (r) => r.change },
    ...[...dims].map(([key, name]): ExportColumn<RankedResult> => ({
      zh: name,
      en: key,
      width: 12,
      value: (r) => r.dimensions.find((d) => d.key === key)?.points ?? null,
    })),
    { zh: '方案版本', en: 'Scheme version', width: 10, value: (r) => r.schemeVersion },
  ];
}

interface ReportInput {
  communityName: string;
  schemeName: string;
  year: number;
  revision: number;
  schemeVersion: number;
  total: number;
  publishedAt: string | null;
  schools: { schoolName: string; ownScore: number; communityScore: number; principalAppraisal: number }[];
  explanation: ExplanationNode;
}

/** The PDF report of one published result: totals, the bound school scores and the explanation tree. */
export async function resultReportPdf(r: ReportInput, lang: Lang): Promise<Buffer> {
  const zh = lang === 'zh';
  const doc = await createPdf({ title: `${r.communityName} ${zh ? '考核结果' : 'assessment result'}` });
  doc
    .font('cjk-bold')
    .fontSize(16)
    .text(
      zh
        ? `${r.communityName} ${r.year}–${r.year + 1} 学年考核结果`
        : `${r.communityName}: assessment ${r.year}–${r.year + 1}`,
      { align: 'center' },
    );
  doc
    .moveDown(0.5)
    .font('cjk')
    .fontSize(10)
    .fillColor('#555')
    .text(
      zh
        ? `方案：${r.schemeName}（第 ${r.schemeVersion} 版） · 发布版次 ${r.revision} · 发布于 ${r.publishedAt?.slice(0, 10) ?? '—'}`
        : `Scheme: ${r.schemeName} (v${r.schemeVersion}) · revision ${r.revision} · published ${r.publishedAt?.slice(0, 10) ?? '—'}`,
      { align: 'center' },
    );
  doc.fillColor('black').moveDown();
  doc
    .font('cjk-bold')
    .fontSize(13)
    .text(zh ? `发展指数：${r.total} 分` : `Development index: ${r.total}`);
  doc.moveDown(0.5);
  if (r.schools.length) {
    doc
      .font('cjk-bold')
      .fontSize(11)
      .text(zh ? '捆绑考核 · 各校得分' : 'Bound scoring by school');
    doc.font('cjk').fontSize(10);
    for (const s of r.schools) {
      doc.text(
        zh
          ? `${s.schoolName}：自身得分 ${s.ownScore}，记教共体得分 ${s.communityScore}，校长考核折算 ${s.principalAppraisal}`
          : `${s.schoolName}: own ${s.ownScore}, community ${s.communityScore}, principal appraisal ${s.principalAppraisal}`,
      );
    }
    doc.moveDown();
  }
  doc
    .font('cjk-bold')
    .fontSize(11)
    .text(zh ? '得分说明' : 'How the points were earned');
  doc.moveDown(0.3);
  const walk = (n: ExplanationNode, depth: number) => {
    const pts = n.points === null ? '' : n.maxPoints === null ? `  ${n.points}` : `  ${n.points} / ${n.maxPoints}`;
    doc
      .font(depth <= 1 ? 'cjk-bold' : 'cjk')
      .fontSize(depth === 0 ? 11 : 10)
      .text(`${zh ? n.label : n.labelEn}${pts}`, 56 + depth * 14);
    doc
      .font('cjk')
      .fontSize(9)
      .fillColor('#444')
      .text(zh ? n.text : n.textEn, 56 + depth * 14 + 8);
    for (const rec of n.records ?? [])
      doc.text(`· ${rec.label}${rec.date ? `（${rec.date}）` : ''}`, 56 + depth * 14 + 16);
    doc.fillColor('black').moveDown(0.2);
    for (const c of n.children ?? []) walk(c, depth + 1);
  };
  walk(r.explanation, 0);
  addPageNumbers(doc);
  return pdfToBuffer(doc);
}
