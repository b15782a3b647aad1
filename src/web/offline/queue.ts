import type { ActivityDetail, ActivityInput, Attachment } from '../../shared/activities.schemas';
import { api, ApiError } from '../api/client';
import { deleteRecord, getRecord, putRecord, recordsOf, type QueuedRecord } from './db';
import { newClientId, type PreparedFile } from './photos';

/**
 * The offline queue: records made without a connection, sent when it returns.
 *
 * A sync sends each record in steps, each idempotent on the server by its device id: create the
 * activity (`clientId`), then each photo (its own `clientId`), then the record leaves the queue.
 * Progress is written after every step, so a sync cut off midway resumes where it stopped and a
 * step repeated after a lost answer gets the first result back (200), never a duplicate.
 *
 * - no connection / 5xx / 409 `conflict` (two retries raced): the record stays 待同步, tried again later;
 * - 401: the session expired — the queue is kept and the user is asked to sign in;
 * - any other refusal (4xx): the record stays, marked 同步失败 with the server's reason, until the
 *   user retries or deletes it. Nothing is dropped silently.
 */
export type RecordState = QueuedRecord['state'] | 'syncing';

export interface QueueView {
  userId: number | null;
  records: (QueuedRecord & { view: RecordState })[];
  /** The last sync stopped on a 401. */
  needLogin: boolean;
  syncing: boolean;
}

let view: QueueView = { userId: null, records: [], needLogin: false, syncing: false };
const listeners = new Set<() => void>();
let active: string | null = null;

export function subscribe(fn: () => void) {
  listeners.add(fn);
  return () => void listeners.delete(fn);
}
export const snapshot = () => view;

/** Re-reads the signed-in user's records from the device. */
export async function refresh(userId: number | null = view.userId): Promise<void> {
  const records = userId === null ? [] : await recordsOf(userId);
  view = {
    ...view,
    userId,
    records: records.map((r) => ({ ...r, view: r.clientId === active ? 'syncing' : r.state })),
    needLogin: records.some((r) => r.state === 'auth'),
  };
  for (const fn of listeners) fn();
}

/** Stores a record on the device (all of it or nothing: StorageFullError when the device is full). */
export async function enqueue(
  userId: number,
  clientId: string,
  body: ActivityInput,
  files: (PreparedFile & { clientId?: string })[],
  activityId?: number,
): Promise<void> {
  await putRecord({
    clientId,
    userId,
    queuedAt: new Date().toISOString(),
    body,
    ...(activityId ? { activityId } : {}),
    photos: files.map((f) => ({
      clientId: f.clientId ?? newClientId(),
      name: f.name,
      type: f.type,
      blob: f.blob,
      done: false,
    })),
    state: 'pending',
  });
  await refresh(userId);
}

export async function removeRecord(clientId: string) {
  await deleteRecord(clientId);
  await refresh();
}

/** 重试: a refused record goes back to 待同步 and the queue is sent. */
export async function retryRecord(clientId: string) {
  const rec = await getRecord(clientId);
  if (!rec) return;
  const { reason: _reason, ...rest } = rec;
  await putRecord({ ...rest, state: 'pending' });
  await refresh();
  return syncQueue();
}

export function isNetworkError(e: unknown) {
  return e instanceof ApiError && e.status === 0;
}

/** Try again later: no connection, a server error, or two retries racing on the unique index. */
function transient(e: unknown) {
  if (!(e instanceof ApiError)) return false;
  return e.status === 0 || e.status >= 500 || e.status === 408 || e.status === 429 || e.code === 'conflict';
}

function reasonOf(e: unknown): { message: string; messageEn: string } {
  if (e instanceof ApiError) {
    const details = e.body.details;
    const zh = [e.body.message, ...details.map((d) => d.message)].filter(Boolean).join('：');
    const en = [e.body.messageEn, ...details.map((d) => d.messageEn)].filter(Boolean).join(': ');
    return { message: zh, messageEn: en };
  }
  const m = e instanceof Error ? e.message : String(e);
  return { message: m, messageEn: m };
}

/** One record, step by step; progress is stored after each step. */
async function send(rec: QueuedRecord): Promise<void> {
  if (!rec.activityId) {
    const a = await api<ActivityDetail>('/activities', {
      method: 'POST',
      body: { ...rec.body, clientId: rec.clientId },
      quiet401: true,
    });
    rec = { ...rec, activityId: a.id };
    await putRecord(rec);
  }
  for (const [i, p] of rec.photos.entries()) {
    if (p.done || !p.blob) continue;
    const form = new FormData();
    form.append('file', new File([p.blob], p.name, { type: p.type }), p.name);
    await api<Attachment>(`/activities/${rec.activityId}/attachments`, {
      method: 'POST',
      body: form,
      query: { clientId: p.clientId },
      quiet401: true,
    });
    const photos = rec.photos.slice();
    photos[i] = { ...p, blob: null, done: true };
    rec = { ...rec, photos };
    await putRecord(rec);
  }
  await deleteRecord(rec.clientId);
}

let running: Promise<number> | null = null;

/**
 * Sends the signed-in user's queue (one sync at a time; a call during a sync waits for it).
 * Returns how many records reached the server.
 */
export function syncQueue(): Promise<number> {
  running ??= sendAll().finally(() => {
    running = null;
  });
  return running;
}

async function sendAll(): Promise<number> {
  {
    const userId = view.userId;
    if (userId === null) return 0;
    let sent = 0;
    view = { ...view, syncing: true };
    try {
      for (const rec of await recordsOf(userId)) {
        if (rec.state === 'failed') continue;
        active = rec.clientId;
        await refresh(userId);
        try {
          await send(rec);
          sent++;
        } catch (e) {
          const now = (await getRecord(rec.clientId)) ?? rec;
          if (e instanceof ApiError && e.status === 401) {
            await putRecord({ ...now, state: 'auth' });
            break; // every other record would meet the same answer
          }
          if (transient(e)) {
            if (isNetworkError(e)) break; // offline again: the rest waits too
            continue;
          }
          await putRecord({ ...now, state: 'failed', reason: reasonOf(e) });
        }
      }
    } finally {
      active = null;
      view = { ...view, syncing: false };
      await refresh(userId);
    }
    return sent;
  }
}

/** Records that stopped on a 401 go back to 待同步 once the user is signed in again. */
export async function resumeAfterLogin(userId: number) {
  for (const rec of await recordsOf(userId)) {
    if (rec.state === 'auth') await putRecord({ ...rec, state: 'pending' });
  }
  await refresh(userId);
}

/** The API answers the service worker cached for offline use: forgotten when the user signs out. */
export const API_CACHE = 'gongjin-api';
export async function clearApiCache() {
  if (typeof caches !== 'undefined') await caches.delete(API_CACHE).catch(() => false);
}
