import { writeGeneration } from '../../db/write-watch.js';

/**
 * Sessions read a moment ago, so that the requests a page fires at once (a list, its filters, the
 * notifications badge) share one lookup instead of one round trip each: under fifty connections
 * the lookup cost a third of a millisecond of server time per request, half of what /api/health
 * costs whole. A session is trusted from memory for at most `ttlMs` (GONGJIN_READ_CACHE_MS,
 * 2 s by default; 0 turns the cache off). Within this process every write that can end or change
 * a session — a sign-out, a revoked session, a disabled user, a new role or scope, a password to
 * change — empties the cache as it is sent and again once committed (db/write-watch.ts), so the
 * next request reads the database; another instance sees the change within `ttlMs`.
 */

/** The generation of session writes now: take it before a read, hand it to set() after. */
export const sessionGeneration = () => writeGeneration('sessions');

interface Entry<V> {
  value: V;
  readAt: number;
  generation: number;
}

export class SessionCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value read for `key` less than ttlMs ago and since the last session write, if any. */
  get(key: string, nowMs: number): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.generation !== sessionGeneration() || nowMs - e.readAt >= this.ttlMs || nowMs < e.readAt) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /**
   * Keeps what was read for `key`, unless a session write was sent since the read began
   * (`readGeneration`, taken before it): the read may have seen the state before that write.
   */
  set(key: string, value: V, nowMs: number, readGeneration: number): void {
    if (this.ttlMs <= 0 || readGeneration !== sessionGeneration()) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, readAt: nowMs, generation: readGeneration });
  }
}
