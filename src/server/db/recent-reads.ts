import { writeGeneration, type Watched } from './write-watch.js';

interface Entry<V> {
  value: V;
  readAt: number;
  generation: number;
}

/**
 * What this process read a moment ago, trusted for `ttlMs` and only while no write of the kind it
 * depends on (`what`, write-watch.ts) has been sent since the read began: sessions
 * (auth.service.ts sessionForToken) and list totals (totals.ts keptTotal). Holds at most
 * `maxEntries`, dropping the oldest. `ttlMs` 0 keeps nothing.
 */
export class RecentReads<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly what: Watched,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value read for `key` less than ttlMs ago and before no later write, if any. */
  get(key: string, nowMs: number): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.generation !== writeGeneration(this.what) || nowMs - e.readAt >= this.ttlMs || nowMs < e.readAt) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /**
   * Keeps what was read for `key`, unless a write was sent since the read began (`readGeneration`,
   * writeGeneration taken before it): the read may have seen the state before that write.
   */
  set(key: string, value: V, nowMs: number, readGeneration: number): void {
    if (this.ttlMs <= 0 || readGeneration !== writeGeneration(this.what)) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, readAt: nowMs, generation: readGeneration });
  }
}
