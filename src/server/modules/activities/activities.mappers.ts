import type { z } from 'zod';
import type { Activity, ActivityKind, Attachment } from '../../../shared/activities.schemas.js';
import { describeIssue } from '../../../shared/validation.js';
import { fieldIssue, type FieldIssue } from '../../http/errors.js';
import type { ActivityWithExtras, AttachmentWithUploader } from './activities.repo.js';

export function toActivity(r: ActivityWithExtras, canEdit: boolean): Activity {
  return {
    id: r.id,
    communityId: r.community_id,
    communityName: r.community_name,
    organizerSchoolId: r.organizer_school_id,
    organizerSchoolName: r.organizer_name,
    schools: r.schools,
    kind: r.kind as ActivityKind,
    title: r.title,
    description: r.description,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    semester: r.semester,
    teacherCount: r.teacher_count,
    studentCount: r.student_count,
    details: r.details,
    createdBy: r.created_by,
    createdByName: r.created_by_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    attachmentCount: Number(r.attachment_count),
    canEdit,
  };
}

/** Groups versions (newest first per group) into current attachments with their history. */
export function toAttachments(rows: AttachmentWithUploader[]): Attachment[] {
  const groups = new Map<string, AttachmentWithUploader[]>();
  for (const r of rows) groups.set(r.group_id, [...(groups.get(r.group_id) ?? []), r]);
  const out: Attachment[] = [];
  for (const versions of groups.values()) {
    versions.sort((a, b) => b.version - a.version);
    const [cur, ...older] = versions as [AttachmentWithUploader, ...AttachmentWithUploader[]];
    out.push({
      id: cur.id,
      groupId: cur.group_id,
      version: cur.version,
      category: cur.category as 'photo' | 'document' | 'video',
      fileName: cur.file_name,
      mimeType: cur.mime_type,
      sizeBytes: cur.size_bytes,
      hasThumbnail: !!cur.thumb_key,
      caption: cur.caption,
      uploadedBy: cur.uploader,
      uploadedAt: cur.uploaded_at,
      history: older.map((o) => ({
        id: o.id,
        version: o.version,
        fileName: o.file_name,
        sizeBytes: o.size_bytes,
        uploadedAt: o.uploaded_at,
      })),
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** A zod error on a nested object as field issues under `prefix` (e.g. body.details). */
export function zodIssues(prefix: string, error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => {
    const text = describeIssue(i);
    return fieldIssue([prefix, ...i.path.map(String)].join('.'), i.code, text.zh, text.en);
  });
}
