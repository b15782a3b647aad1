import { SUBJECT_LABELS } from '../../../shared/enums.js';
import type { ClassReport, StudentReport } from '../../../shared/quality.schemas.js';
import { addPageNumbers, createPdf, pdfToBuffer, type Pdf } from '../../pdf/pdf-document.js';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, d = 1) => (v === null ? '—' : v.toFixed(d));
/** a score as written on the sheet: 30, 59.5 */
const mark = (v: number) => String(Math.round(v * 100) / 100);

function heading(doc: Pdf, text: string) {
  doc.moveDown(0.8).font('cjk-bold').fontSize(13).text(text).font('cjk').fontSize(10).moveDown(0.3);
}

function table(doc: Pdf, head: string[], rows: string[][], widths: number[]) {
  const x0 = doc.page.margins.left;
  const line = (cells: string[], bold: boolean) => {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
    const y = doc.y;
    doc.font(bold ? 'cjk-bold' : 'cjk').fontSize(9);
    let x = x0;
    cells.forEach((c, i) => {
      doc.text(c, x, y, { width: widths[i]! - 4, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.x = x0;
    doc.y = y + 15;
  };
  line(head, true);
  for (const r of rows) line(r, false);
  doc.font('cjk').fontSize(10);
}

/** The class learning report (学情分析报告) as a PDF; student names only when the reader may see them. */
export async function classReportPdf(r: ClassReport): Promise<Buffer> {
  const subject = SUBJECT_LABELS[r.subject].zh;
  const doc = await createPdf({ title: `${r.class.schoolName}${r.class.name}${subject}学情分析报告` });
  doc.font('cjk-bold').fontSize(18).text(`${r.class.schoolName} ${r.class.name}`, { align: 'center' });
  doc.fontSize(14).text(`${r.exam.name} · ${subject} 学情分析报告`, { align: 'center' }).font('cjk').fontSize(10);
  doc
    .moveDown(0.5)
    .text(
      `考试日期 ${r.exam.examDate}；满分 ${r.lines.fullMark}，优秀线 ${r.lines.excellentLine}，及格线 ${r.lines.passLine}，低分线 ${r.lines.lowLine}。`,
    );

  heading(doc, '一、总体情况');
  const s = r.stats;
  doc.text(
    `参考 ${s.n} 人，平均分 ${num(s.mean, 2)}，标准差 ${num(s.sd, 2)}，最高 ${num(s.max)}、最低 ${num(s.min)}，中位数 ${num(s.median)}。`,
  );
  doc.text(
    `优秀率 ${pct(s.excellentRate)}，及格率 ${pct(s.passRate)}，低分率 ${pct(s.lowRate)}。${r.communityRank ? `平均分在教共体 ${r.communityRank.of} 个班中排第 ${r.communityRank.rank}。` : ''}`,
  );

  heading(doc, '二、与学校、教共体、区县比较');
  table(
    doc,
    ['范围', '人数', '平均分', '优秀率', '及格率', '低分率'],
    [
      [`本班`, String(s.n), num(s.mean, 2), pct(s.excellentRate), pct(s.passRate), pct(s.lowRate)],
      ...r.comparison.map((c) => [
        c.label,
        String(c.n),
        num(c.mean, 2),
        pct(c.excellentRate),
        pct(c.passRate),
        pct(c.lowRate),
      ]),
    ],
    [170, 50, 60, 60, 60, 60],
  );

  heading(doc, '三、分数分布');
  const max = Math.max(1, ...r.distribution.map((d) => d.n));
  const x0 = doc.page.margins.left;
  for (const d of r.distribution) {
    if (doc.y > doc.page.height - doc.page.margins.bottom - 20) doc.addPage();
    const y = doc.y;
    doc.fontSize(9).text(`${d.from}–${d.to}`, x0, y, { width: 70 });
    doc
      .rect(x0 + 75, y + 1, (d.n / max) * 300, 9)
      .fill('#1677ff')
      .fillColor('black');
    doc.text(String(d.n), x0 + 385, y, { width: 40 });
    doc.x = x0;
    doc.y = y + 14;
  }

  if (r.hasItems) {
    heading(doc, '四、小题分析（难度 = 得分率，区分度 = 高分组与低分组得分率之差）');
    table(
      doc,
      ['题号', '满分', '难度', '区县难度', '区分度', '知识点'],
      r.items.map((i) => [
        i.itemNo,
        String(i.fullMark),
        num(i.difficulty, 2),
        num(i.regionDifficulty, 2),
        num(i.discrimination, 2),
        i.knowledgePoints.join('、'),
      ]),
      [50, 45, 55, 65, 55, 200],
    );
    heading(doc, '五、薄弱知识点');
    table(
      doc,
      ['知识点', '本班得分率', '区县得分率', '题数'],
      r.weakPoints.map((w) => [w.tag, pct(w.rate), pct(w.regionRate), String(w.items)]),
      [200, 80, 80, 50],
    );
  }

  heading(doc, r.hasItems ? '六、需要帮助的学生（低于低分线）' : '四、需要帮助的学生（低于低分线）');
  if (r.lowStudents) {
    if (!r.lowStudents.length) doc.text('本班没有低于低分线的学生。');
    else
      table(
        doc,
        ['学生编号', '姓名', '成绩', '班内名次'],
        r.lowStudents.map((l) => [l.studentKey, l.name ?? '—', String(l.score), String(l.rank)]),
        [130, 100, 60, 60],
      );
  } else {
    doc.text(`共 ${r.lowStudentCount} 名学生低于低分线（学生名单仅本校可见）。`);
  }
  addPageNumbers(doc);
  return pdfToBuffer(doc);
}

/**
 * One student's learning report (学生学情报告) as a PDF. It prints what the JSON report carries and
 * nothing more: the name only when the service filled it in (own school), the ID number masked.
 */
export async function studentReportPdf(r: StudentReport): Promise<Buffer> {
  const st = r.student;
  const who = st.name ? `${st.name}（${st.studentKey}）` : st.studentKey;
  const doc = await createPdf({ title: `${who} 学生学情报告` });
  doc.font('cjk-bold').fontSize(18).text(`${who} 学生学情报告`, { align: 'center' }).font('cjk').fontSize(10);
  doc
    .moveDown(0.5)
    .text(
      [
        `学生编号 ${st.studentKey}`,
        st.className ? `班级 ${st.className}` : null,
        st.idNumberMasked ? `身份证号 ${st.idNumberMasked}` : null,
      ]
        .filter(Boolean)
        .join('；') + '。',
    );

  heading(doc, '一、历次考试成绩');
  if (!r.scores.length) doc.text('该学生还没有考试成绩。');
  else {
    table(
      doc,
      ['考试日期', '考试', '科目', '成绩', '满分', '班级平均', '全体平均'],
      r.scores.map((s) => [
        s.examDate,
        s.examName,
        SUBJECT_LABELS[s.subject].zh,
        mark(s.score),
        mark(s.fullMark),
        num(s.classMean, 2),
        num(s.regionMean, 2),
      ]),
      [65, 150, 45, 45, 40, 70, 70],
    );
  }

  heading(doc, '二、各科变化');
  const subjects = [...new Set(r.scores.map((s) => s.subject))];
  if (!subjects.length) doc.text('—');
  for (const subject of subjects) {
    const list = r.scores.filter((s) => s.subject === subject);
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const rateOf = (s: typeof first) => s.score / s.fullMark;
    const vsClass =
      last.classMean === null
        ? ''
        : `，比班级平均${last.score >= last.classMean ? '高' : '低'} ${Math.abs(last.score - last.classMean).toFixed(1)} 分`;
    const trend =
      list.length > 1
        ? `；得分率从 ${pct(rateOf(first))}（${first.examDate}）到 ${pct(rateOf(last))}（${last.examDate}）`
        : '';
    doc.text(
      `${SUBJECT_LABELS[subject].zh}：共 ${list.length} 次考试，最近一次 ${mark(last.score)} 分（满分 ${mark(last.fullMark)}）${vsClass}${trend}。`,
    );
  }

  heading(doc, '三、薄弱知识点');
  if (!r.weakPoints.length) doc.text('没有小题成绩，不做知识点分析。');
  else
    table(
      doc,
      ['知识点', '本人得分率', '全体得分率', '题数'],
      r.weakPoints.map((w) => [w.tag, pct(w.rate), pct(w.regionRate), String(w.items)]),
      [200, 80, 80, 50],
    );
  addPageNumbers(doc);
  return pdfToBuffer(doc);
}
