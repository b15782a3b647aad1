import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ruleViolation, badRequest, unsupportedMediaType } from '../../http/errors.js';
import type { Attachment } from '../../../shared/meetings.schemas.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { recordAudit } from '../audit/index.js';
import { managedMeeting, notFound, readableMeeting } from './meetings.access.js';
import { toAttachment } from './meetings.mappers.js';

/** Types sniffed from the bytes (never trusted from the name): documents and photos of the meeting. */
const ALLOWED = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/msword',
  'application/x-cfb',
  'application/zip',
]);

/** Files of a meeting (sign-in sheet, photos, slides) through ctx.storage; keys are generated. */
export class AttachmentsService {
  constructor(
    private readonly db: Db,
    private readonly storage: BlobStorage,
  ) {}

  async upload(caller: Caller, meetingId: number, fileName: string, data: Buffer): Promise<Attachment> {
    await managedMeeting(this.db, caller.actor, meetingId);
    if (!data.length) throw badRequest('文件为空', 'The file is empty');
    const type = await fileTypeFromBuffer(data);
    if (!type || !ALLOWED.has(type.mime)) {
      throw unsupportedMediaType(
        `不支持的附件类型：${fileName}（可上传 PDF、图片、Word、Excel、PPT）`,
        `Unsupported attachment ${fileName} (PDF, images, Word, Excel or PowerPoint)`,
      );
    }
    const key = `meetings/${meetingId}/${randomUUID()}.${type.ext}`;
    const { size } = await this.storage.put(key, Readable.from(data));
    try {
      const id = await this.db.transaction().execute(async (tx) => {
        const row = await tx
          .insertInto('meeting_attachments')
          .values({
            meeting_id: meetingId,
            storage_key: key,
            file_name: fileName.slice(0, 200),
            content_type: type.mime,
            size,
            uploaded_by: caller.actor.userId,
            uploaded_by_name: caller.actor.displayName,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(tx, caller, {
          action: 'create',
          entity: 'meeting_attachment',
          entityId: row.id,
          after: { ...row },
        });
        return row.id;
      });
      const row = await this.db
        .selectFrom('meeting_attachments')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return toAttachment(row);
    } catch (e) {
      await this.storage.delete(key); // nothing half-written: no orphan file without its row
      throw e;
    }
  }

  async open(actor: Actor, meetingId: number, attachmentId: number) {
    await readableMeeting(this.db, actor, meetingId);
    const row = await this.db
      .selectFrom('meeting_attachments')
      .selectAll()
      .where('id', '=', attachmentId)
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    if (!row) throw notFound('附件', 'Attachment', attachmentId);
    return { row, stream: await this.storage.get(row.storage_key) };
  }

  async remove(caller: Caller, meetingId: number, attachmentId: number): Promise<void> {
    await managedMeeting(this.db, caller.actor, meetingId);
    const locked = await this.db
      .selectFrom('meeting_minutes_revisions')
      .select('id')
      .where('meeting_id', '=', meetingId)
      .where('status', '=', 'locked')
      .executeTakeFirst();
    if (locked)
      throw ruleViolation(
        409,
        '纪要已会签锁定，附件作为存档不能删除',
        'The minutes are signed and locked; their attachments are archived and cannot be deleted',
      );
    const row = await this.db.transaction().execute(async (tx) => {
      const before = await tx
        .deleteFrom('meeting_attachments')
        .where('id', '=', attachmentId)
        .where('meeting_id', '=', meetingId)
        .returningAll()
        .executeTakeFirst();
      if (!before) throw notFound('附件', 'Attachment', attachmentId);
      await recordAudit(tx, caller, { action: 'delete', entity: 'meeting_attachment', entityId: attachmentId, before });
      return before;
    });
    await this.storage.delete(row.storage_key); // after commit: a failed delete leaves a file, never a dangling row
  }
}
