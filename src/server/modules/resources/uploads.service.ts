import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { fileTypeFromBuffer } from 'file-type';
import type { Db } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import { AppError, ForbiddenError, ruleViolation, payloadTooLarge, badRequest } from '../../http/errors.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { MAX_CHUNK_BYTES } from '../../../shared/resources.enums.js';
import type { Upload, UploadInput } from '../../../shared/resources.schemas.js';
import { recordAudit } from '../audit/index.js';
import { fileProblem, notFound } from './resources.errors.js';
import { checkContent, checkDeclared, checkFileName } from './resources.files.js';
import { resourcesPolicy } from './resources.policy.js';
import type { ResourceUploadRow } from './resources.tables.js';

/** file-type reads at most this many bytes to recognise a format. */
const HEAD_BYTES = 4100;
/** Unfinished uploads older than this are removed when their owner starts a new one. */
const STALE_HOURS = 24;

function toUpload(u: ResourceUploadRow): Upload {
  return {
    id: u.id,
    fileName: u.file_name,
    size: Number(u.size),
    mimeType: u.mime_type,
    receivedBytes: Number(u.received_bytes),
    status: u.status as Upload['status'],
    chunkBytes: MAX_CHUNK_BYTES,
    createdAt: u.created_at,
  };
}

/** Counts bytes as they stream by and fails the stream once it passes `limit`. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly onExceed: () => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) cb(this.onExceed());
    else cb(null, chunk);
  }
}

async function readHead(storage: BlobStorage, key: string, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of await storage.get(key, { start: 0, end: Math.min(size, HEAD_BYTES) - 1 }))
    parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/**
 * Chunked, resumable uploads. POST creates an upload; PUT …/chunks?offset=N appends the next
 * chunk (the body streams straight into storage, never into memory); complete assembles the
 * chunks into one file, checks its magic bytes against the declared type and hashes it. All state
 * is in resource_uploads, so any instance can take any chunk, and a client that lost its
 * connection asks for `receivedBytes` and continues from there.
 */
export class UploadsService {
  constructor(
    private readonly db: Db,
    private readonly storage: BlobStorage,
  ) {}

  private async own(caller: Caller, id: string): Promise<ResourceUploadRow> {
    const u = await this.db.selectFrom('resource_uploads').selectAll().where('id', '=', id).executeTakeFirst();
    // another user's upload does not exist as far as this caller can tell
    if (!u || u.user_id !== caller.actor.userId) throw notFound('upload', id);
    return u;
  }

  async create(caller: Caller, input: UploadInput): Promise<Upload> {
    if (!resourcesPolicy.rate(caller.actor)) throw new ForbiddenError();
    const problem = checkFileName(input.fileName) ?? checkDeclared(input.mimeType, input.fileName, input.size);
    if (problem)
      throw fileProblem(
        problem.code === 'bad_file_name'
          ? 'body.fileName'
          : problem.code === 'file_too_large'
            ? 'body.size'
            : 'body.mimeType',
        problem,
      );
    await this.removeStale(caller.actor.userId);
    const row = await this.db.transaction().execute(async (tx) => {
      const u = await tx
        .insertInto('resource_uploads')
        .values({
          id: randomUUID(),
          user_id: caller.actor.userId,
          file_name: input.fileName,
          mime_type: input.mimeType,
          size: input.size,
          storage_key: null,
          sha256: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'resource_upload',
        entityId: u.id,
        after: { fileName: u.file_name, size: input.size, mimeType: u.mime_type },
      });
      return u;
    });
    return toUpload(row);
  }

  async get(caller: Caller, id: string): Promise<Upload> {
    return toUpload(await this.own(caller, id));
  }

