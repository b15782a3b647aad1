/**
 * Teacher exchange at scale: seeds the exchange demo for every community, then times the register,
 * totals by each dimension (all in SQL), the due list under a cycle rule, the master-teacher
 * structure before/after exchanges, the shortage list, mentor-pair compliance and the provincial
 * xlsx report.
 */
import { seedExchangeDemo } from '../src/server/modules/exchange/exchange.demo.js';
import { round, timeGet, timeGetConcurrent, type BenchEnv, type BenchFigure } from './lib.js';

const REQUEST_TARGET_MS = 300;
const EXPORT_TARGET_MS = 5000;

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const started = performance.now();
  const counts = await seedExchangeDemo(env.dbh, {});
  const figures: BenchFigure[] = [
    {
      name: `seedExchangeDemo ${counts.assignments} assignments`,
      value: round((performance.now() - started) / 1000),
      unit: 's',
      detail: counts,
    },
  ];
  // the floor: a signed-in request that reads one row, timed the same way in the same run
  const floor = await timeGet(env, 'floor: GET /api/v1/auth/me', '/api/v1/auth/me', REQUEST_TARGET_MS);
  figures.push(floor);
  console.log(`  floor: p50 ${floor.detail?.p50} ms, p95 ${floor.detail?.p95} ms`);
  const rule = await env.db.selectFrom('exchange_rules').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const requests: [string, string, number][] = [
    ['register page 1', '/api/v1/exchange/assignments?page=1&pageSize=20', REQUEST_TARGET_MS],
    [
      'register, filtered by kind and year',
      '/api/v1/exchange/assignments?page=1&pageSize=20&kind=support_teaching,rotation&year=2025',
      REQUEST_TARGET_MS,
    ],
    ['totals by kind', '/api/v1/exchange/totals?by=kind', REQUEST_TARGET_MS],
    ['totals by community', '/api/v1/exchange/totals?by=community', REQUEST_TARGET_MS],
    ['totals by teacher (top 200)', '/api/v1/exchange/totals?by=teacher', REQUEST_TARGET_MS],
    ['due list, page 1', `/api/v1/exchange/due?ruleId=${rule.id}&on=2026-11-23`, REQUEST_TARGET_MS],
    ['structure before/after', '/api/v1/exchange/structure?on=2026-11-23', 2 * REQUEST_TARGET_MS],
    ['non-specialist shortages', '/api/v1/exchange/shortages', REQUEST_TARGET_MS],
    ['mentor pairs behind', '/api/v1/exchange/mentorships?behind=true&on=2026-11-23', REQUEST_TARGET_MS],
    ['provincial report xlsx', '/api/v1/exchange/report.xlsx', EXPORT_TARGET_MS],
  ];
  for (const [name, url, target] of requests) {
    const f = await timeGet(env, name, url, target);
    figures.push(f);
    console.log(`  ${name}: ${f.detail?.error ?? `p50 ${f.detail?.p50} ms, p95 ${f.detail?.p95} ms`}`);
  }
  // the summaries' endpoints under 50 connections at once
  const underLoad: [string, string][] = [
    ['floor', '/api/v1/auth/me'],
    ['totals by community', '/api/v1/exchange/totals?by=community'],
    ['structure before/after', '/api/v1/exchange/structure?on=2026-11-23'],
    ['mentor pairs behind', '/api/v1/exchange/mentorships?behind=true&on=2026-11-23'],
  ];
  for (const [name, url] of underLoad) {
    const f = await timeGetConcurrent(
      env,
      `${name}, ${CONNECTIONS} connections`,
      url,
      REQUEST_TARGET_MS,
      CONNECTIONS,
      Math.max(2, Math.round(env.runs / 5)),
    );
    figures.push(f);
    console.log(`  ${f.name}: ${f.detail?.error ?? `p50 ${f.detail?.p50} ms, p95 ${f.detail?.p95} ms`}`);
  }
  return figures;
}

const CONNECTIONS = 50;
