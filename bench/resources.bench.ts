/**
 * Library search at 100,000 resources, on PostgreSQL (the runner's database, province-sized
 * registry) and on embedded PGlite (a fresh in-process database with the demo county). Times the
 * search endpoint over HTTP — text + facets + visibility, as the library page calls it — for a
 * provincial bureau and for a village-school teacher, and reports p50/p95/max.
 *
 *   npm run bench -- --only resources          (PostgreSQL, via bench/run.ts)
 *   tsx bench/resources.bench.ts --pglite      (PGlite only, standalone)
 */
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { connect, type Db, type DbHandle } from '../src/server/db/connection.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { hashPassword } from '../src/server/modules/auth/auth.service.js';
import { seedDemo } from '../src/server/demo/demo.service.js';
import { Random } from '../src/server/demo/demo.random.js';
import { loadRegions } from '../src/server/modules/registry/regions.service.js';
import { demoResourceText } from '../src/server/modules/resources/resources.demo.js';
import { buildTsvector } from '../src/server/modules/resources/resources.search.js';
import { DiskStorage } from '../src/server/storage/blob-storage.js';
import { round, signIn, timeGet, type BenchEnv, type BenchFigure } from './lib.js';

const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 100_000);
const BATCH = 2000;
const PASSWORD = 'bench-resources-only';
const log = (msg: string) => console.error(`[resources bench] ${msg}`);

/** Inserts `n` resources spread over the registry's schools, with one link version each. */
async function loadResources(db: Db, n: number): Promise<number> {
  const schools = await db
    .selectFrom('schools as s')
    .leftJoin('community_memberships as m', (j) => j.onRef('m.school_id', '=', 's.id').on('m.end_date', 'is', null))
    .select(['s.id', 's.name', 's.level', 's.region_code', 'm.community_id'])
    .where('s.level', '<>', 'kindergarten')
    .orderBy('s.id')
    .execute();
  const rng = new Random(1400);
  const started = performance.now();
  for (let done = 0; done < n; done += BATCH) {
    if (done % 20_000 === 0)
      log(
        `resources: ${done.toLocaleString()} / ${n.toLocaleString()} loaded (${round((performance.now() - started) / 1000)} s)`,
      );
    const rows = Array.from({ length: Math.min(BATCH, n - done) }, () => {
      const s = rng.pick(schools);
      const t = demoResourceText(rng, s, [], {
        from: rng.pick(['2025-09-08', '2026-02-23']),
        year: rng.pick([2024, 2025, 2026]),
      });
      const visibility =
        s.community_id === null ? 'region' : rng.weighted({ community: 70, region: 18, school: 7, public: 5 });
      return {
        ...t,
        school: s,
        visibility,
        vec: buildTsvector([
          { text: t.title, weight: 'A' },
          { text: t.tags.join(' '), weight: 'B' },
          { text: t.description, weight: 'C' },
          { text: `${t.edition} ${t.unit}`, weight: 'D' },
        ]),
      };
    });
    const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    await sql`insert into resources (title, description, kind, subject, grade, textbook_edition, unit, tags, school_id, community_id, region_code, visibility, view_count, search_vec)
      select title, description, kind, subject, grade, edition, unit, tags::text[], school_id, community_id, region_code, visibility, views, vec::tsvector
      from unnest(${col((r) => r.title)}::text[], ${col((r) => r.description)}::text[], ${col((r) => r.kind)}::text[], ${col((r) => r.subject)}::text[],
        ${col((r) => r.grade)}::int4[], ${col((r) => r.edition)}::text[], ${col((r) => r.unit)}::text[], ${col((r) => `{${r.tags.join(',')}}`)}::text[],
        ${col((r) => r.school.id)}::int4[], ${col((r) => r.school.community_id)}::int4[], ${col((r) => r.school.region_code)}::text[], ${col((r) => r.visibility)}::text[],
        ${col(() => rng.int(0, 300))}::int4[], ${col((r) => r.vec)}::text[])
      as t(title, description, kind, subject, grade, edition, unit, tags, school_id, community_id, region_code, visibility, views, vec)`.execute(
      db,
    );
  }
  await sql`insert into resource_versions (resource_id, version_no, url) select id, 1, 'https://basic.smartedu.cn/bench/' || id from resources r
    where not exists (select 1 from resource_versions v where v.resource_id = r.id)`.execute(db);
  await sql`update resources r set current_version_id = v.id from resource_versions v where v.resource_id = r.id and r.current_version_id is null`.execute(
    db,
  );
  await sql`analyze resources`.execute(db);
  await sql`analyze resource_versions`.execute(db);
  return performance.now() - started;
}

