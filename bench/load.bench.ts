/**
 * Load at province scale: every list, search, dashboard, balance and statistics endpoint driven by
 * autocannon (`--connections`, default 50, for `--duration` seconds, default 30) against the app
 * listening on its port. The load generator runs in a child process (bench/load-client.ts) so it
 * does not share the server's event loop; this process is the server, and it measures its own
 * event-loop delay (p99) during each endpoint's run.
 *
 * Each endpoint is reported as p50/p95/p99, req/s, errors, non-2xx and req/s as a ratio to
 * /api/health measured in the same run (at the start and at the end; the floor is the mean), with
 * the machine's load average. The run is saved as bench/results/load-<schools>.json; when both the
 * 1,000- and the 5,000-school runs are there, page-1 cost is compared between them.
 *
 *   npx tsx bench/run.ts --seed-cache --schools 1000 --only load --duration 10
 *   npx tsx bench/run.ts --seed-cache --schools 5000 --only load
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { hashPassword } from '../src/server/modules/auth/auth.service.js';
import { round, signIn, type BenchEnv, type BenchFigure } from './lib.js';
import {
  compareScale,
  healthFloor,
  markdownTable,
  ratioToHealth,
  SCALE_HEAD,
  scaleRows,
  TABLE_HEAD,
  tableRows,
  TARGETS,
  verdictOf,
  type EndpointKind,
  type EndpointResult,
  type LoadClientOptions,
  type LoadClientResult,
  type LoadRun,
} from './load-report.js';
import { ensureProvinceActivities } from './province-data.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'bench-load-only';
/** the two data sets whose page-1 cost is compared */
const SMALL = 1000;
const LARGE = 5000;

type Who = 'province' | 'county' | 'school' | 'nobody';
interface Endpoint {
  name: string;
  path: string;
  who: Who;
  kind: EndpointKind;
}

const enc = encodeURIComponent;

/** Runs load-client.ts in its own process and returns what it printed. */
function loadClient(opts: LoadClientOptions): Promise<LoadClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'load-client.ts'), JSON.stringify(opts)],
      {
        cwd: path.join(here, '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last) reject(new Error(`load client exited ${code}: ${err.slice(0, 500)}`));
      // JSON has no NaN: the percentiles of a run without answers come back as null
      else resolve(JSON.parse(last, (_k, v: unknown) => (v === null ? NaN : v)) as LoadClientResult);
    });
  });
}

/**
 * Waits until the server has finished what the load left queued (autocannon stops sending, the
 * handlers keep running): for 0.5 s in a row the database pool idle, nobody waiting for it, and
 * this process's timers on time (a handler computing in JavaScript holds no connection but blocks
 * the loop). Returns the seconds it took, so the next endpoint's run starts on a quiet server.
 */
async function drain(env: BenchEnv, limitS = 300): Promise<number> {
  const pool = env.dbh.pool;
  const started = performance.now();
  let quiet = 0;
  while (quiet < 5 && performance.now() - started < limitS * 1000) {
    const t = performance.now();
    await new Promise((r) => setTimeout(r, 100));
    const onTime = performance.now() - t < 150;
    const idle = !pool || (pool.waitingCount === 0 && pool.idleCount === pool.totalCount);
    quiet = idle && onTime ? quiet + 1 : 0;
  }
  return Math.max(0, (performance.now() - started) / 1000 - 0.5);
}

