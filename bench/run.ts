/**
 * `npm run bench` — benchmarks against a real PostgreSQL.
 *
 * Creates a fresh database `gongjin_bench_<timestamp>` on the server named by BENCH_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres), migrates it, loads a province-sized demo
 * data set (5,000 schools, ~300,000 teachers), starts the app in-process on a free port, signs in a
 * province bureau administrator and runs every bench/*.bench.ts (each exports `run(env)`). Prints a
 * table per bench, writes bench/results/<bench>.json, drops the database.
 *
 *   tsx bench/run.ts [--schools 5000] [--only registry] [--runs 30] [--keep] [--seed-cache] [--reseed]
 *                    [--duration 30] [--connections 50]
 *
 * `--seed-cache` keeps the seeded data set as a template database `gongjin_bench_seed_<schools>` and
 * copies it for later runs (CREATE DATABASE … TEMPLATE), migrating the copy to the latest schema:
 * seeding a province takes minutes, copying it seconds. `--reseed` rebuilds the template (after a
 * change to the demo generator). `--duration` and `--connections` set the load bench's autocannon run
 * per endpoint (seconds, concurrent connections).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import type { AppContext } from '../src/server/context.js';
import { connect, type Db } from '../src/server/db/connection.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { hashPassword, SESSION_COOKIE } from '../src/server/modules/auth/auth.service.js';
import { seedDemo } from '../src/server/demo/demo.service.js';
import { loadRegions } from '../src/server/modules/registry/regions.service.js';
import { DiskStorage } from '../src/server/storage/blob-storage.js';
import { modules } from '../src/server/modules/index.js';
import { jobContributions } from '../src/server/modules/jobs/jobs.contributions.js';
import { JobWorker } from '../src/server/modules/jobs/worker.js';
import type { DemoSummary } from '../src/server/demo/demo.service.js';
import { ensureProvinceActivities } from './province-data.js';
import { formatTable, round, type BenchEnv, type BenchFigure, type BenchRun } from './lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BENCH_USER = 'bench_bureau';
const BENCH_PASSWORD = 'bench-password-only';

function args() {
  const a = process.argv.slice(2);
  const value = (flag: string) => {
    const i = a.indexOf(flag);
    return i >= 0 ? a[i + 1] : undefined;
  };
  return {
    schools: Number(value('--schools') ?? 5000),
    runs: Number(value('--runs') ?? 30),
    durationS: Number(value('--duration') ?? 30),
    connections: Number(value('--connections') ?? 50),
    only: value('--only'),
    keep: a.includes('--keep'),
    seedCache: a.includes('--seed-cache') || a.includes('--reseed'),
    reseed: a.includes('--reseed'),
  };
}

async function main() {
  const opts = args();
  const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `gongjin_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const files = fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts') && (!opts.only || f === `${opts.only}.bench.ts`))
    .sort();
  if (!files.length) throw new Error(`no bench files${opts.only ? ` named ${opts.only}.bench.ts` : ''} in ${here}`);

  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const template = `gongjin_bench_seed_${opts.schools}`;
  let fromTemplate = false;
  if (opts.seedCache) {
    if (opts.reseed) await admin.query(`drop database if exists ${template} with (force)`);
    const found = await admin.query('select 1 from pg_database where datname = $1', [template]);
    fromTemplate = found.rowCount === 1;
  }
  await admin.query(`create database ${dbName}${fromTemplate ? ` template ${template}` : ''}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongjin-bench-'));
  console.log(`bench database ${dbName}, ${opts.schools} schools, ${opts.runs} runs a request`);

  const dbh = await connect({ databaseUrl: url.toString(), poolSize: 10 });
  let app: BenchEnv['app'] | undefined;
  let worker: JobWorker | undefined;
  let failed = false;
  try {
    await migrateToLatest(dbh.db);
    let summary: DemoSummary;
    let seedMs = 0;
    if (fromTemplate) {
      summary = await readSeedSummary(dbh.db);
      console.log(`copied the seeded data set from ${template}: ${JSON.stringify(summary)}`);
    } else {
      await loadRegions(dbh.db);
      const started = performance.now();
      summary = await seedDemo(dbh, { schools: opts.schools, users: false });
      seedMs = performance.now() - started;
      console.log(`seedDemo: ${JSON.stringify(summary)} in ${(seedMs / 1000).toFixed(1)} s`);
      if (opts.seedCache) {
        const ms = await ensureProvinceActivities(dbh.db);
        if (ms !== null) console.log(`loaded the province's activities in ${(ms / 1000).toFixed(1)} s`);
      }
      await sql`create table bench_seed_summary (summary jsonb not null)`.execute(dbh.db);
      await sql`insert into bench_seed_summary values (${JSON.stringify(summary)}::jsonb)`.execute(dbh.db);
    }
    // a live server's autovacuum would have vacuumed and analysed the tables after loading them: fresh
    // statistics, visibility maps that let index-only scans skip the heap, GIN pending lists merged
    await dbh.pool?.query('vacuum analyze');
    if (opts.seedCache && !fromTemplate) {
      // the template is taken before the bench user and any bench writes exist
      await dbh.close();
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`create database ${template} template ${dbName}`);
      await c.end();
      console.log(`kept the seeded data set as ${template} for --seed-cache runs`);
      Object.assign(dbh, await connect({ databaseUrl: url.toString(), poolSize: 10 }));
    }

    await dbh.db
      .insertInto('users')
      .values({
        username: BENCH_USER,
        display_name: '浙江省教育厅（基准测试）',
        password_hash: await hashPassword(BENCH_PASSWORD),
        role: 'bureau_admin',
        scope_kind: 'region',
        scope_id: '330000',
        teacher_id: null,
      })
      .execute();

    const config = loadConfig({
      GONGJIN_DATA_DIR: tmpDir,
      DATABASE_URL: url.toString(),
      GONGJIN_LOG_LEVEL: 'silent',
      GONGJIN_DEMO: '0',
      GONGJIN_UPLOAD_LIMIT_MB: '200',
    });
    const ctx: AppContext = { config, dbh, db: dbh.db, storage: new DiskStorage(path.join(tmpDir, 'files')) };
    app = await buildApp(ctx, { logger: false, webRoot: path.join(tmpDir, 'no-web') });
    // the score bench's million-row workbook unpacks to more than the default 200 MB an import may
    // (io/sheet.ts importLimits, read from the environment); a bench machine is trusted with it
    process.env.GONGJIN_IMPORT_MAX_UNPACKED_MB ??= '1024';
    // the job queue's work (import checks and commits, reports) runs as on a server; the schedules do
    // not, so no periodic job lands in the middle of a measurement
    worker = new JobWorker(ctx, jobContributions(modules).kinds, [], { modules });
    await worker.start();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const appUrl = `http://127.0.0.1:${address.port}`;

    const login = await fetch(`${appUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: BENCH_USER, password: BENCH_PASSWORD }),
    });
    const token = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (!login.ok || !token) throw new Error(`login failed: ${login.status} ${await login.text()}`);

    const env: BenchEnv = {
      schools: opts.schools,
      runs: opts.runs,
      warmup: 3,
      durationS: opts.durationS,
      connections: opts.connections,
      dbh,
      db: dbh.db,
      app,
      baseUrl: appUrl,
      cookie: token,
      setup: { seedMs, summary },
      tmpDir,
    };
    const resultsDir = path.join(here, 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    for (const file of files) {
      const name = file.replace(/\.bench\.ts$/, '');
      const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run?: BenchRun };
      if (typeof mod.run !== 'function') throw new Error(`${file} does not export run(env)`);
      const t0 = performance.now();
      let figures: BenchFigure[];
      try {
        figures = await mod.run(env);
      } catch (e) {
        figures = [
          {
            name: 'bench crashed',
            value: NaN,
            unit: 'count',
            pass: false,
            detail: { error: e instanceof Error ? (e.stack ?? e.message) : String(e) },
          },
        ];
      }
      console.log(formatTable(name, figures));
      const out = {
        bench: name,
        at: new Date().toISOString(),
        durationS: round((performance.now() - t0) / 1000),
        machine: {
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model ?? '',
          memoryGB: round(os.totalmem() / 1024 ** 3),
          node: process.version,
          platform: `${os.platform()} ${os.release()}`,
        },
        data: { requestedSchools: opts.schools, ...summary },
        figures,
        pass: figures.every((f) => f.pass !== false),
      };
      fs.writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(out, null, 2)}\n`);
      if (!out.pass) failed = true;
    }
  } finally {
    await worker?.stop(10_000).catch(() => undefined);
    await app?.close().catch(() => undefined);
    await dbh.close();
    fs.rmSync(tmpDir, { recursive: true, force: true });
    if (!opts.keep) {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${dbName} with (force)`);
      await c.end();
    } else console.log(`kept database ${url.toString()}`);
  }
  console.log(failed ? '\nsome figures FAILED their targets' : '\nall figures within target');
  process.exitCode = failed ? 1 : 0;
}

async function readSeedSummary(db: Db): Promise<DemoSummary> {
  const { rows } = await sql<{ summary: DemoSummary }>`select summary from bench_seed_summary`.execute(db);
  if (!rows[0]) throw new Error('the seed template has no bench_seed_summary: run with --reseed');
  return rows[0].summary;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
