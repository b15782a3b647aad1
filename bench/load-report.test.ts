import { describe, expect, it } from 'vitest';
import {
  compareScale,
  healthFloor,
  markdownTable,
  scaleRows,
  TABLE_HEAD,
  tableRows,
  verdictOf,
  type EndpointKind,
  type EndpointResult,
  type LoadClientResult,
  type LoadRun,
} from './load-report.js';

const client = (over: Partial<LoadClientResult> = {}): LoadClientResult => ({
  requests: 1000,
  rps: 100,
  elapsedS: 10,
  p50: 20,
  p95: 50,
  p99: 80,
  max: 120,
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  statusCodes: { '200': 1000 },
  ...over,
});

const endpoint = (kind: EndpointKind, over: Partial<EndpointResult> = {}): EndpointResult => ({
  name: `${kind} endpoint`,
  path: '/api/v1/x',
  who: 'province',
  kind,
  lagP99Ms: 12,
  drainS: 0,
  ...client(),
  ...over,
});

const run = (schools: number, healthRps: number, results: EndpointResult[]): LoadRun => ({
  schools,
  teachers: schools * 60,
  at: '2026-12-04T15:00:00.000Z',
  durationS: 10,
  connections: 50,
  loadavg: { before: [1, 1, 1], after: [2, 2, 2] },
  health: { startRps: healthRps, endRps: healthRps },
  coldDashboardMs: 900,
  results,
});

describe('verdictOf', () => {
  it('passes a list under 300 ms p95 at a tenth of health or more, and fails either side of it', () => {
    expect(verdictOf(endpoint('list', { p95: 299, rps: 100 }), 1000).pass).toBe(true);
    const slow = verdictOf(endpoint('list', { p95: 300 }), 1000);
    expect(slow.pass).toBe(false);
    expect(slow.failures).toEqual(['p95 300 ms ≥ 300']);
    const few = verdictOf(endpoint('search', { rps: 99 }), 1000);
    expect(few.pass).toBe(false);
    expect(few.failures).toEqual(['0.099× health < 0.1']);
  });

  it('holds a cached dashboard to 100 ms p95', () => {
    expect(verdictOf(endpoint('dashboard', { p95: 99 }), 1000).pass).toBe(true);
    expect(verdictOf(endpoint('dashboard', { p95: 101 }), 1000).pass).toBe(false);
  });

  it('fails the balance when /api/health is slow meanwhile or was not measured', () => {
    const ok = endpoint('balance', { p95: 250, healthDuring: client({ p99: 99 }) });
    expect(verdictOf(ok, 1000).pass).toBe(true);
    const starved = endpoint('balance', { p95: 250, healthDuring: client({ p99: 150 }) });
    expect(verdictOf(starved, 1000).failures).toEqual(['health p99 150 ms ≥ 100 meanwhile']);
    expect(verdictOf(endpoint('balance', { p95: 250 }), 1000).pass).toBe(false);
  });

  it('reports statistics without a target, but fails any endpoint with errors, non-2xx or no answer', () => {
    expect(verdictOf(endpoint('stats', { p95: 5000 }), 1000)).toEqual({ pass: undefined, target: '—', failures: [] });
    expect(verdictOf(endpoint('stats', { errors: 3 }), 1000).failures).toEqual(['3 errors']);
    expect(verdictOf(endpoint('health', { non2xx: 2 }), 1000).failures).toEqual(['2 non-2xx']);
    expect(verdictOf(endpoint('stats', { requests: 0, rps: 0 }), 1000).failures).toEqual([
      'no answer completed during the run',
    ]);
  });
});

describe('tableRows', () => {
  it('gives one row per endpoint with its ratio to the mean health floor and its verdict', () => {
    const r = run(1000, 0, [
      endpoint('health', { name: '/api/health', rps: 900 }),
      endpoint('list', { name: 'teachers page 1', rps: 50, p95: 400 }),
    ]);
    r.health = { startRps: 900, endRps: 1100 };
    expect(healthFloor(r)).toBe(1000);
    const rows = tableRows(r);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.length === TABLE_HEAD.length)).toBe(true);
    expect(rows[0]?.[3]).toBe('1 (floor)');
    expect(rows[1]?.slice(0, 4)).toEqual(['teachers page 1', 'province', '50', '0.05']);
    expect(rows[1]?.at(-1)).toBe('FAIL: p95 400 ms ≥ 300; 0.05× health < 0.1');
  });

  it('writes a markdown table and escapes a | inside a cell', () => {
    expect(markdownTable(['a', 'b'], [['x|y', '1']])).toBe('| a | b |\n| --- | --- |\n| x\\|y | 1 |');
  });
});

describe('compareScale', () => {
  it('compares page-1 cost in units of each run’s own health floor and fails growth beyond 1.5×', () => {
    const small = run(1000, 1000, [
      endpoint('list', { name: 'teachers page 1', rps: 200, p50: 10 }),
      endpoint('list', { name: 'schools page 1', rps: 200 }),
      endpoint('search', { name: 'teachers search', rps: 200 }),
    ]);
    // the machine was twice as slow during the large run: health halved, teachers too (flat), schools fell 4×
    const large = run(5000, 500, [
      endpoint('list', { name: 'teachers page 1', rps: 100, p50: 20 }),
      endpoint('list', { name: 'schools page 1', rps: 25 }),
      endpoint('search', { name: 'teachers search', rps: 1 }),
    ]);
    const rows = compareScale(small, large);
    expect(rows.map((c) => [c.name, c.growth, c.pass])).toEqual([
      ['teachers page 1 (province)', 1, true],
      ['schools page 1 (province)', 4, false],
    ]);
    expect(scaleRows(rows)[1]).toEqual(['schools page 1 (province)', '5', '20', '4×', '20 → 20', 'FAIL: > 1.5×']);
  });
});
