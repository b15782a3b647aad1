/** A small seeded PRNG (mulberry32) with the helpers the demo generator needs. Deterministic for a seed. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return (entries[entries.length - 1] as [K, number])[0];
  }

  /** Roughly normal (sum of three uniforms), clamped to [min, max]. */
  normal(mean: number, sd: number, min = -Infinity, max = Infinity): number {
    const z = (this.next() + this.next() + this.next() - 1.5) * 2; // sd ≈ 1
    return Math.min(max, Math.max(min, mean + z * sd));
  }

  /** A derived generator, so one part of the data does not shift when another part changes. */
  fork(salt: number): Random {
    return new Random((Math.imul(this.state ^ salt, 2654435761) + salt) >>> 0);
  }
}

/** Splits `total` into integers proportional to `weights` that sum exactly to `total` (largest remainder). */
export function apportion<K extends string>(total: number, weights: Readonly<Record<K, number>>): Record<K, number> {
  const keys = Object.keys(weights) as K[];
  const sum = keys.reduce((s, k) => s + Math.max(0, weights[k]), 0);
  const out = {} as Record<K, number>;
  if (sum <= 0 || total <= 0) {
    for (const k of keys) out[k] = 0;
    if (total > 0 && keys[0] !== undefined) out[keys[0]] = total;
    return out;
  }
  const exact = keys.map((k) => ({ k, v: (total * Math.max(0, weights[k])) / sum }));
  let given = 0;
  for (const e of exact) {
    out[e.k] = Math.floor(e.v);
    given += out[e.k];
  }
  exact.sort((a, b) => b.v - Math.floor(b.v) - (a.v - Math.floor(a.v)));
  for (let i = 0; given < total; i++, given++) {
    const e = exact[i % exact.length] as { k: K };
    out[e.k] += 1;
  }
  return out;
}
