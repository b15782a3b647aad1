import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import type { Attachment } from '../../../shared/activities.schemas.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { recordAudit } from '../audit/index.js';
import { notFound, outOfScope } from './activities.errors.js';
import { toAttachments } from './activities.mappers.js';
import { activitiesPolicy } from './activities.policy.js';
import * as repo from './activities.repo.js';
import { discard, inspectFile, storeFile } from './evidence.files.js';
import { publishClassRecording } from './recordings.js';

export interface Upload {
  fileName: string;
  data: Buffer;
  caption: string | null;
  /** device-generated id of an offline upload */
  clientId?: string | null;
}

/** Evidence attached to activities. A correction is a new version; nothing is overwritten. */
export class EvidenceService {
  constructor(
    private readonly db: Db,
    private readonly storage: BlobStorage,
  ) {}

  private async activityFor(actor: Actor, activityId: number, write: boolean) {
    const a = await repo.findActivity(this.db, activityId);
    if (!a) throw notFound('activity', activityId);
    const c = await repo.communityAccess(this.db, actor, a.community_id);
    if (!c || !activitiesPolicy.read(actor, c)) throw outOfScope('activity');
    if (
      write &&
      !activitiesPolicy.attach(actor, c, {
        organizerSchoolId: a.organizer_school_id,
        schoolIds: a.school_ids,
        createdBy: a.created_by,
      })
    ) {
      throw outOfScope('activity');
    }
    return a;
  }

  /** Checks the caller may attach before the body is read (no file is stored for a refused upload). */
  async assertCanAttach(actor: Actor, activityId: number) {
    await this.activityFor(actor, activityId, true);
  }

  /** The attachment this user already uploaded to the activity with this device id, if any. */
  async findByClientId(actor: Actor, activityId: number, clientId: string | undefined): Promise<Attachment | null> {
    if (!clientId) return null;
    const row = await this.db
      .selectFrom('activity_attachments')
      .select('id')
      .where('activity_id', '=', activityId)
      .where('uploaded_by', '=', actor.userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) return null;
    const all = toAttachments(await repo.attachmentsOf(this.db, [activityId]));
    return all.find((a) => a.id === row.id) ?? null;
  }

  async add(caller: Caller, activityId: number, upload: Upload, correctsId?: number): Promise<Attachment> {
    await this.activityFor(caller.actor, activityId, true);
    let groupId: string = randomUUID();
    let version = 1;
    if (correctsId !== undefined) {
      const prev = await this.db
        .selectFrom('activity_attachments')
        .selectAll()
        .where('id', '=', correctsId)
        .where('activity_id', '=', activityId)
        .executeTakeFirst();
      if (!prev) throw notFound('attachment', correctsId);
      groupId = prev.group_id;
    }
    const inspected = await inspectFile(upload.data, upload.fileName);
    const stored = await storeFile(this.storage, `activities/${activityId}`, upload.data, inspected);
    try {
      await this.db.transaction().execute(async (tx) => {
        if (correctsId !== undefined) {
          const top = await tx
            .selectFrom('activity_attachments')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('group_id', '=', groupId)
            .executeTakeFirstOrThrow();
          version = Number(top.v) + 1;
        }
        const row = await tx
          .insertInto('activity_attachments')
          .values({
            activity_id: activityId,
            group_id: groupId,
            version,
            category: inspected.category,
            file_key: stored.fileKey,
            thumb_key: stored.thumbKey,
            file_name: upload.fileName.slice(-200),
            mime_type: inspected.mime,
            size_bytes: upload.data.length,
            caption: upload.caption,
            uploaded_by: caller.actor.userId,
            client_id: upload.clientId ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(tx, caller, {
          action: correctsId !== undefined ? 'new_version' : 'create',
          entity: 'activity_attachment',
          entityId: row.id,
          after: row,
        });
      });
    } catch (e) {
      // nothing half-written: the files go when the row could not be recorded
      await discard(this.storage, stored);
      throw e;
    }
    if (inspected.category === 'video') {
      // a recorded sync class goes to the library by itself; the evidence is kept whatever happens there
      await publishClassRecording(this.db, this.storage, caller, activityId, {
        file: { storageKey: stored.fileKey, fileName: upload.fileName, mimeType: inspected.mime, data: upload.data },
      }).catch((e: unknown) =>
        process.emitWarning(`activity ${activityId}: the recording was not published to the library: ${String(e)}`),
      );
    }
    const all = toAttachments(await repo.attachmentsOf(this.db, [activityId]));
    return all.find((a) => a.groupId === groupId)!;
  }

  /** The stored file (or its thumbnail) of any version the caller may read. */
  async open(
    actor: Actor,
    attachmentId: number,
    thumb: boolean,
  ): Promise<{ stream: Readable; mime: string; fileName: string; size: number | null }> {
    const row = await this.db
      .selectFrom('activity_attachments')
      .selectAll()
      .where('id', '=', attachmentId)
      .executeTakeFirst();
    if (!row) throw notFound('attachment', attachmentId);
    await this.activityFor(actor, row.activity_id, false);
    const key = thumb ? row.thumb_key : row.file_key;
    if (!key) throw notFound('attachment', `${attachmentId}/thumb`);
    const stat = await this.storage.stat(key);
    if (!stat) throw notFound('attachment', attachmentId);
    return {
      stream: await this.storage.get(key),
      mime: thumb ? 'image/jpeg' : row.mime_type,
      fileName: row.file_name,
      size: stat.size,
    };
  }
}
