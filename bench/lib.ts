import type { Kysely } from 'kysely';
import type { Database } from '../src/server/db/database.js';
import { SESSION_COOKIE } from '../src/server/modules/auth/auth.service.js';
import type { FastifyInstance } from 'fastify';
import type { Db, DbHandle } from '../src/server/db/connection.js';
import type { DemoSummary } from '../src/server/demo/demo.service.js';

/** One measured figure. `target` and `pass` are absent for figures that are only reported. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: 'ms' | 's' | 'MB' | 'rows' | 'count';
  /** the figure must stay below this (same unit) */
  target?: number;
  pass?: boolean;
  /** extra numbers, e.g. p50/p95/max of a timed request */
  detail?: Record<string, number | string>;
}

/** What every bench file receives: a seeded PostgreSQL database and the app listening on a port. */
export interface BenchEnv {
  schools: number;
  runs: number;
  warmup: number;
  /** the load bench: seconds of load per endpoint and concurrent connections (--duration, --connections) */
  durationS: number;
  connections: number;
  dbh: DbHandle;
  db: Db;
  app: FastifyInstance;
  baseUrl: string;
  /** cookie header of a bureau administrator for the whole province (330000) */
  cookie: string;
  setup: { seedMs: number; summary: DemoSummary };
  /** a scratch directory removed at the end */
  tmpDir: string;
}

/** A bench file exports `run(env)` and returns its figures; the runner prints and saves them. */
export type BenchRun = (env: BenchEnv) => Promise<BenchFigure[]>;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

export function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * Times an HTTP GET `runs` times after `warmup` untimed calls; the figure is the p95 (what a user
 * waits for on a bad day), with p50 and max beside it. A non-2xx answer fails the figure.
 */
export async function timeGet(env: BenchEnv, name: string, path: string, targetMs: number): Promise<BenchFigure> {
  const once = async () => {
    const started = performance.now();
    const res = await fetch(`${env.baseUrl}${path}`, { headers: { cookie: env.cookie, accept: 'application/json' } });
    const body = await res.arrayBuffer();
    const ms = performance.now() - started;
    if (!res.ok) throw new Error(`${path} → ${res.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
    return { ms, bytes: body.byteLength };
  };
  try {
    for (let i = 0; i < env.warmup; i++) await once();
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < env.runs; i++) {
      const r = await once();
      times.push(r.ms);
      bytes = r.bytes;
    }
    return latencyFigure(name, targetMs, times, { path, bytes });
  } catch (e) {
    return {
      name,
      value: NaN,
      unit: 'ms',
      target: targetMs,
      pass: false,
      detail: { path, error: e instanceof Error ? e.message : String(e) },
    };
  }
}

/** Samples this process's resident set every `everyMs` until stopped; returns the peak. */
export function rssSampler(everyMs = 100) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  }, everyMs);
  timer.unref();
  return {
    stop(): number {
      clearInterval(timer);
      const rss = process.memoryUsage().rss;
      return Math.max(peak, rss);
    },
  };
}

export const MB = 1024 * 1024;

export function formatTable(bench: string, figures: BenchFigure[]): string {
  const rows = figures.map((f) => {
    const d = f.detail ?? {};
    const spread =
      'p50' in d
        ? `p50 ${d.p50} · p95 ${d.p95} · max ${d.max}${'xFloor' in d ? ` · p50 ${d.xFloor}× floor` : ''}`
        : Object.entries(d)
            .filter(([k]) => k !== 'error')
            .map(([k, v]) => `${k} ${v}`)
            .join(' · ');
    return [
      f.name,
      Number.isNaN(f.value) ? 'error' : `${f.value} ${f.unit}`,
      f.target !== undefined ? `< ${f.target} ${f.unit}` : '—',
      f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL',
      typeof d.error === 'string' ? `ERROR ${d.error}` : spread,
    ];
  });
  const head = ['figure', 'value', 'target', '', 'detail'];
  const width = (i: number) => Math.max(...[head, ...rows].map((r) => displayWidth(r[i] ?? '')));
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - displayWidth(s)));
  const widths = head.map((_, i) => (i === head.length - 1 ? 0 : width(i)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i] ?? 0))).join('  ');
  return [`\n== ${bench} ==`, line(head), ...rows.map(line)].join('\n');
}

/** CJK characters take two columns in a terminal. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

/** A p95 figure from request timings (ms), with p50, max and the count beside it. */
function latencyFigure(
  name: string,
  targetMs: number,
  times: number[],
  extra: Record<string, string | number>,
): BenchFigure {
  const sorted = [...times].sort((a, b) => a - b);
  const p95 = percentile(sorted, 95);
  return {
    name,
    value: round(p95),
    unit: 'ms',
    target: targetMs,
    pass: p95 < targetMs,
    detail: {
      ...extra,
      p50: round(percentile(sorted, 50)),
      p95: round(p95),
      max: round(sorted[sorted.length - 1] ?? NaN),
      runs: sorted.length,
    },
  };
}

/**
 * Times an HTTP GET under load: `connections` clients at once, each sending `perClient` requests one
 * after another (after one untimed call each). The figure is the p95 of all of them. A non-2xx answer
 * fails the figure.
 */
export async function timeGetConcurrent(
  env: BenchEnv,
  name: string,
  path: string,
  targetMs: number,
  connections: number,
  perClient: number,
): Promise<BenchFigure> {
  const once = async () => {
    const started = performance.now();
    const res = await fetch(`${env.baseUrl}${path}`, { headers: { cookie: env.cookie, accept: 'application/json' } });
    const body = await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path} → ${res.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
    return performance.now() - started;
  };
  try {
    await Promise.all(Array.from({ length: connections }, () => once()));
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let i = 0; i < perClient; i++) times.push(await once());
      }),
    );
    return latencyFigure(name, targetMs, times, { path, connections });
  } catch (e) {
    return {
      name,
      value: NaN,
      unit: 'ms',
      target: targetMs,
      pass: false,
      detail: { path, connections, error: e instanceof Error ? e.message : String(e) },
    };
  }
}

/**
 * The floor an activities aggregate sits above: one GROUP BY over the whole activities table (by
 * community and kind), the median of `runs` timings. Figures are reported as multiples of it, which
 * says more than milliseconds on a shared or slower machine.
 */
export async function activitiesScanFloor(env: BenchEnv, runs = 5): Promise<number> {
  const pool = env.dbh.pool!;
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    await pool.query(
      'select community_id, kind, count(*)::int as n, sum(teacher_count)::int as t from activities group by community_id, kind',
    );
    if (i > 0) times.push(performance.now() - started); // the first run warms the cache
  }
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

/** Signs a bench user in through the login endpoint (as a browser would) and returns the session cookie. */
export async function signIn(baseUrl: string, password: string, username: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const token = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!res.ok || !token) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return token;
}

/**
 * The health query every 10 ms until stopped; returns its latencies (ms), sorted. Each is counted
 * from when it was due (10 ms after the last answer), so time the event loop was blocked (PGlite
 * runs a statement synchronously) counts as well as time spent queued for the connection.
 */
export function healthProbe(db: Kysely<Database>) {
  const ms: number[] = [];
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const due = performance.now() + 10;
      await new Promise((r) => setTimeout(r, 10));
      await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
      ms.push(performance.now() - due);
    }
  })();
  return async () => {
    stop = true;
    await done;
    return ms.sort((a, b) => a - b);
  };
}
