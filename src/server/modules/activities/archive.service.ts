import type { Worksheet } from 'exceljs';
import { loadExcelJS } from '../../excel.js';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import {
  ACTIVITY_KINDS,
  ACTIVITY_KIND_LABELS,
  COMPLIANCE_STATUS_LABELS,
  type Activity,
  type ActivityKind,
  type ArchiveQuery,
  type Compliance,
} from '../../../shared/activities.schemas.js';
import {
  semesterLabel,
  semesterRange,
  semestersOfYear,
  shanghaiDate,
  SHANGHAI_OFFSET_MS,
} from '../../../shared/activities.semester.js';
import { SUBJECT_LABELS } from '../../../shared/enums.js';
import {
  ACTION_ITEM_STATUS_LABELS,
  MEETING_KIND_LABELS,
  MINUTES_STATUS_LABELS,
} from '../../../shared/meetings.schemas.js';
import type { Lang } from '../../../shared/messages.js';
import { addPageNumbers, createPdf, pdfToBuffer, type Pdf } from '../../pdf/pdf-document.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { labelOf } from '../io/index.js';
import { meetingsForArchive, type ArchivedMeeting } from '../meetings/index.js';
import { notFound, outOfScope } from './activities.errors.js';
import { toActivity } from './activities.mappers.js';
import { activitiesPolicy } from './activities.policy.js';
import * as repo from './activities.repo.js';
import { detailColumns } from './archive.columns.js';
import { gradeName } from '../../../shared/grades.js';
import type { PlansService } from './plans.service.js';

const MAX_PHOTOS = 60;
const time = (iso: string) => new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS).toISOString().slice(11, 16);

interface ArchiveData {
  communityName: string;
  periodLabel: string;
  activities: Activity[];
  teacherName: (id: unknown) => string;
  photos: { activityId: number; title: string; date: string; caption: string | null; thumbKey: string }[];
  compliance: Compliance[];
  /** the community's joint meetings (联席会议) held in the period, with minutes and action items */
  meetings: ArchivedMeeting[];
}

/** Who may have a community's archive: those who may read its activities (throws otherwise). */
export async function archiveAccess(db: Db, actor: Actor, communityId: number) {
  const c = await repo.communityAccess(db, actor, communityId);
  if (!c) throw notFound('community', communityId);
  if (!activitiesPolicy.read(actor, c)) throw outOfScope('community');
  return c;
}

/** The semester (or school-year) archive of a community: an xlsx workbook and a PDF booklet (档案). */
export class ArchiveService {
  constructor(
    private readonly db: Db,
    private readonly storage: BlobStorage,
    private readonly plans: PlansService,
  ) {}

  async load(actor: Actor, q: ArchiveQuery): Promise<ArchiveData> {
    const c = await archiveAccess(this.db, actor, q.communityId);
    const lang: Lang = q.lang ?? 'zh';
    const semesters = q.semester ? [q.semester] : semestersOfYear(q.schoolYear!);
    const rows = await repo
      .withActivityExtras(repo.activitiesQuery(this.db, actor, { communityId: q.communityId }))
      .where('a.semester', 'in', semesters)
      .orderBy('a.starts_at')
      .orderBy('a.id')
      .execute();
    const activities = rows.map((r) => toActivity(r, false));
    const ids = new Set<number>();
    for (const a of activities)
      for (const v of Object.entries(a.details)) if (/TeacherId$/.test(v[0]) && typeof v[1] === 'number') ids.add(v[1]);
    const teachers = new Map((await repo.teachersByIds(this.db, [...ids])).map((t) => [t.id, t.name]));
    const attachments = await repo.attachmentsOf(
      this.db,
      activities.map((a) => a.id),
    );
    const latest = new Map<string, (typeof attachments)[number]>();
    for (const t of attachments) if (!latest.has(t.group_id)) latest.set(t.group_id, t); // newest version first
    const byId = new Map(activities.map((a) => [a.id, a]));
    const photos = [...latest.values()]
      .filter((t) => t.thumb_key)
      .map((t) => ({
        activityId: t.activity_id,
        title: byId.get(t.activity_id)?.title ?? '',
        date: shanghaiDate(byId.get(t.activity_id)?.startsAt ?? t.uploaded_at),
        caption: t.caption,
        thumbKey: t.thumb_key!,
      }))
      .sort((a, b) => a.date.localeCompare(b.date) || a.activityId - b.activityId)
      .slice(0, MAX_PHOTOS);
    const planRows = await this.db
      .selectFrom('work_plans')
      .select('id')
      .where('community_id', '=', q.communityId)
      .where('semester', 'in', semesters)
      .orderBy('semester')
      .execute();
    const compliance: Compliance[] = [];
    for (const p of planRows) compliance.push(await this.plans.compliance(actor, p.id));
    // the period's first and last days: a semester, or both semesters of the school year
    const ranges = semesters.map((k) => semesterRange(k)!);
    const meetings = await meetingsForArchive(this.db, q.communityId, ranges[0]!.start, ranges[ranges.length - 1]!.end);
    const periodLabel = q.semester
      ? semesterLabel(q.semester, lang)
      : lang === 'zh'
        ? `${q.schoolYear}–${q.schoolYear! + 1} 学年`
        : `School year ${q.schoolYear}–${q.schoolYear! + 1}`;
    return {
      communityName: c.name,
      periodLabel,
      activities,
      teacherName: (id) => (typeof id === 'number' ? (teachers.get(id) ?? `#${id}`) : ''),
      photos,
      compliance,
      meetings,
    };
  }