  async putChunk(caller: Caller, id: string, offset: number, body: Readable): Promise<Upload> {
    const u = await this.own(caller, id);
    if (u.status !== 'open')
      throw ruleViolation(
        409,
        `上传已${u.status === 'failed' ? '失败' : '完成'}，不能再追加数据`,
        `This upload is ${u.status}; no more data can be added`,
      );
    const received = Number(u.received_bytes);
    if (offset !== received) {
      // the client resumes from receivedBytes (e.g. after a dropped connection or a duplicate chunk)
      throw ruleViolation(
        409,
        `偏移量应为 ${received}（已接收 ${received} 字节），收到 ${offset}`,
        `Expected offset ${received} (bytes received so far), got ${offset}`,
      );
    }
    const room = Math.min(MAX_CHUNK_BYTES, Number(u.size) - received);
    const tooBig = () =>
      room < MAX_CHUNK_BYTES
        ? payloadTooLarge(
            `数据超过声明的文件大小 ${u.size} 字节`,
            `More data than the declared size of ${u.size} bytes`,
          )
        : payloadTooLarge(
            `每块最多 ${MAX_CHUNK_BYTES / 1048576} MB`,
            `A chunk may carry at most ${MAX_CHUNK_BYTES / 1048576} MB`,
          );
    const limit = new ByteLimit(room, tooBig);
    const key = `uploads/${id}/${String(offset).padStart(12, '0')}-${randomUUID().slice(0, 8)}`;
    // pipeline forwards errors both ways (a dropped connection, a chunk over the limit); the
    // failure surfaces through storage.put below, so this promise's own rejection is not needed
    pipeline(body, limit).catch(() => undefined);
    try {
      await this.storage.put(key, limit);
    } catch (e) {
      await this.storage.delete(key).catch(() => undefined);
      if (e instanceof AppError) throw e;
      throw badRequest('上传中断，请从已接收的位置继续', 'The upload was interrupted; resume from the bytes received');
    }
    const bytes = limit.bytes;
    if (bytes === 0) {
      await this.storage.delete(key);
      throw badRequest('分块为空', 'The chunk is empty');
    }
    if (offset === 0) {
      // refuse a mislabelled file at its first chunk rather than after gigabytes
      const head = await readHead(this.storage, key, bytes);
      const problem = checkContent(u.mime_type, (await fileTypeFromBuffer(head))?.mime, head);
      if (problem && (head.length >= HEAD_BYTES || bytes === Number(u.size))) {
        await this.storage.delete(key);
        await this.fail(id);
        throw fileProblem('body', problem);
      }
    }
    const updated = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('resource_uploads')
        .set({
          received_bytes: sql`received_bytes + ${bytes}`,
          chunk_count: sql`chunk_count + 1`,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .where('received_bytes', '=', offset)
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      await tx
        .insertInto('resource_upload_chunks')
        .values({ upload_id: id, idx: row.chunk_count - 1, byte_offset: offset, bytes, storage_key: key })
        .execute();
      return row;
    });
    if (!updated) {
      // another request appended the same offset first
      await this.storage.delete(key);
      const now = await this.own(caller, id);
      throw ruleViolation(409, `偏移量应为 ${now.received_bytes}`, `Expected offset ${now.received_bytes}`);
    }
    return toUpload(updated);
  }

