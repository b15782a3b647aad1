import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { JobBell, type AppContext } from '../context.js';
import { connect, type DbHandle } from '../db/connection.js';
import { migrateToLatest } from '../db/migrate.js';
import type { GongjinModule } from '../modules/module.js';
import { modules } from '../modules/index.js';
import { jobContributions } from '../modules/jobs/jobs.contributions.js';
import { JobWorker } from '../modules/jobs/worker.js';
import { AuthService } from '../modules/auth/auth.service.js';
import { loadRegions } from '../modules/registry/regions.service.js';
import { DiskStorage } from '../storage/blob-storage.js';

export const ADMIN_PASSWORD = 'admin-test-password';
/** The demo accounts' password in tests (seeding paths pass it explicitly; a real start generates one). */
export const DEMO_TEST_PASSWORD = 'demo12345';

export interface TestOptions {
  /** extra environment for loadConfig (GONGJIN_TRUST_PROXY, GONGJIN_LOGIN_LOCK_AFTER …) */
  env?: Record<string, string>;
  /** the clock login throttling and sessions read, so tests move time instead of sleeping */
  now?: () => Date;
  /** the modules to migrate and mount (default: every installed module) */
  modules?: readonly GongjinModule[];
  /** run a job worker (the modules' job kinds, no schedules) while the app lives: imports and reports need one */
  worker?: boolean;
}

/**
 * A fresh database per test file: in-memory PGlite by default, or a new database on the PostgreSQL
 * server named by TEST_DATABASE_URL when the suite runs in its "postgres" project. Files never share
 * data, so they run in parallel and in any order.
 */
/** An empty database (no migrations) of the kind the test project runs on, and how to remove it. */
export async function openTestDatabase(): Promise<{
  dbh: DbHandle;
  databaseUrl: string | undefined;
  dropDatabase: () => Promise<void>;
}> {
  const usePostgres = process.env.GONGJIN_TEST_DB === 'postgres';
  let dropDatabase = async () => {};
  let databaseUrl: string | undefined;
  if (usePostgres) {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) throw new Error('GONGJIN_TEST_DB=postgres needs TEST_DATABASE_URL');
    const name = `gongjin_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const dbh = await connect({ databaseUrl, poolSize: 5 });
  return { dbh, databaseUrl, dropDatabase };
}

export async function createTestContext(
  opts: TestOptions = {},
): Promise<AppContext & { cleanup: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongjin-test-'));
  const { dbh, databaseUrl, dropDatabase } = await openTestDatabase();
  const config = loadConfig({
    GONGJIN_DATA_DIR: dataDir,
    GONGJIN_LOG_LEVEL: process.env.DBG ? 'error' : 'silent',
    GONGJIN_UPLOAD_LIMIT_MB: '5',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...opts.env,
  });
  await migrateToLatest(dbh.db, opts.modules);
  await loadRegions(dbh.db);
  await new AuthService(dbh.db, 1).ensureBootstrapAdmin(ADMIN_PASSWORD);
  return {
    config,
    dbh,
    db: dbh.db,
    storage: new DiskStorage(path.join(dataDir, 'files')),
    ...(opts.now ? { now: opts.now } : {}),
    jobBell: new JobBell(),
    cleanup: async () => {
      await dbh.close();
      await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  close: () => Promise<void>;
}

export async function createTestApp(opts: TestOptions = {}): Promise<TestApp> {
  const ctx = await createTestContext(opts);
  const app = await buildApp(ctx, {
    logger: Boolean(process.env.DBG),
    webRoot: '/nonexistent',
    ...(opts.modules ? { modules: opts.modules } : {}),
  });
  // the app logs nothing in tests; a 5xx is always a bug, so print its cause where CI shows it
  const failures = new WeakMap<object, unknown>();
  app.addHook('onError', async (req, _reply, err) => {
    failures.set(req, err);
  });
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode >= 500)
      console.error(`[test app] ${req.method} ${req.url} → ${reply.statusCode}`, failures.get(req));
  });
  await app.ready();
  const worker = opts.worker
    ? new JobWorker(ctx, jobContributions(opts.modules ?? modules).kinds, [], {
        pollMs: 200,
        modules: opts.modules ?? modules,
        onFinished: (kind, outcome, seconds, result) => app.jobMetrics.jobFinished(kind, outcome, seconds, result),
        log: (level, message, data) => {
          if (level === 'error' || process.env.DBG) console.error(`[test worker] ${message}`, data);
        },
      })
    : null;
  await worker?.start();
  return {
    app,
    ctx,
    close: async () => {
      await worker?.stop(1000);
      await app.close();
      await ctx.cleanup();
    },
  };
}

/** A signed-in client: inject() with the session cookie, JSON by default. */
export class Client {
  constructor(
    readonly app: FastifyInstance,
    readonly cookie: string,
  ) {}
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method,
      url,
      headers: { cookie: this.cookie, ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
  }
  get(url: string, headers?: Record<string, string>) {
    return this.request('GET', url, undefined, headers);
  }
  post(url: string, body?: unknown) {
    return this.request('POST', url, body ?? {});
  }
  patch(url: string, body: unknown) {
    return this.request('PATCH', url, body);
  }
  delete(url: string) {
    return this.request('DELETE', url);
  }
}

export async function login(app: FastifyInstance, username: string, password: string): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'gongjin_session');
  if (!cookie) throw new Error('no session cookie');
  return new Client(app, `gongjin_session=${cookie.value}`);
}

export const loginAdmin = (app: FastifyInstance) => login(app, 'admin', ADMIN_PASSWORD);
