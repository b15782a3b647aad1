import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ActivityInput } from '../../shared/activities.schemas';

/**
 * The device's store of records made offline (IndexedDB, one object store keyed by the record's
 * clientId). A record holds everything needed to send it later: the activity as the form built it,
 * its photos as blobs (already resized), and how far a sync got (`activityId`, each photo's `done`).
 */
export type StoredState = 'pending' | 'failed' | 'auth';

export interface QueuedPhoto {
  clientId: string;
  name: string;
  type: string;
  /** null once the server has it (the bytes are dropped to free the device's storage). */
  blob: Blob | null;
  done: boolean;
}

export interface QueuedRecord {
  clientId: string;
  /** Only the user who recorded it sends it (a shared phone). */
  userId: number;
  queuedAt: string;
  body: ActivityInput;
  /** Set once the server has created the activity: a resumed sync uploads the remaining photos. */
  activityId?: number;
  photos: QueuedPhoto[];
  state: StoredState;
  /** The server's refusal (state `failed`), in both languages. */
  reason?: { message: string; messageEn: string };
}

interface Schema extends DBSchema {
  records: { key: string; value: QueuedRecord; indexes: { byUser: number } };
}

let dbp: Promise<IDBPDatabase<Schema>> | null = null;

export function offlineDb() {
  dbp ??= openDB<Schema>('gongjin-offline', 1, {
    upgrade(db) {
      const store = db.createObjectStore('records', { keyPath: 'clientId' });
      store.createIndex('byUser', 'userId');
    },
  });
  return dbp;
}

/** The device ran out of storage for this record: nothing of it was stored, nothing else was lost. */
export class StorageFullError extends Error {
  constructor() {
    super('storage full');
    this.name = 'StorageFullError';
  }
}

export function isQuotaError(e: unknown): boolean {
  return (
    e instanceof DOMException &&
    (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED' || e.code === 22)
  );
}

/** Writes the record in one transaction: all of it is stored, or none of it. */
export async function putRecord(rec: QueuedRecord): Promise<void> {
  try {
    const db = await offlineDb();
    await db.put('records', rec);
  } catch (e) {
    if (isQuotaError(e) || (e instanceof Error && isQuotaError((e as { cause?: unknown }).cause))) {
      throw new StorageFullError();
    }
    throw e;
  }
}

export async function recordsOf(userId: number): Promise<QueuedRecord[]> {
  const db = await offlineDb();
  const all = await db.getAllFromIndex('records', 'byUser', userId);
  return all.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

export async function getRecord(clientId: string): Promise<QueuedRecord | undefined> {
  return (await offlineDb()).get('records', clientId);
}

export async function deleteRecord(clientId: string): Promise<void> {
  await (await offlineDb()).delete('records', clientId);
}
