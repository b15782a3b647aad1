import { shanghaiDateTime } from '../../../shared/beijing-time.js';
import {
  ACTION_ITEM_STATUS_LABELS,
  ATTENDEE_CATEGORY_LABELS,
  MEETING_KIND_LABELS,
  MINUTES_STATUS_LABELS,
  SIGNER_STATUS_LABELS,
  type SignerStatus,
} from '../../../shared/meetings.schemas.js';
import { parseMinutes, type Inline } from '../../../shared/meetings.markdown.js';
import { addPageNumbers, createPdf, pdfToBuffer, type Pdf } from '../../pdf/pdf-document.js';
import type { ArchivedMeeting, ArchivedMinutes } from './meetings.archive.js';

const fmt = (iso: string | null) => (iso ? shanghaiDateTime(iso) : '—');

function heading(doc: Pdf, text: string) {
  doc
    .moveDown(0.8)
    .font('cjk-bold')
    .fontSize(13)
    .fillColor('black')
    .text(text)
    .moveDown(0.3)
    .font('cjk')
    .fontSize(10.5);
}

function inlines(doc: Pdf, parts: Inline[], opts: PDFKit.Mixins.TextOptions = {}) {
  if (!parts.length) return;
  parts.forEach((p, i) =>
    doc.font(p.bold ? 'cjk-bold' : 'cjk').text(p.text, { ...opts, continued: i < parts.length - 1 }),
  );
  doc.font('cjk');
}

function minutesBody(doc: Pdf, body: string) {
  for (const b of parseMinutes(body)) {
    if (b.type === 'rule')
      doc
        .moveDown(0.3)
        .moveTo(doc.x, doc.y)
        .lineTo(doc.page.width - doc.page.margins.right, doc.y)
        .strokeColor('#bbb')
        .stroke()
        .moveDown(0.3);
    else if (b.type === 'heading') {
      doc.moveDown(0.3).fontSize(b.level === 1 ? 13 : 12);
      inlines(
        doc,
        b.inlines.map((x) => ({ ...x, bold: true })),
      );
      doc.fontSize(10.5);
    } else if (b.type === 'item') inlines(doc, [{ text: `${b.marker} `, bold: false }, ...b.inlines], { indent: 12 });
    else inlines(doc, b.inlines, { paragraphGap: 4 });
  }
}

function signatures(doc: Pdf, m: ArchivedMinutes) {
  doc
    .fontSize(10.5)
    .text(
      `第 ${m.revision} 版 · ${MINUTES_STATUS_LABELS[m.status].zh}${m.lockedAt ? ` · 锁定于 ${fmt(m.lockedAt)}` : ''}`,
    );
  doc.fontSize(9).fillColor('#555').text(`文本 SHA-256：${m.sha256}`).fillColor('black').fontSize(10.5);
  if (!m.signatures.length) doc.text('（尚未传阅会签）');
  for (const s of m.signatures) {
    doc
      .moveDown(0.3)
      .text(
        `${s.schoolName}（${s.schoolRole === 'core' ? '核心校' : '成员校'}） ${s.signerName} · ${SIGNER_STATUS_LABELS[s.status as SignerStatus]?.zh ?? s.status} · ${fmt(s.decidedAt)}`,
      );
    if (s.sha256)
      doc.fontSize(8.5).fillColor('#555').text(`签署文本 SHA-256：${s.sha256}`).fillColor('black').fontSize(10.5);
    if (s.comment) doc.text(`退回意见：${s.comment}`);
  }
}

/** The meeting record as a PDF for the archive: details, agenda, attendees, minutes, signatures with hashes, items. */
export async function meetingPdf(m: ArchivedMeeting): Promise<Buffer> {
  const doc = await createPdf({ title: `${m.communityName} ${m.title}` });
  doc.font('cjk-bold').fontSize(17).text(m.title, { align: 'center' });
  doc
    .font('cjk')
    .fontSize(11)
    .fillColor('#444')
    .text(`${m.communityName} · 联席会议纪要`, { align: 'center' })
    .fillColor('black')
    .moveDown(0.6)
    .fontSize(10.5);
  doc.text(`会议类型：${MEETING_KIND_LABELS[m.kind].zh}`);
  doc.text(`时间：${fmt(m.startsAt)}${m.endsAt ? ` 至 ${fmt(m.endsAt)}` : ''}`);
  if (m.place) doc.text(`地点：${m.place}`);
  if (m.link) doc.text(`线上链接：${m.link}`);

  heading(doc, '一、议程');
  if (!m.agenda.length) doc.text('（无）');
  m.agenda.forEach((a, i) =>
    doc.text(
      `${i + 1}. ${a.topic}（提议：${a.proposerName}${a.proposerSchoolName ? `，${a.proposerSchoolName}` : ''}）`,
    ),
  );

  heading(doc, '二、出席与列席人员');
  if (!m.attendees.length) doc.text('（未登记）');
  for (const a of m.attendees)
    doc.text(
      `${ATTENDEE_CATEGORY_LABELS[a.category].zh}：${a.personName}${a.schoolName ? `（${a.schoolName}${a.position ? ` ${a.position}` : ''}）` : a.position ? `（${a.position}）` : ''}`,
    );

  heading(doc, '三、会议纪要');
  if (m.minutes) {
    if (m.minutes.status !== 'locked')
      doc.fillColor('#b00').text(`【${MINUTES_STATUS_LABELS[m.minutes.status].zh}，非正式文本】`).fillColor('black');
    minutesBody(doc, m.minutes.body);
  } else doc.text('（尚未起草）');

  heading(doc, '四、会签');
  if (m.minutes) signatures(doc, m.minutes);
  if (m.signedVersion) {
    doc.moveDown(0.5).font('cjk-bold').text('此前已会签锁定的版本：').font('cjk');
    signatures(doc, m.signedVersion);
  }

  heading(doc, '五、决定事项');
  if (!m.actionItems.length) doc.text('（无）');
  m.actionItems.forEach((i, k) =>
    doc.text(
      `${k + 1}. ${i.title} — 负责：${i.ownerName}；截止：${i.dueDate}；状态：${ACTION_ITEM_STATUS_LABELS[i.status].zh}${i.activityIds.length ? `；关联活动：${i.activityIds.map((x) => `#${x}`).join('、')}` : ''}`,
    ),
  );

  if (m.attachments.length) {
    heading(doc, '附件');
    for (const a of m.attachments) doc.text(`${a.fileName}（${Math.max(1, Math.round(a.size / 1024))} KB）`);
  }
  addPageNumbers(doc);
  return pdfToBuffer(doc);
}