/** A teacher of a member (village) school: the narrowest scope, the most visibility rules. */
async function makeUsers(db: Db, bureauRegion: string): Promise<void> {
  const hash = await hashPassword(PASSWORD);
  const member = await db
    .selectFrom('community_memberships')
    .select('school_id')
    .where('role', '=', 'member')
    .where('end_date', 'is', null)
    .orderBy('school_id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('users')
    .values([
      {
        username: 'bench_res_bureau',
        display_name: '基准：教育局',
        password_hash: hash,
        role: 'bureau_admin',
        scope_kind: 'region',
        scope_id: bureauRegion,
        teacher_id: null,
      },
      {
        username: 'bench_res_teacher',
        display_name: '基准：乡村教师',
        password_hash: hash,
        role: 'teacher',
        scope_kind: 'school',
        scope_id: String(member.school_id),
        teacher_id: null,
      },
    ])
    .onConflict((oc) => oc.column('username').doNothing())
    .execute();
}

const QUERIES: [string, string][] = [
  ['数学 (common word)', `q=${encodeURIComponent('数学')}`],
  ['复习课件 (phrase)', `q=${encodeURIComponent('复习课件')}`],
  ['Unit 3 英语 (mixed)', `q=${encodeURIComponent('Unit 3 英语')}`],
  ['2025 期中 (numbers)', `q=${encodeURIComponent('2025 期中')}`],
  ['勾股定理 + grade 8', `q=${encodeURIComponent('勾股定理')}&grade=8`],
  ['facets only: math, grade 7', 'subject=math&grade=7'],
];

async function measure(
  label: string,
  env: Pick<BenchEnv, 'runs' | 'warmup' | 'baseUrl'>,
  cookies: Record<string, string>,
  target: number,
): Promise<BenchFigure[]> {
  const out: BenchFigure[] = [];
  for (const [who, cookie] of Object.entries(cookies)) {
    for (const [name, q] of QUERIES) {
      out.push(
        await timeGet(
          { ...env, cookie } as BenchEnv,
          `${label} ${who}: ${name}`,
          `/api/v1/resources?${q}&pageSize=20`,
          target,
        ),
      );
    }
  }
  return out;
}

/** On the runner's PostgreSQL; then again on an in-process PGlite. */
export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const existing = (
    await env.db
      .selectFrom('resources')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  const loadMs = await loadResources(env.db, Math.max(0, RESOURCES - existing));
  figures.push({
    name: `PostgreSQL: load ${RESOURCES.toLocaleString()} resources`,
    value: round(loadMs / 1000),
    unit: 's',
  });
  await makeUsers(env.db, '330000');
  const pgCookies = {
    bureau: await signIn(env.baseUrl, PASSWORD, 'bench_res_bureau'),
    teacher: await signIn(env.baseUrl, PASSWORD, 'bench_res_teacher'),
  };
  figures.push(...(await measure('PostgreSQL', env, pgCookies, 500)));
  figures.push(...(await runPglite(env.runs, env.warmup)));
  return figures;
}

export async function runPglite(runs: number, warmup: number): Promise<BenchFigure[]> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gongjin-bench-res-'));
  let dbh: DbHandle | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    dbh = await connect({});
    await migrateToLatest(dbh.db);
    await loadRegions(dbh.db);
    log('PGlite: seeding the demo county');
    await seedDemo(dbh, { users: false });
    const loadMs = await loadResources(dbh.db, RESOURCES);
    await makeUsers(dbh.db, '330481');
    const config = loadConfig({ GONGJIN_DATA_DIR: tmp, GONGJIN_LOG_LEVEL: 'silent', GONGJIN_DEMO: '0' });
    app = await buildApp(
      { config, dbh, db: dbh.db, storage: new DiskStorage(path.join(tmp, 'files')) },
      { logger: false, webRoot: path.join(tmp, 'no-web') },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const cookies = {
      bureau: await signIn(baseUrl, PASSWORD, 'bench_res_bureau'),
      teacher: await signIn(baseUrl, PASSWORD, 'bench_res_teacher'),
    };
    return [
      { name: `PGlite: load ${RESOURCES.toLocaleString()} resources`, value: round(loadMs / 1000), unit: 's' },
      ...(await measure('PGlite', { runs, warmup, baseUrl }, cookies, 2000)),
    ];
  } finally {
    await app?.close();
    await dbh?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// standalone: `tsx bench/resources.bench.ts --pglite` measures PGlite without a PostgreSQL server
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--pglite')) {
  const { formatTable } = await import('./lib.js');
  const figures = await runPglite(Number(process.env.BENCH_RUNS ?? 20), 3);
  console.log(formatTable('resources (PGlite)', figures));
}
