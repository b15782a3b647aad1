/**
 * The load bench's arithmetic, as plain functions of its results: target verdicts, the markdown
 * table, and the 1,000 → 5,000 schools comparison of page-1 cost. No I/O here (load.bench.ts runs
 * the load, load-client.ts generates it).
 */
import { round } from './lib.js';

/** What the load bench measures an endpoint as; the kind decides its target. */
export type EndpointKind = 'health' | 'list' | 'search' | 'dashboard' | 'balance' | 'stats';

/** Options of one load-client.ts run (passed as JSON on its command line). */
export interface LoadClientOptions {
  url: string;
  connections: number;
  durationS: number;
  cookie?: string;
}

/** What load-client.ts prints: latencies in ms, throughput in requests per second. */
export interface LoadClientResult {
  requests: number;
  rps: number;
  elapsedS: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

export interface EndpointResult extends LoadClientResult {
  name: string;
  path: string;
  /** who signed in: province, county, school, or nobody (health) */
  who: string;
  kind: EndpointKind;
  /** the server process's event-loop delay p99 during this endpoint's run, ms */
  lagP99Ms: number;
  /** /api/health measured at the same time (only beside the province balance) */
  healthDuring?: LoadClientResult;
  /** seconds the server took to finish the requests still queued when the load stopped */
  drainS?: number;
  /** the endpoint could not be loaded (its warm-up request failed) */
  error?: string;
}

/** One run of the load bench, as saved to bench/results/load-<schools>.json. */
export interface LoadRun {
  schools: number;
  teachers: number;
  at: string;
  durationS: number;
  connections: number;
  loadavg: { before: number[]; after: number[] };
  /** /api/health req/s at the start and at the end of the run; the floor is their mean */
  health: { startRps: number; endRps: number };
  coldDashboardMs: number;
  results: EndpointResult[];
}

export const TARGETS = {
  listP95Ms: 300,
  /** a list or search answers at least this share of /api/health's req/s */
  listMinRatio: 0.1,
  dashboardP95Ms: 100,
  balanceP95Ms: 300,
  healthDuringBalanceP99Ms: 100,
  /** page-1 cost at 5,000 schools at most this many times the cost at 1,000 */
  scaleMaxGrowth: 1.5,
} as const;

export function healthFloor(run: Pick<LoadRun, 'health'>): number {
  return (run.health.startRps + run.health.endRps) / 2;
}

/** The endpoint's req/s as a share of /api/health's in the same run. */
export function ratioToHealth(r: Pick<LoadClientResult, 'rps'>, healthRps: number): number {
  return healthRps > 0 ? r.rps / healthRps : NaN;
}

export interface Verdict {
  /** undefined: reported only, no target */
  pass: boolean | undefined;
  /** the target in words, for the table */
  target: string;
  failures: string[];
}

/** Checks one endpoint against its kind's target; errors or non-2xx answers fail any endpoint. */
export function verdictOf(r: EndpointResult, healthRps: number): Verdict {
  const failures: string[] = [];
  if (r.error) failures.push(r.error);
  else if (r.requests === 0) failures.push('no answer completed during the run');
  if (r.errors > 0) failures.push(`${r.errors} errors`);
  if (r.non2xx > 0) failures.push(`${r.non2xx} non-2xx`);
  let target = '—';
  const p95Below = (ms: number) => {
    if (!(r.p95 < ms)) failures.push(`p95 ${round(r.p95)} ms ≥ ${ms}`);
  };
  switch (r.kind) {
    case 'list':
    case 'search': {
      target = `p95 < ${TARGETS.listP95Ms} ms, ≥ ${TARGETS.listMinRatio}× health`;
      p95Below(TARGETS.listP95Ms);
      const ratio = ratioToHealth(r, healthRps);
      if (!(ratio >= TARGETS.listMinRatio)) failures.push(`${round(ratio, 3)}× health < ${TARGETS.listMinRatio}`);
      break;
    }
    case 'dashboard':
      target = `p95 < ${TARGETS.dashboardP95Ms} ms`;
      p95Below(TARGETS.dashboardP95Ms);
      break;
    case 'balance': {
      target = `p95 < ${TARGETS.balanceP95Ms} ms, health p99 < ${TARGETS.healthDuringBalanceP99Ms} ms meanwhile`;
      p95Below(TARGETS.balanceP95Ms);
      const h = r.healthDuring;
      if (!h) failures.push('health was not measured meanwhile');
      else {
        if (!(h.p99 < TARGETS.healthDuringBalanceP99Ms))
          failures.push(`health p99 ${round(h.p99)} ms ≥ ${TARGETS.healthDuringBalanceP99Ms} meanwhile`);
        if (h.errors + h.non2xx > 0) failures.push(`health: ${h.errors} errors, ${h.non2xx} non-2xx meanwhile`);
      }
      break;
    }
    case 'health':
    case 'stats':
      break;
  }
  const hasTarget = target !== '—';
  return { pass: hasTarget || failures.length ? failures.length === 0 : undefined, target, failures };
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? String(round(v, digits)) : '—');

export const TABLE_HEAD = [
  'endpoint',
  'who',
  'req/s',
  '× health',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'errors',
  'non-2xx',
  'lag p99 ms',
  'drain s',
  'target',
  'verdict',
];

/** One table row per endpoint, in the order of TABLE_HEAD. */
export function tableRows(run: Pick<LoadRun, 'health' | 'results'>): string[][] {
  const floor = healthFloor(run);
  return run.results.map((r) => {
    const v = verdictOf(r, floor);
    const during = r.healthDuring
      ? ` (health meanwhile: p99 ${fmt(r.healthDuring.p99)} ms, ${fmt(r.healthDuring.rps, 0)} req/s)`
      : '';
    return [
      r.name,
      r.who,
      fmt(r.rps, 0),
      r.kind === 'health' ? '1 (floor)' : fmt(ratioToHealth(r, floor), 3),
      fmt(r.p50),
      fmt(r.p95),
      fmt(r.p99),
      String(r.errors),
      String(r.non2xx),
      fmt(r.lagP99Ms),
      fmt(r.drainS ?? NaN),
      v.target + during,
      v.pass === undefined ? '' : v.pass ? 'PASS' : `FAIL: ${v.failures.join('; ')}`,
    ];
  });
}

/** A GitHub-flavoured markdown table; `|` inside a cell is escaped. */
export function markdownTable(head: string[], rows: string[][]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const line = (r: string[]) => `| ${r.map(cell).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface ScaleComparison {
  name: string;
  /** cost of one request in /api/health requests (health req/s ÷ endpoint req/s), at each size */
  smallCost: number;
  largeCost: number;
  /** largeCost ÷ smallCost */
  growth: number;
  /** raw p50 at each size, ms (not normalised: the machine's load may differ between the runs) */
  smallP50: number;
  largeP50: number;
  pass: boolean;
}

/**
 * Page-1 cost from the smaller data set to the larger one, for every list endpoint measured in
 * both runs. The cost is normalised by each run's own /api/health floor, so a busier machine
 * during one run does not read as growth.
 */
export function compareScale(small: LoadRun, large: LoadRun): ScaleComparison[] {
  const sFloor = healthFloor(small);
  const lFloor = healthFloor(large);
  const out: ScaleComparison[] = [];
  for (const s of small.results) {
    if (s.kind !== 'list') continue;
    const l = large.results.find((r) => r.name === s.name && r.who === s.who);
    if (!l) continue;
    const smallCost = sFloor / s.rps;
    const largeCost = lFloor / l.rps;
    const growth = largeCost / smallCost;
    out.push({
      name: `${s.name} (${s.who})`,
      smallCost,
      largeCost,
      growth,
      smallP50: s.p50,
      largeP50: l.p50,
      pass: Number.isFinite(growth) && growth <= TARGETS.scaleMaxGrowth && !s.error && !l.error,
    });
  }
  return out;
}

export const SCALE_HEAD = [
  'page 1 of',
  'cost small (× health)',
  'cost large',
  'growth',
  'p50 small → large ms',
  'verdict',
];

export function scaleRows(rows: ScaleComparison[]): string[][] {
  return rows.map((c) => [
    c.name,
    fmt(c.smallCost, 2),
    fmt(c.largeCost, 2),
    `${fmt(c.growth, 2)}×`,
    `${fmt(c.smallP50)} → ${fmt(c.largeP50)}`,
    c.pass ? 'PASS' : `FAIL: > ${TARGETS.scaleMaxGrowth}×`,
  ]);
}
