import { loadExcelJS } from '../../excel.js';
import { chartIsEmpty, chartOption } from '../../../shared/dashboard.charts.js';
import { formatFigure, type NumberLang } from '../../../shared/dashboard.format.js';
import type { Labelled } from '../../../shared/enums.js';
import { addPageNumbers, createPdf, pdfToBuffer, type Pdf } from '../../pdf/pdf-document.js';
import { schoolYearLabel } from './dashboard.period.js';
import type { ReportData } from './report.service.js';
import { renderPng } from './dashboard.ssr.js';

/** Layout of the annual report (年度报告): cover, headline figures, main charts, community table. */
const isLabel = (v: unknown): v is Labelled => typeof v === 'object' && v !== null && 'zh' in v;

export function reportTitle(data: ReportData, lang: NumberLang): string {
  const year = schoolYearLabel(data.dashboard.schoolYear);
  return lang === 'zh'
    ? `${data.dashboard.scope.name}教共体建设年度报告（${year}学年）`
    : `${data.dashboard.scope.name} school alliances: annual report ${year}`;
}

export function cellText(v: number | Labelled | null | undefined, unit: string, lang: NumberLang): string {
  if (isLabel(v)) return v[lang];
  return formatFigure(v ?? null, unit, lang);
}

const CHART_W = 480;
const CHART_H = 260;

export async function reportPdf(data: ReportData, lang: NumberLang): Promise<Buffer> {
  const title = reportTitle(data, lang);
  const doc = await createPdf({ title });
  const L = (l: Labelled) => l[lang];
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  // cover
  doc.moveDown(8);
  doc.font('cjk-bold').fontSize(24).text(title, { align: 'center' });
  doc.moveDown(2);
  doc
    .font('cjk')
    .fontSize(12)
    .fillColor('#555')
    .text(
      lang === 'zh'
        ? `生成时间：${data.dashboard.generatedAt.slice(0, 10)}`
        : `Generated ${data.dashboard.generatedAt.slice(0, 10)}`,
      { align: 'center' },
    )
    .text('共进 Gongjin', { align: 'center' });
  doc.fillColor('black');

  // headline figures
  doc.addPage();
  heading(doc, lang === 'zh' ? '一、主要指标' : '1. Headline figures');
  for (const p of data.dashboard.panels) {
    if (!p.figures.length) continue;
    doc.font('cjk-bold').fontSize(12).text(L(p.title));
    doc.moveDown(0.3);
    for (const f of p.figures) {
      const y = doc.y;
      doc
        .font('cjk')
        .fontSize(11)
        .text(L(f.label), doc.page.margins.left + 12, y, { width: width * 0.6 });
      const below = doc.y;
      doc.text(formatFigure(f.value, f.unit, lang), doc.page.margins.left + width * 0.6, y, {
        width: width * 0.4,
        align: 'right',
      });
      doc.y = Math.max(below, doc.y);
      // what a figure rests on (students behind a gap, 2 / 3 schools …), as the dashboard shows it
      if (f.hint)
        doc
          .font('cjk')
          .fontSize(8)
          .fillColor('#666')
          .text(L(f.hint), doc.page.margins.left + 12, doc.y, { width: width - 12 })
          .fillColor('black');
      doc.x = doc.page.margins.left;
    }
    doc.moveDown(0.8);
  }

  // charts, rendered on the server
  const charts = data.dashboard.panels.flatMap((p) => p.charts).filter((c) => !chartIsEmpty(c));
  if (charts.length) {
    doc.addPage();
    heading(doc, lang === 'zh' ? '二、主要图表' : '2. Charts');
    for (const c of charts) {
      const h = c.kind === 'rank' ? Math.min(520, 60 + c.points.length * 20) : CHART_H;
      if (doc.y + h * 0.9 + 30 > doc.page.height - doc.page.margins.bottom) doc.addPage();
      doc.font('cjk-bold').fontSize(11).text(L(c.title));
      const png = await renderPng(chartOption(c, lang, { dark: false, animation: false }), CHART_W, h);
      doc.image(png, doc.page.margins.left, doc.y + 4, { width: Math.min(width, CHART_W * 0.9) });
      doc.y += h * 0.9 + 16;
      doc.x = doc.page.margins.left;
    }
  }

  // community table
  if (data.communities.length) {
    doc.addPage();
    heading(doc, lang === 'zh' ? '三、各教共体情况' : '3. Communities');
    communityTable(doc, data, lang, width);
  }
  addPageNumbers(doc);
  return pdfToBuffer(doc);
}