  /** Assembles the chunks into the final file, checks its type, and makes it usable by a resource. */
  async complete(caller: Caller, id: string): Promise<Upload> {
    const u = await this.own(caller, id);
    if (u.status === 'complete' && u.storage_key) return toUpload(u);
    if (u.status !== 'open')
      throw ruleViolation(
        409,
        `上传状态为“${u.status}”，不能完成`,
        `This upload is ${u.status} and cannot be completed`,
      );
    if (Number(u.received_bytes) !== Number(u.size)) {
      throw ruleViolation(
        409,
        `文件尚未传完（${u.received_bytes}/${u.size} 字节）`,
        `The file is incomplete (${u.received_bytes}/${u.size} bytes)`,
      );
    }
    // claim the upload, so two completes cannot assemble it twice
    const claimed = await this.db
      .updateTable('resource_uploads')
      .set({ status: 'complete', updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returning('id')
      .executeTakeFirst();
    if (!claimed) return this.get(caller, id);
    const chunks = await this.db
      .selectFrom('resource_upload_chunks')
      .selectAll()
      .where('upload_id', '=', id)
      .orderBy('idx')
      .execute();
    const now = new Date();
    const key = `resources/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomUUID()}`;
    const hash = createHash('sha256');
    const storage = this.storage;
    async function* assembled() {
      for (const c of chunks) {
        for await (const part of await storage.get(c.storage_key)) {
          hash.update(part as Buffer);
          yield part as Buffer;
        }
      }
    }
    try {
      const { size } = await storage.put(key, Readable.from(assembled()));
      if (size !== Number(u.size)) throw new Error(`assembled ${size} of ${u.size} bytes`);
      const head = await readHead(storage, key, size);
      const problem = checkContent(u.mime_type, (await fileTypeFromBuffer(head))?.mime, head);
      if (problem) {
        await storage.delete(key);
        await this.fail(id);
        throw fileProblem('body', problem);
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      await storage.delete(key).catch(() => undefined);
      await this.db.updateTable('resource_uploads').set({ status: 'open' }).where('id', '=', id).execute();
      throw e;
    }
    const row = await this.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('resource_uploads')
        .set({ storage_key: key, sha256: hash.digest('hex'), updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx.deleteFrom('resource_upload_chunks').where('upload_id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'complete',
        entity: 'resource_upload',
        entityId: id,
        after: { size: Number(r.size), sha256: r.sha256 },
      });
      return r;
    });
    for (const c of chunks) await storage.delete(c.storage_key).catch(() => undefined);
    return toUpload(row);
  }

  /** Marks an upload failed and removes whatever of it was stored: nothing half-written remains. */
  private async fail(id: string) {
    const chunks = await this.db
      .selectFrom('resource_upload_chunks')
      .select('storage_key')
      .where('upload_id', '=', id)
      .execute();
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('resource_upload_chunks').where('upload_id', '=', id).execute();
      await tx
        .updateTable('resource_uploads')
        .set({ status: 'failed', updated_at: new Date().toISOString() })
        .where('id', '=', id)
        .execute();
    });
    for (const c of chunks) await this.storage.delete(c.storage_key).catch(() => undefined);
  }

  private async removeStale(userId: number) {
    const stale = await this.db
      .selectFrom('resource_uploads')
      .select(['id', 'storage_key'])
      .where('user_id', '=', userId)
      .where('status', '<>', 'used')
      .where('created_at', '<', sql<string>`now() - make_interval(hours => ${STALE_HOURS})`)
      .execute();
    for (const s of stale) {
      const chunks = await this.db
        .selectFrom('resource_upload_chunks')
        .select('storage_key')
        .where('upload_id', '=', s.id)
        .execute();
      await this.db.deleteFrom('resource_uploads').where('id', '=', s.id).execute();
      for (const c of chunks) await this.storage.delete(c.storage_key).catch(() => undefined);
      if (s.storage_key) await this.storage.delete(s.storage_key).catch(() => undefined);
    }
  }
}

/** A finished upload of the caller, ready to become a resource version (consumed in the caller's transaction). */
export async function takeUpload(tx: Db, caller: Caller, uploadId: string) {
  const u = await tx.selectFrom('resource_uploads').selectAll().where('id', '=', uploadId).executeTakeFirst();
  if (!u || u.user_id !== caller.actor.userId) throw notFound('upload', uploadId);
  if (u.status !== 'complete' || !u.storage_key) {
    throw ruleViolation(
      409,
      `上传“${u.file_name}”${u.status === 'used' ? '已被使用' : '尚未完成'}`,
      `Upload "${u.file_name}" is ${u.status === 'used' ? 'already used' : 'not complete'}`,
    );
  }
  const claimed = await tx
    .updateTable('resource_uploads')
    .set({ status: 'used', updated_at: new Date().toISOString() })
    .where('id', '=', uploadId)
    .where('status', '=', 'complete')
    .returning('id')
    .executeTakeFirst();
  if (!claimed) throw ruleViolation(409, `上传“${u.file_name}”已被使用`, `Upload "${u.file_name}" is already used`);
  return {
    storage_key: u.storage_key,
    file_name: u.file_name,
    mime_type: u.mime_type,
    size_bytes: Number(u.size),
    sha256: u.sha256,
  };
}