  /**
   * One sheet per kind (all kinds, so an empty sheet says "none logged"), plus a summary.
   * `onProgress` hears the share of activity rows written (0…1), for a background report's bar.
   */
  async xlsx(data: ArchiveData, lang: Lang, onProgress?: (done: number) => void): Promise<Buffer> {
    const wb = new (await loadExcelJS()).Workbook();
    wb.creator = 'Gongjin 共进';
    const L = (zh: string, en: string) => (lang === 'en' ? en : zh);
    const kindLabel = labelOf(ACTIVITY_KIND_LABELS, lang);
    const summary = wb.addWorksheet(L('概况', 'Summary'));
    summary.addRow([`${data.communityName} ${data.periodLabel}`]).font = { bold: true, size: 14 };
    summary.addRow([
      L('类别', 'Kind'),
      L('次数', 'Records'),
      L('教师人次', 'Teacher-times'),
      L('学生人次', 'Student-times'),
    ]).font = { bold: true };
    for (const kind of ACTIVITY_KINDS) {
      const of = data.activities.filter((a) => a.kind === kind);
      summary.addRow([
        kindLabel(kind),
        of.length,
        of.reduce((s, a) => s + a.teacherCount, 0),
        of.reduce((s, a) => s + a.studentCount, 0),
      ]);
    }
    summary.columns.forEach((c) => (c.width = 18));
    const common = [
      { h: L('日期', 'Date'), w: 12, v: (a: Activity) => shanghaiDate(a.startsAt) },
      { h: L('时间', 'Time'), w: 12, v: (a: Activity) => `${time(a.startsAt)}–${time(a.endsAt)}` },
      { h: L('标题', 'Title'), w: 30, v: (a: Activity) => a.title },
      { h: L('组织学校', 'Organiser'), w: 22, v: (a: Activity) => a.organizerSchoolName },
      {
        h: L('参与学校', 'Schools'),
        w: 30,
        v: (a: Activity) => a.schools.map((s) => s.name).join(lang === 'zh' ? '、' : ', '),
      },
      { h: L('教师人数', 'Teachers'), w: 10, v: (a: Activity) => a.teacherCount },
      { h: L('学生人数', 'Students'), w: 10, v: (a: Activity) => a.studentCount },
    ];
    const total = Math.max(1, data.activities.length);
    let written = 0;
    for (const kind of ACTIVITY_KINDS) {
      // sheet names: ≤ 31 characters and no '/'
      const sheet = wb.addWorksheet(
        kindLabel(kind)
          .replace(/[/\\?*[\]:]/g, '、')
          .slice(0, 31),
        { views: [{ state: 'frozen', ySplit: 1 }] },
      );
      const extra = detailColumns(kind, lang);
      sheet.columns = [
        ...common.map((c) => ({ header: c.h, width: c.w })),
        ...extra.map((c) => ({ header: lang === 'en' ? c.en : c.zh, width: 16 })),
        { header: L('佐证材料', 'Evidence files'), width: 10 },
        { header: L('说明', 'Description'), width: 40 },
      ];
      sheet.getRow(1).font = { bold: true };
      for (const a of data.activities.filter((x) => x.kind === kind)) {
        sheet.addRow([
          ...common.map((c) => c.v(a)),
          ...extra.map((c) => c.value(a.details, data.teacherName)),
          a.attachmentCount,
          a.description ?? '',
        ]);
        written += 1;
        onProgress?.(written / total);
      }
    }
    meetingsSheet(
      wb.addWorksheet(L('联席会议', 'Joint meetings'), { views: [{ state: 'frozen', ySplit: 1 }] }),
      data,
      lang,
    );
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  /**
   * The printable booklet: cover, contents, monthly chronicle, photos, compliance summary.
   * `onProgress` hears the share done (0…1): chronicle entries, then photos.
   */
  async pdf(data: ArchiveData, lang: Lang, onProgress?: (done: number) => void): Promise<Buffer> {
    const steps = Math.max(1, data.activities.length + data.photos.length);
    let stepsDone = 0;
    const step = () => onProgress?.((stepsDone += 1) / steps);
    const L = (zh: string, en: string) => (lang === 'en' ? en : zh);
    const kindLabel = labelOf(ACTIVITY_KIND_LABELS, lang);
    const doc = await createPdf({ title: `${data.communityName} ${data.periodLabel} ${L('工作档案', 'archive')}` });
    const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

    // cover
    doc.moveDown(8).font('cjk-bold').fontSize(26).text(data.communityName, { align: 'center' });
    doc.moveDown(1).fontSize(20).text(L('教共体工作档案', 'Community work archive'), { align: 'center' });
    doc.moveDown(1).font('cjk').fontSize(14).text(data.periodLabel, { align: 'center' });
    doc
      .moveDown(6)
      .fontSize(11)
      .fillColor('#555')
      .text(
        L(
          `共登记活动 ${data.activities.length} 项，照片 ${data.photos.length} 张`,
          `${data.activities.length} activities, ${data.photos.length} photos`,
        ),
        { align: 'center' },
      )
      .text(L(`生成日期：${shanghaiDate(new Date())}`, `Generated ${shanghaiDate(new Date())}`), { align: 'center' })
      .fillColor('black');

    // contents: written once the sections know their pages
    doc.addPage();
    const contentsPage = doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1;
    const sections: { title: string; page: number }[] = [];
    const section = (title: string) => {
      doc.addPage();
      sections.push({ title, page: doc.bufferedPageRange().count });
      doc.font('cjk-bold').fontSize(18).text(title).moveDown(0.5).font('cjk').fontSize(10.5);
    };

    section(L('一、活动概况', '1. Overview'));
    for (const kind of ACTIVITY_KINDS) {
      const of = data.activities.filter((a) => a.kind === kind);
      if (!of.length) continue;
      doc.text(
        L(
          `${kindLabel(kind)}：${of.length} 次，教师 ${sum(of, 'teacherCount')} 人次，学生 ${sum(of, 'studentCount')} 人次`,
          `${kindLabel(kind)}: ${of.length}, ${sum(of, 'teacherCount')} teacher-times, ${sum(of, 'studentCount')} student-times`,
        ),
      );
    }
    if (!data.activities.length) doc.text(L('本期没有登记活动。', 'No activities were logged in this period.'));

    section(L('二、月度纪事', '2. Monthly chronicle'));
    const months = [...new Set(data.activities.map((a) => shanghaiDate(a.startsAt).slice(0, 7)))];
    for (const m of months) {
      ensureSpace(doc, 60);
      doc
        .moveDown(0.5)
        .font('cjk-bold')
        .fontSize(13)
        .text(L(`${m.slice(0, 4)} 年 ${Number(m.slice(5))} 月`, m))
        .font('cjk')
        .fontSize(10.5);
      for (const a of data.activities.filter((x) => shanghaiDate(x.startsAt).startsWith(m))) {
        ensureSpace(doc, 40);
        doc
          .font('cjk-bold')
          .text(`${shanghaiDate(a.startsAt).slice(5)} ${time(a.startsAt)}  [${kindLabel(a.kind)}] ${a.title}`, {
            width,
          });
        doc
          .font('cjk')
          .fillColor('#333')
          .text(
            L(
              `组织：${a.organizerSchoolName}；参与：${a.schools.map((s) => s.name).join('、')}；教师 ${a.teacherCount} 人，学生 ${a.studentCount} 人${chronicleExtra(a, data.teacherName, lang)}`,
              `By ${a.organizerSchoolName}; schools: ${a.schools.map((s) => s.name).join(', ')}; ${a.teacherCount} teachers, ${a.studentCount} students${chronicleExtra(a, data.teacherName, lang)}`,
            ),
            { width, indent: 12 },
          );
        if (a.description) doc.text(a.description.slice(0, 300), { width, indent: 12 });
        doc.fillColor('black').moveDown(0.3);
        step();
      }
    }
    if (!months.length) doc.text(L('本期没有登记活动。', 'No activities were logged in this period.'));

    section(L('三、活动照片', '3. Photos'));
    await this.photoGrid(doc, data, L('本期没有上传照片。', 'No photos were uploaded in this period.'), step);

    section(L('四、计划完成情况', '4. Work-plan compliance'));
    if (!data.compliance.length) doc.text(L('本期没有制定工作计划。', 'No work plan for this period.'));
    for (const c of data.compliance) {
      doc
        .font('cjk-bold')
        .fontSize(12)
        .text(
          `${semesterLabel(c.semester, lang)}  ${L('完成率', 'completion')} ${(c.summary.rate * 100).toFixed(1)}%  (${c.summary.done}/${c.summary.targets})`,
        )
        .font('cjk')
        .fontSize(10.5);
      for (const r of c.rows) {
        ensureSpace(doc, 20);
        const scope = [
          r.schoolName,
          r.grade ? gradeName(r.grade, lang) : null,
          r.subject ? labelOf(SUBJECT_LABELS, lang)(r.subject) : null,
          r.month,
          r.cadence === 'monthly' ? L('每月', 'monthly') : null,
        ]
          .filter(Boolean)
          .join(' · ');
        const status = labelOf(COMPLIANCE_STATUS_LABELS, lang)(r.status);
        doc.text(
          `${kindLabel(r.kind)}${scope ? `（${scope}）` : ''}：${L('目标', 'target')} ${r.target}，${L('完成', 'done')} ${r.done}，${L('应完成', 'due')} ${r.due} —— ${status}`,
          { width },
        );
      }
      doc.moveDown(0.5);
    }

    section(L('五、联席会议', '5. Joint meetings'));
    if (!data.meetings.length) doc.text(L('本期没有召开联席会议。', 'No joint meetings in this period.'));
    for (const m of data.meetings) {
      ensureSpace(doc, 60);
      doc
        .font('cjk-bold')
        .fontSize(12)
        .text(
          `${shanghaiDate(m.startsAt)} ${time(m.startsAt)}  [${labelOf(MEETING_KIND_LABELS, lang)(m.kind)}] ${m.title}`,
          {
            width,
          },
        )
        .font('cjk')
        .fontSize(10.5)
        .fillColor('#333')
        .text(
          [m.place ? `${L('地点', 'Place')}：${m.place}` : null, `${L('纪要', 'Minutes')}：${minutesStatus(m, lang)}`]
            .filter(Boolean)
            .join(L('；', '; ')),
          { width, indent: 12 },
        );
      if (!m.actionItems.length) doc.text(L('无会议事项。', 'No action items.'), { width, indent: 12 });
      for (const i of m.actionItems) {
        ensureSpace(doc, 20);
        doc.text(
          `· ${i.title} —— ${L('负责人', 'owner')} ${i.ownerName}，${L('期限', 'due')} ${i.dueDate}，${labelOf(ACTION_ITEM_STATUS_LABELS, lang)(i.status)}`,
          { width, indent: 12 },
        );
      }
      doc.fillColor('black').moveDown(0.5);
    }

    // contents, now that every section has its page
    doc.switchToPage(contentsPage);
    doc
      .font('cjk-bold')
      .fontSize(18)
      .text(L('目录', 'Contents'), doc.page.margins.left, doc.page.margins.top)
      .moveDown(1)
      .font('cjk')
      .fontSize(12);
    for (const s of sections) doc.text(`${s.title} ${'.'.repeat(40)} ${s.page}`, { width });
    addPageNumbers(doc);
    return pdfToBuffer(doc);
  }

  private async photoGrid(doc: Pdf, data: ArchiveData, empty: string, step: () => void) {
    if (!data.photos.length) {
      doc.text(empty);
      return;
    }
    const cols = 3;
    const gap = 12;
    const cellW = (doc.page.width - doc.page.margins.left - doc.page.margins.right - gap * (cols - 1)) / cols;
    const cellH = cellW * 0.75;
    let i = 0;
    let y = doc.y;
    for (const p of data.photos) {
      const col = i % cols;
      if (col === 0 && i > 0) y += cellH + 40;
      if (y + cellH + 36 > doc.page.height - doc.page.margins.bottom) {
        doc.addPage();
        y = doc.page.margins.top;
      }
      const x = doc.page.margins.left + col * (cellW + gap);
      try {
        const buf = await streamToBuffer(await this.storage.get(p.thumbKey));
        doc.image(buf, x, y, { fit: [cellW, cellH], align: 'center', valign: 'center' });
      } catch {
        doc.rect(x, y, cellW, cellH).stroke('#ccc');
      }
      doc.fontSize(8.5).text(`${p.date} ${p.title}${p.caption ? ` · ${p.caption}` : ''}`, x, y + cellH + 4, {
        width: cellW,
        height: 30,
        ellipsis: true,
      });
      i += 1;
      step();
    }
    doc.x = doc.page.margins.left;
    doc.y = y + cellH + 40;
  }
}

/** The minutes' state in words: the latest revision's status, and the signed one when a later draft revises it. */
function minutesStatus(m: ArchivedMeeting, lang: Lang): string {
  const label = labelOf(MINUTES_STATUS_LABELS, lang);
  if (!m.minutes) return label('none');
  const latest =
    lang === 'en'
      ? `${label(m.minutes.status)} (revision ${m.minutes.revision})`
      : `${label(m.minutes.status)}（第 ${m.minutes.revision} 稿）`;
  if (!m.signedVersion) return latest;
  return lang === 'en'
    ? `${latest}; revision ${m.signedVersion.revision} ${label('locked')}`
    : `${latest}；第 ${m.signedVersion.revision} 稿${label('locked')}`;
}

/** The joint meetings sheet: one row per action item (a meeting without items has one row of its own). */
function meetingsSheet(sheet: Worksheet, data: ArchiveData, lang: Lang) {
  const L = (zh: string, en: string) => (lang === 'en' ? en : zh);
  sheet.columns = [
    { header: L('日期', 'Date'), width: 12 },
    { header: L('时间', 'Time'), width: 8 },
    { header: L('会议', 'Meeting'), width: 30 },
    { header: L('类型', 'Kind'), width: 10 },
    { header: L('地点', 'Place'), width: 20 },
    { header: L('纪要状态', 'Minutes'), width: 24 },
    { header: L('事项', 'Action item'), width: 30 },
    { header: L('负责人', 'Owner'), width: 16 },
    { header: L('期限', 'Due'), width: 12 },
    { header: L('状态', 'Status'), width: 10 },
  ];
  sheet.getRow(1).font = { bold: true };
  const itemStatus = labelOf(ACTION_ITEM_STATUS_LABELS, lang);
  for (const m of data.meetings) {
    const head = [
      shanghaiDate(m.startsAt),
      time(m.startsAt),
      m.title,
      labelOf(MEETING_KIND_LABELS, lang)(m.kind),
      m.place ?? '',
      minutesStatus(m, lang),
    ];
    if (!m.actionItems.length) sheet.addRow(head);
    for (const i of m.actionItems) sheet.addRow([...head, i.title, i.ownerName, i.dueDate, itemStatus(i.status)]);
  }
  if (!data.meetings.length) sheet.addRow([L('本期没有召开联席会议。', 'No joint meetings in this period.')]);
}

const sum = (xs: Activity[], k: 'teacherCount' | 'studentCount') => xs.reduce((s, a) => s + a[k], 0);

function ensureSpace(doc: Pdf, needed: number) {
  if (doc.y + needed > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function chronicleExtra(a: Activity, teacher: (id: unknown) => string, lang: Lang): string {
  const d = a.details;
  const kind: ActivityKind = a.kind;
  if (kind === 'sync_class')
    return lang === 'zh'
      ? `；主讲 ${teacher(d.hostTeacherId)}（${String(d.hostClass)}）`
      : `; host ${teacher(d.hostTeacherId)} (${String(d.hostClass)})`;
  if (kind === 'observation')
    return lang === 'zh'
      ? `；${teacher(d.observerTeacherId)} 听 ${teacher(d.observedTeacherId)} 的课`
      : `; ${teacher(d.observerTeacherId)} observed ${teacher(d.observedTeacherId)}`;
  return '';
}

async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
