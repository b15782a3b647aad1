/**
 * Balance indicators (义务教育优质均衡) at province scale: the county cache cold (every county computed
 * on the first read), warm, after one school's statistics change, the paged school list and the
 * streamed export; then 50 concurrent province reads while /api/health is polled. Every time is also
 * given as a multiple of /api/health measured in the same run (the floor of any request here).
 */
import { sql } from 'kysely';
import { percentile, round, timeGet, type BenchEnv, type BenchFigure } from './lib.js';

const PROVINCE = '330000';
const YEAR = 2025;

async function timed(env: BenchEnv, path: string) {
  const started = performance.now();
  const res = await fetch(`${env.baseUrl}${path}`, { headers: { cookie: env.cookie } });
  const body = await res.arrayBuffer();
  if (!res.ok) throw new Error(`${path} → ${res.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
  return { ms: performance.now() - started, bytes: body.byteLength };
}

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const health = await timeGet(env, '/api/health (floor)', '/api/health', 100);
  figures.push(health);
  const floor = Math.max(health.detail?.p50 as number, 0.1);
  const withFloor = (f: BenchFigure): BenchFigure => ({
    ...f,
    detail: { ...f.detail, floorMultiple: round(f.value / floor, 0) },
  });

  await sql`delete from balance_school_results`.execute(env.db);
  await sql`delete from balance_county_results`.execute(env.db);
  const cold = await timed(env, `/api/v1/balance?region=${PROVINCE}&year=${YEAR}`);
  figures.push({
    name: 'province, cold cache (every county computed)',
    value: round(cold.ms),
    unit: 'ms',
    detail: { bytes: cold.bytes },
  });
  figures.push(withFloor(await timeGet(env, 'province, warm', `/api/v1/balance?region=${PROVINCE}&year=${YEAR}`, 300)));
  const county = await env.db
    .selectFrom('balance_county_results')
    .select('county_code')
    .orderBy('county_code')
    .executeTakeFirstOrThrow();
  figures.push(
    withFloor(
      await timeGet(
        env,
        'one county with its schools, warm',
        `/api/v1/balance?region=${county.county_code}&year=${YEAR}`,
        300,
      ),
    ),
  );
  figures.push(
    withFloor(
      await timeGet(
        env,
        'province schools, page 1 of 50',
        `/api/v1/balance/schools?region=${PROVINCE}&year=${YEAR}&page=1&pageSize=50`,
        300,
      ),
    ),
  );
  figures.push(
    withFloor(
      await timeGet(
        env,
        'province schools, junior not meeting, by pupils, page 3',
        `/api/v1/balance/schools?region=${PROVINCE}&year=${YEAR}&stage=junior&meets=false&sort=-students&page=3&pageSize=50`,
        300,
      ),
    ),
  );

  // one school's statistics change: its county is recomputed on the next county read
  const stats = await env.db
    .selectFrom('school_year_stats as st')
    .innerJoin('schools as s', 's.id', 'st.school_id')
    .select('st.id')
    .where('s.region_code', 'like', `${county.county_code}%`)
    .where('st.school_year', '=', YEAR)
    .executeTakeFirstOrThrow();
  const changes: number[] = [];
  for (let i = 0; i < Math.min(env.runs, 10); i++) {
    await sql`update school_year_stats set pe_art_teachers = coalesce(pe_art_teachers, 0) + 1 where id = ${stats.id}`.execute(
      env.db,
    );
    changes.push((await timed(env, `/api/v1/balance?region=${county.county_code}&year=${YEAR}`)).ms);
  }
  changes.sort((a, b) => a - b);
  figures.push({
    name: 'one county after a change to one school (recomputed)',
    value: round(percentile(changes, 50)),
    unit: 'ms',
    detail: {
      p50: round(percentile(changes, 50)),
      p95: round(percentile(changes, 95)),
      max: round(changes[changes.length - 1]!),
    },
  });

  const exp = await timed(env, `/api/v1/balance/schools.xlsx?region=${PROVINCE}&year=${YEAR}`);
  figures.push({
    name: 'export every school section (xlsx, streamed)',
    value: round(exp.ms),
    unit: 'ms',
    detail: { bytes: exp.bytes },
  });

  // 50 connections reading the province while /api/health is polled every 20 ms
  const concurrency = 50;
  const total = Math.max(200, env.runs * 10);
  const latencies: number[] = [];
  const healthTimes: number[] = [];
  let next = 0;
  let done = false;
  const started = performance.now();
  const poll = (async () => {
    while (!done) {
      healthTimes.push((await timed(env, '/api/health')).ms);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next++;
          latencies.push((await timed(env, `/api/v1/balance?region=${PROVINCE}&year=${YEAR}`)).ms);
        }
      }),
    );
  } finally {
    done = true; // the poll stops whether the reads succeeded or not
  }
  const wallS = (performance.now() - started) / 1000;
  await poll;
  latencies.sort((a, b) => a - b);
  healthTimes.sort((a, b) => a - b);
  const p95 = percentile(latencies, 95);
  figures.push({
    name: `province, ${concurrency} connections`,
    value: round(p95),
    unit: 'ms',
    target: 300,
    pass: p95 < 300,
    detail: {
      p50: round(percentile(latencies, 50)),
      p95: round(p95),
      max: round(latencies[latencies.length - 1]!),
      reqPerS: round(total / wallS),
      floorMultiple: round(p95 / floor, 0),
    },
  });
  const h99 = percentile(healthTimes, 99);
  figures.push({
    name: '/api/health meanwhile',
    value: round(h99),
    unit: 'ms',
    target: 100,
    pass: h99 < 100,
    detail: {
      p50: round(percentile(healthTimes, 50)),
      p95: round(percentile(healthTimes, 95)),
      max: round(healthTimes[healthTimes.length - 1]!),
      p99: round(h99),
      samples: healthTimes.length,
    },
  });
  return figures;
}
