import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { JobKind } from '../../contracts/job.js';
import type { Db } from '../../db/connection.js';
import { once } from '../../lazy.js';
import type { BlobStorage } from '../../storage/blob-storage.js';

// sharp is loaded with the first thumbnail, not at start-up
const sharpLib = once(async () => (await import('sharp')).default);

/** Thumbnails fit a 320 px box: big enough for a card, small enough for a list of fifty. */
export const THUMB_BOX = 320;
export const THUMB_MIME = 'image/webp';

/** The image types a thumbnail is made of (what the library accepts as images; sharp reads them all). */
const THUMBNAILABLE: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
export const isThumbnailable = (mime: string | null | undefined): boolean => !!mime && THUMBNAILABLE.has(mime);

/** The thumbnail of an image: its EXIF orientation applied, first frame of a GIF, WebP. */
export async function renderThumbnail(image: Readable): Promise<Buffer> {
  const sharp = await sharpLib();
  const pipeline = sharp({ failOn: 'error' })
    .rotate()
    .resize({ width: THUMB_BOX, height: THUMB_BOX, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 });
  image.on('error', (e) => pipeline.destroy(e));
  return image.pipe(pipeline).toBuffer();
}

export type ThumbnailOutcome = 'made' | 'exists' | 'gone' | 'not_image' | 'undecodable';

/**
 * Makes and records the thumbnail of one version. Idempotent: a version that has one, is gone, or
 * is no image is left alone; a file sharp cannot decode is an answer, not a failure (a retry would
 * fail the same way). Storage errors throw, so the queue retries.
 */
export async function makeVersionThumbnail(db: Db, storage: BlobStorage, versionId: number): Promise<ThumbnailOutcome> {
  const v = await db
    .selectFrom('resource_versions')
    .select(['storage_key', 'mime_type', 'thumb_key'])
    .where('id', '=', versionId)
    .executeTakeFirst();
  if (!v) return 'gone';
  if (v.thumb_key) return 'exists';
  if (!v.storage_key || !isThumbnailable(v.mime_type)) return 'not_image';
  let thumb: Buffer;
  try {
    thumb = await renderThumbnail(await storage.get(v.storage_key));
  } catch (e) {
    // the original vanished from storage: nothing to retry either
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    if (await storage.stat(v.storage_key)) return 'undecodable';
    return 'gone';
  }
  const key = `resources/thumbs/${versionId}-${randomUUID()}.webp`;
  await storage.put(key, Readable.from(thumb));
  // only if nobody recorded one meanwhile and the version still exists; otherwise ours is an orphan
  const r = await db
    .updateTable('resource_versions')
    .set({ thumb_key: key })
    .where('id', '=', versionId)
    .where('thumb_key', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    await storage.delete(key).catch(() => undefined);
    return 'exists';
  }
  return 'made';
}

/** Queued when an image is published or added as a version (in the same transaction). */
export const thumbnailJob: JobKind<{ versionId: number }> = {
  name: 'resources.thumbnail',
  payload: z.object({ versionId: z.number().int().positive() }),
  timeoutSeconds: 120,
  async run({ versionId }, { db, storage }) {
    return { versionId, outcome: await makeVersionThumbnail(db, storage, versionId) };
  },
};
