import { createHash } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import type { SyncClassDetails } from '../../../shared/activities.schemas.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { publishRecording, recordingResourcesOf, type RecordingInput } from '../resources/index.js';
import * as repo from './activities.repo.js';
import { syncRecordings } from './activities.stats.js';

/** A recording of a class: its link (details.recordingUrl), or a video attached as evidence. */
export type RecordingSource =
  { url: string } | { file: { storageKey: string; fileName: string; mimeType: string; data: Buffer } };

/**
 * A recorded sync class (同步课堂实录) goes to the community's library by itself: with the class's
 * subject and grade, visible to the community, for the organising school, pointing back at the class.
 * Other kinds of activity, and classes without a recording, publish nothing (null). The resources
 * module keeps it to one resource per recording, so a retry or a re-attached file returns the first.
 */
export async function publishClassRecording(
  db: Db,
  storage: BlobStorage,
  caller: Caller | null,
  activityId: number,
  source: RecordingSource,
): Promise<number | null> {
  const a = await repo.findActivity(db, activityId);
  if (!a || a.kind !== 'sync_class') return null;
  const d = a.details as SyncClassDetails;
  const input: RecordingInput = {
    communityId: a.community_id,
    schoolId: a.organizer_school_id,
    title: a.title,
    subject: d.subject,
    grade: d.grade ?? null,
    activityId,
    ...('url' in source
      ? { url: source.url }
      : {
          file: {
            storageKey: source.file.storageKey,
            fileName: source.file.fileName,
            mimeType: source.file.mimeType,
            size: source.file.data.length,
            sha256: createHash('sha256').update(source.file.data).digest('hex'),
          },
        }),
  };
  return (await publishRecording(db, storage, caller, input)).id;
}

/**
 * The recording links of sync classes not yet in the library, published there (what the demo county
 * seeds, and a catch-up for classes recorded before the hand-off existed). Idempotent.
 */
export async function publishSyncRecordings(db: Db, opts: { communityId?: number } = {}): Promise<number> {
  let published = 0;
  // one read: update times are not unique (a bulk insert shares one), so paging by them could skip rows
  for (const r of await syncRecordings(db, { ...opts, limit: 100_000 })) {
    const res = await publishRecording(db, null, null, {
      communityId: r.communityId,
      schoolId: r.schoolId,
      title: r.title,
      subject: r.subject as RecordingInput['subject'],
      grade: r.grade ?? null,
      activityId: r.activityId,
      url: r.recordingUrl,
    }).catch(() => null); // a school that has left the community since: its recording stays with the class
    if (res?.created) published += 1;
  }
  return published;
}

/** The library resources published from a class's recordings, for its detail view. */
export async function libraryResourcesOf(db: Db, activityId: number): Promise<{ id: number; title: string }[]> {
  return (await recordingResourcesOf(db, [activityId])).map(({ id, title }) => ({ id, title }));
}