function heading(doc: Pdf, text: string) {
  doc.font('cjk-bold').fontSize(16).text(text);
  doc.moveDown(0.6);
}

function communityTable(doc: Pdf, data: ReportData, lang: NumberLang, width: number) {
  const nameW = width * 0.3;
  const colW = (width - nameW) / Math.max(1, data.columns.length);
  const left = doc.page.margins.left;
  const row = (cells: string[], bold: boolean) => {
    if (doc.y + 28 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    doc.font(bold ? 'cjk-bold' : 'cjk').fontSize(8);
    let h = 0;
    cells.forEach((c, i) => {
      const x = i === 0 ? left : left + nameW + (i - 1) * colW;
      const w = i === 0 ? nameW - 4 : colW - 4;
      doc.text(c, x, y, { width: w, align: i === 0 ? 'left' : 'right' });
      h = Math.max(h, doc.y - y);
    });
    doc.y = y + h + 4;
    doc.x = left;
  };
  row([lang === 'zh' ? '教共体' : 'Community', ...data.columns.map((c) => c.label[lang])], true);
  for (const r of data.communities)
    row([r.name, ...data.columns.map((c) => cellText(r.values[c.key], c.unit, lang))], false);
}

export async function reportXlsx(data: ReportData, lang: NumberLang): Promise<Buffer> {
  const wb = new (await loadExcelJS()).Workbook();
  wb.creator = 'Gongjin 共进';
  const zh = lang === 'zh';
  const overview = wb.addWorksheet(zh ? '主要指标' : 'Figures');
  overview.columns = [
    { header: zh ? '板块' : 'Panel', width: 24 },
    { header: zh ? '指标' : 'Figure', width: 36 },
    { header: zh ? '数值' : 'Value', width: 14 },
    { header: zh ? '单位' : 'Unit', width: 10 },
    { header: zh ? '显示' : 'Display', width: 16 },
    { header: zh ? '说明' : 'Note', width: 48 },
  ];
  overview.getRow(1).font = { bold: true };
  overview.addRow([reportTitle(data, lang)]);
  for (const p of data.dashboard.panels) {
    for (const f of p.figures)
      overview.addRow([
        p.title[lang],
        f.label[lang],
        f.value,
        f.unit,
        formatFigure(f.value, f.unit, lang),
        f.hint?.[lang] ?? null,
      ]);
  }

  const charts = wb.addWorksheet(zh ? '图表数据' : 'Chart data');
  charts.columns = [
    { header: zh ? '图表' : 'Chart', width: 30 },
    { header: zh ? '项目' : 'Item', width: 30 },
    { header: zh ? '数值' : 'Value', width: 14 },
  ];
  charts.getRow(1).font = { bold: true };
  for (const c of data.dashboard.panels.flatMap((p) => p.charts)) {
    if (c.series?.length) {
      for (const sr of c.series)
        c.points.forEach((pt, i) =>
          charts.addRow([c.title[lang], `${pt.name[lang]} · ${sr.name[lang]}`, sr.values[i] ?? null]),
        );
    } else for (const pt of c.points) charts.addRow([c.title[lang], pt.name[lang], pt.value]);
  }

  const table = wb.addWorksheet(zh ? '各教共体' : 'Communities');
  table.columns = [
    { header: zh ? '教共体' : 'Community', width: 30 },
    ...data.columns.map((c) => ({ header: c.label[lang], width: 14 })),
  ];
  table.getRow(1).font = { bold: true };
  for (const r of data.communities) {
    table.addRow([
      r.name,
      ...data.columns.map((c) => {
        const v = r.values[c.key];
        return isLabel(v) ? v[lang] : (v ?? null);
      }),
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