/** A county bureau (the county with the most schools) and a member school's administrator. */
async function makeUsers(env: BenchEnv): Promise<{ county: string; schoolId: number; communityId: number }> {
  const county = await env.db
    .selectFrom('schools')
    .select('region_code')
    .groupBy('region_code')
    .orderBy(sql`count(*)`, 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const member = await env.db
    .selectFrom('community_memberships')
    .select(['school_id', 'community_id'])
    .where('role', '=', 'member')
    .where('end_date', 'is', null)
    .orderBy('school_id')
    .executeTakeFirstOrThrow();
  const hash = await hashPassword(PASSWORD);
  await env.db
    .insertInto('users')
    .values([
      {
        username: 'bench_load_county',
        display_name: '基准：县教育局',
        password_hash: hash,
        role: 'bureau_admin',
        scope_kind: 'region',
        scope_id: county.region_code,
        teacher_id: null,
      },
      {
        username: 'bench_load_school',
        display_name: '基准：成员校管理员',
        password_hash: hash,
        role: 'school_admin',
        scope_kind: 'school',
        scope_id: String(member.school_id),
        teacher_id: null,
      },
    ])
    .onConflict((oc) => oc.column('username').doNothing())
    .execute();
  return { county: county.region_code, schoolId: member.school_id, communityId: member.community_id };
}

function endpoints(ids: { county: string; schoolId: number; communityId: number }): Endpoint[] {
  const page = 'page=1&pageSize=20';
  return [
    // lists, page 1
    { name: 'teachers page 1', path: `/api/v1/teachers?${page}`, who: 'province', kind: 'list' },
    { name: 'teachers page 1', path: `/api/v1/teachers?${page}`, who: 'county', kind: 'list' },
    { name: 'teachers page 1', path: `/api/v1/teachers?${page}`, who: 'school', kind: 'list' },
    { name: 'schools page 1', path: `/api/v1/schools?${page}`, who: 'province', kind: 'list' },
    { name: 'schools page 1', path: `/api/v1/schools?${page}`, who: 'county', kind: 'list' },
    { name: 'communities page 1', path: `/api/v1/communities?${page}`, who: 'province', kind: 'list' },
    { name: 'activities page 1', path: `/api/v1/activities?${page}`, who: 'province', kind: 'list' },
    { name: 'activities page 1', path: `/api/v1/activities?${page}`, who: 'county', kind: 'list' },
    { name: 'activities page 1', path: `/api/v1/activities?${page}`, who: 'school', kind: 'list' },
    { name: 'audit log page 1', path: `/api/v1/audit-log?${page}`, who: 'province', kind: 'list' },
    { name: 'users page 1', path: `/api/v1/users?${page}`, who: 'province', kind: 'list' },
    { name: 'school-year stats page 1', path: `/api/v1/school-year-stats?${page}`, who: 'province', kind: 'list' },
    { name: 'meetings page 1', path: `/api/v1/meetings?${page}`, who: 'province', kind: 'list' },
    { name: 'work plans page 1', path: `/api/v1/work-plans?${page}`, who: 'province', kind: 'list' },
    {
      name: 'exchange assignments page 1',
      path: `/api/v1/exchange/assignments?${page}`,
      who: 'province',
      kind: 'list',
    },
    { name: 'quality exams page 1', path: `/api/v1/quality/exams?${page}`, who: 'province', kind: 'list' },
    { name: 'notifications page 1', path: `/api/v1/notifications?${page}`, who: 'school', kind: 'list' },
    // searches
    {
      name: 'teachers search 王丽',
      path: `/api/v1/teachers?${page}&search=${enc('王丽')}`,
      who: 'province',
      kind: 'search',
    },
    {
      name: 'schools search 中心 primary',
      path: `/api/v1/schools?${page}&search=${enc('中心')}&level=primary`,
      who: 'province',
      kind: 'search',
    },
    {
      name: 'activities search 教研',
      path: `/api/v1/activities?${page}&search=${enc('教研')}`,
      who: 'province',
      kind: 'search',
    },
    {
      name: 'resources search 数学',
      path: `/api/v1/resources?${page}&q=${enc('数学')}`,
      who: 'province',
      kind: 'search',
    },
    {
      name: 'resources search 数学',
      path: `/api/v1/resources?${page}&q=${enc('数学')}`,
      who: 'school',
      kind: 'search',
    },
    // dashboards (cached: the warm-up request computes the snapshot)
    { name: 'dashboard, region', path: '/api/v1/dashboard?schoolYear=2025', who: 'province', kind: 'dashboard' },
    { name: 'dashboard, region', path: '/api/v1/dashboard?schoolYear=2025', who: 'county', kind: 'dashboard' },
    {
      name: 'dashboard, community',
      path: `/api/v1/dashboard?schoolYear=2025&communityId=${ids.communityId}`,
      who: 'province',
      kind: 'dashboard',
    },
    // balance and statistics
    { name: 'balance 2025', path: '/api/v1/balance?region=330000&year=2025', who: 'province', kind: 'balance' },
    { name: 'balance 2025', path: `/api/v1/balance?region=${ids.county}&year=2025`, who: 'county', kind: 'stats' },
    {
      name: 'activity statistics by kind',
      path: '/api/v1/activity-stats?groupBy=kind',
      who: 'province',
      kind: 'stats',
    },
    {
      name: 'activity statistics by community',
      path: '/api/v1/activity-stats?groupBy=community',
      who: 'province',
      kind: 'stats',
    },
    { name: 'exchange totals by kind', path: '/api/v1/exchange/totals?by=kind', who: 'province', kind: 'stats' },
    { name: 'support ledger totals', path: '/api/v1/support-ledger/totals', who: 'province', kind: 'stats' },
    { name: 'shared course totals', path: '/api/v1/shared-courses/totals', who: 'province', kind: 'stats' },
    { name: 'dashboard alerts', path: '/api/v1/dashboard/alerts?schoolYear=2025', who: 'province', kind: 'stats' },
  ];
}

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const loadavgBefore = os.loadavg();
  await ensureProvinceActivities(env.db);
  const ids = await makeUsers(env);
  const cookies: Record<Who, string | undefined> = {
    province: env.cookie,
    county: await signIn(env.baseUrl, PASSWORD, 'bench_load_county'),
    school: await signIn(env.baseUrl, PASSWORD, 'bench_load_school'),
    nobody: undefined,
  };
  const { durationS, connections } = env;
  const lag = monitorEventLoopDelay({ resolution: 10 });

  const measure = async (e: Endpoint, beside?: Endpoint): Promise<EndpointResult> => {
    const cookie = cookies[e.who];
    const base = { name: e.name, path: e.path, who: e.who, kind: e.kind };
    // one untimed request first: it fills caches, and an endpoint that fails it is not loaded
    const warmStarted = performance.now();
    const warm = await fetch(`${env.baseUrl}${e.path}`, {
      headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
      signal: AbortSignal.timeout(600_000),
    })
      .then(async (res) => ({ status: res.status, ok: res.ok, body: await res.text() }))
      .catch((err: unknown) => ({ status: 0, ok: false, body: err instanceof Error ? err.message : String(err) }));
    const warmS = (performance.now() - warmStarted) / 1000;
    if (!warm.ok) {
      console.log(`  ${e.name} (${e.who}): warm-up answered ${warm.status} after ${round(warmS)} s, not loaded`);
      return {
        ...base,
        requests: 0,
        rps: 0,
        elapsedS: 0,
        p50: NaN,
        p95: NaN,
        p99: NaN,
        max: NaN,
        errors: warm.status === 0 ? 1 : 0,
        timeouts: 0,
        non2xx: warm.status === 0 ? 0 : 1,
        statusCodes: { [warm.status]: 1 },
        lagP99Ms: NaN,
        error: `warm-up ${warm.status} after ${round(warmS)} s: ${warm.body.slice(0, 200)}`,
      };
    }
    lag.reset();
    lag.enable();
    const [r, h] = await Promise.all([
      loadClient({ url: `${env.baseUrl}${e.path}`, connections, durationS, cookie }),
      beside
        ? loadClient({
            url: `${env.baseUrl}${beside.path}`,
            connections: Math.max(1, Math.round(connections / 5)),
            durationS,
          })
        : undefined,
    ]);
    lag.disable();
    const lagP99Ms = lag.percentile(99) / 1e6;
    const drainS = await drain(env);
    const out: EndpointResult = { ...base, ...r, lagP99Ms, drainS, ...(h ? { healthDuring: h } : {}) };
    console.log(
      `  ${e.name} (${e.who}): ${round(r.rps)} req/s, p50 ${round(r.p50)} · p95 ${round(r.p95)} · p99 ${round(r.p99)} ms, ${r.errors} errors, ${r.non2xx} non-2xx, lag p99 ${round(lagP99Ms)} ms, drained in ${round(drainS)} s`,
    );
    return out;
  };

  const health: Endpoint = { name: '/api/health', path: '/api/health', who: 'nobody', kind: 'health' };
  console.log(
    `  load: ${connections} connections × ${durationS} s per endpoint, load average ${loadavgBefore.map((v) => v.toFixed(2)).join(' ')}`,
  );
  // the server's first seconds under load run unoptimised code: measured cold, /api/health gave
  // 2,800 req/s at the start and 4,900 at the end of one run, a floor that flattered every ratio
  await loadClient({ url: `${env.baseUrl}${health.path}`, connections, durationS: Math.min(5, durationS) });
  const healthStart = await measure(health);

  // a dashboard filter combination nobody asked for yet: computed while the user waits (one request)
  const cold = performance.now();
  const coldRes = await fetch(`${env.baseUrl}/api/v1/dashboard?schoolYear=2025&level=junior&locationClass=town`, {
    headers: { cookie: env.cookie },
  });
  await coldRes.arrayBuffer();
  const coldDashboardMs = performance.now() - cold;

  // the province balance last, after the closing /api/health: what it leaves queued must not
  // lower the floor the other endpoints are measured against
  // BENCH_LOAD_ONLY=<regexp on the endpoint's name>: a quicker run of some endpoints while working on them
  const only = process.env.BENCH_LOAD_ONLY ? new RegExp(process.env.BENCH_LOAD_ONLY) : null;
  const all = endpoints(ids).filter((e) => !only || only.test(e.name));
  const results: EndpointResult[] = [healthStart];
  for (const e of all.filter((x) => x.kind !== 'balance')) results.push(await measure(e));
  const healthEnd = await measure(health);
  results.push({ ...healthEnd, name: '/api/health (again, at the end)' });
  for (const e of all.filter((x) => x.kind === 'balance')) results.push(await measure(e, health));

  const teachers = await env.db
    .selectFrom('teachers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const runResult: LoadRun = {
    schools: env.schools,
    teachers: Number(teachers.n),
    at: new Date().toISOString(),
    durationS,
    connections,
    loadavg: { before: loadavgBefore, after: os.loadavg() },
    health: { startRps: healthStart.rps, endRps: healthEnd.rps },
    coldDashboardMs,
    results,
  };
  const resultsDir = path.join(here, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  // a partial run (BENCH_LOAD_ONLY) is not kept: it would stand for the whole size in the comparison
  if (!only)
    fs.writeFileSync(path.join(resultsDir, `load-${env.schools}.json`), `${JSON.stringify(runResult, null, 2)}\n`);

  const floor = healthFloor(runResult);
  console.log(
    `\n### Load: ${env.schools} schools, ${runResult.teachers} teachers; ${connections} connections × ${durationS} s each` +
      `\n/api/health floor ${round(floor)} req/s (start ${round(healthStart.rps)}, end ${round(healthEnd.rps)}); ` +
      `load average before ${loadavgBefore.map((v) => v.toFixed(2)).join(' ')}, after ${runResult.loadavg.after.map((v) => v.toFixed(2)).join(' ')} (${os.cpus().length} CPUs, shared: figures are noisy)` +
      `\ndashboard, first view of a new filter (computed, one request): ${round(coldDashboardMs)} ms (status ${coldRes.status})\n`,
  );
  console.log(markdownTable(TABLE_HEAD, tableRows(runResult)));

  const figures: BenchFigure[] = results.map((r) => {
    const v = verdictOf(r, floor);
    return {
      name: `${r.name} (${r.who})`,
      value: round(r.p95),
      unit: 'ms',
      ...(v.pass === undefined ? {} : { pass: v.pass }),
      detail: {
        rps: round(r.rps),
        xHealth: round(ratioToHealth(r, floor), 3),
        p50ms: round(r.p50),
        p95ms: round(r.p95),
        p99ms: round(r.p99),
        errors: r.errors,
        non2xx: r.non2xx,
        lagP99ms: round(r.lagP99Ms),
        drainS: round(r.drainS ?? NaN),
        ...(v.failures.length ? { error: v.failures.join('; ') } : {}),
      },
    };
  });
  figures.push({
    name: 'dashboard, first view of a new filter (one request)',
    value: round(coldDashboardMs),
    unit: 'ms',
  });
  figures.push({
    name: 'load average (1 min) before → after',
    value: round(runResult.loadavg.after[0] ?? NaN, 2),
    unit: 'count',
    detail: { before: round(loadavgBefore[0] ?? NaN, 2), cpus: os.cpus().length },
  });
  figures.push(...scaleFigures(resultsDir));
  return figures;
}

/** The 1,000 → 5,000 schools page-1 comparison, when both runs are saved. */
function scaleFigures(resultsDir: string): BenchFigure[] {
  const read = (n: number): LoadRun | undefined => {
    const f = path.join(resultsDir, `load-${n}.json`);
    return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as LoadRun) : undefined;
  };
  const small = read(SMALL);
  const large = read(LARGE);
  if (!small || !large) {
    console.log(
      `\npage-1 cost ${SMALL} → ${LARGE} schools: run the other size too (bench/results/load-<schools>.json) to compare`,
    );
    return [];
  }
  const rows = compareScale(small, large);
  console.log(
    `\n### Page-1 cost, ${SMALL} → ${LARGE} schools (cost = /api/health req/s ÷ endpoint req/s, each run's own floor; target ≤ ${TARGETS.scaleMaxGrowth}×)` +
      `\nruns: ${small.at} (load ${small.loadavg.before[0]?.toFixed(2)}) and ${large.at} (load ${large.loadavg.before[0]?.toFixed(2)})\n`,
  );
  console.log(markdownTable(SCALE_HEAD, scaleRows(rows)));
  return rows.map((c) => ({
    name: `page-1 cost growth ${SMALL} → ${LARGE} schools: ${c.name}`,
    value: round(c.growth, 2),
    unit: 'count',
    target: TARGETS.scaleMaxGrowth,
    pass: c.pass,
    detail: {
      smallCost: round(c.smallCost, 2),
      largeCost: round(c.largeCost, 2),
      p50small: round(c.smallP50),
      p50large: round(c.largeP50),
    },
  }));
}
