/**
 * The production topology without Docker: nginx in front of two Gongjin instances (built dist/, one
 * PostgreSQL database, one shared files directory). Proves, through the proxy:
 *
 *   (a) no lost writes: creates meetings while one instance is killed with SIGKILL; every create
 *       answered 2xx is in the database, none is written twice, and every create sent after the
 *       killed process is gone succeeds (the other instance keeps serving);
 *   (b) no job run twice: jobs queued while both workers compete each run exactly once;
 *   (c) a rolling restart (SIGTERM, wait for the exit, start again, wait for /api/ready; one instance
 *       after the other) under a steady read load loses no request.
 *
 * Waits for states, never for fixed times (generous limits). Prints figures; exits 1 on a violation.
 *
 *   bash scripts/cluster-test.sh            (npm run build first)
 *   CLUSTER_DATABASE_URL=postgres://… tsx scripts/cluster-test.ts [--keep]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from './free-port.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const baseUrl = process.env.CLUSTER_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const nginxBin = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const keep = process.argv.includes('--keep');
const DEMO_PASSWORD = 'cluster-demo-password';
const WRITES = 200;
const WRITE_CONCURRENCY = 8;
const JOBS = 40;
const READ_CONCURRENCY = 4;

const violations: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) violations.push(what);
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `probe` returns a value (not undefined); throws after `limitMs` with `what`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, limitMs: number): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`gave up waiting ${seconds(limitMs)} for ${what}`);
    await sleep(100);
  }
}

/** One Gongjin process (`node bin/gongjin.js serve`), restartable on the same port and log file. */
class Instance {
  child: ChildProcess | null = null;
  exited: Promise<number | null> = Promise.resolve(null);
  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {}

  start(extra: Record<string, string> = {}) {
    const out = fs.openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [path.join(root, 'bin/gongjin.js'), 'serve'], {
      cwd: root,
      env: { ...process.env, ...this.env, ...extra, PORT: String(this.port) },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    void this.exited.then(() => {
      if (this.child === child) this.child = null;
    });
  }

  get running() {
    return this.child !== null;
  }

  async waitReady(limitMs: number) {
    const until = Date.now() + limitMs;
    for (;;) {
      // an exit is final: say so at once instead of after the limit
      if (!this.running) throw new Error(`${this.name} exited during start; see ${this.logFile}`);
      const status = await fetch(`http://127.0.0.1:${this.port}/api/ready`)
        .then(async (r) => (await r.arrayBuffer(), r.status))
        .catch(() => 0);
      if (status === 200) return;
      if (Date.now() > until) throw new Error(`${this.name} not ready after ${seconds(limitMs)}; see ${this.logFile}`);
      await sleep(100);
    }
  }

  /** Sends `signal` and waits for the process to be gone; returns its exit code. */
  async stop(signal: NodeJS.Signals, limitMs = 60_000): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), limitMs)));
    const code = await Promise.race([this.exited, limit]);
    clearTimeout(timer);
    if (code === 'timeout') throw new Error(`${this.name} did not exit within ${seconds(limitMs)} of ${signal}`);
    return code;
  }
}

function nginxConfig(dir: string, listen: number, upstreams: number[]): string {
  // the same proxy rules as deploy/nginx.conf, with every path inside the scratch directory
  return `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  log_format upstreams '$status $request_method "$upstream_addr" "$upstream_status"';
  access_log ${dir}/access.log upstreams;
  client_max_body_size 60m;
  upstream gongjin {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${listen};
    location / {
      proxy_pass http://gongjin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # which instance answered (the rolling restart waits until the proxy uses a restarted one again)
      add_header X-Upstream $upstream_addr always;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      proxy_next_upstream_timeout 15s;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
    }
  }
}
`;
}

interface WriteResult {
  i: number;
  status: number;
  id?: number;
  /** sent after the killed instance's exit was seen */
  afterKill: boolean;
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist/cli/index.js'))) throw new Error('build first (npm run build)');
  if (!fs.existsSync(nginxBin)) throw new Error(`no nginx at ${nginxBin} (apt-get install nginx)`);
  const t0 = Date.now();
  const dbName = `gongjin_cluster_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${dbName}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gongjin-cluster-'));
  // nginx's workers run as an unprivileged user when started by root: they must reach the temp paths
  fs.chmodSync(tmp, 0o755);
  const shared = path.join(tmp, 'shared'); // GONGJIN_DATA_DIR of both: files/ is the shared store
  fs.mkdirSync(shared);
  const [portA, portB, portProxy] = [await freePort(), await freePort(), await freePort()] as [number, number, number];
  const env = {
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrl.toString(),
    GONGJIN_DATA_DIR: shared,
    GONGJIN_DEMO: '0',
    GONGJIN_DEMO_PASSWORD: DEMO_PASSWORD,
    GONGJIN_ADMIN_PASSWORD: 'cluster-admin-password',
    GONGJIN_TRUST_PROXY: '127.0.0.1',
    GONGJIN_LOG_LEVEL: 'info',
  };
  const a = new Instance('A', portA, env, path.join(tmp, 'a.log'));
  const b = new Instance('B', portB, env, path.join(tmp, 'b.log'));
  const nginxDir = path.join(tmp, 'nginx');
  fs.mkdirSync(nginxDir, { mode: 0o755 });
  let nginx: ChildProcess | null = null;
  const db = new pg.Pool({ connectionString: dbUrl.toString(), max: 2 });
  console.log(`cluster: database ${dbName}, A :${portA}, B :${portB}, nginx :${portProxy}, scratch ${tmp}`);

  try {
    // ---- start: A migrates and seeds the demo county once; B joins the migrated database ----
    let t = Date.now();
    a.start({ GONGJIN_DEMO: '1' });
    await a.waitReady(150_000);
    const firstStart = Date.now() - t;
    t = Date.now();
    b.start();
    await b.waitReady(60_000);
    console.log(`started: A (migrate + demo county) ${seconds(firstStart)}, B ${seconds(Date.now() - t)}`);

    fs.writeFileSync(path.join(nginxDir, 'nginx.conf'), nginxConfig(nginxDir, portProxy, [portA, portB]));
    const test = spawnSync(nginxBin, [
      '-t',
      '-p',
      nginxDir,
      '-e',
      path.join(nginxDir, 'error.log'),
      '-c',
      'nginx.conf',
    ]);
    if (test.status !== 0) throw new Error(`nginx -t: ${test.stderr.toString()}`);
    // nginx reads inherited listening sockets from $NGINX: never pass one on
    const { NGINX: _inherited, ...nginxEnv } = process.env;
    nginx = spawn(nginxBin, ['-p', nginxDir, '-e', path.join(nginxDir, 'error.log'), '-c', 'nginx.conf'], {
      stdio: 'inherit',
      env: nginxEnv,
    });
    const proxy = `http://127.0.0.1:${portProxy}`;
    await waitFor(
      'nginx',
      async () => {
        const r = await fetch(`${proxy}/api/health`);
        await r.arrayBuffer();
        return r.ok ? true : undefined;
      },
      30_000,
    );

    const login = await fetch(`${proxy}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bureau', password: DEMO_PASSWORD }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith('gongjin_session='));
    if (!login.ok || !cookie) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const community = (await db.query<{ id: number }>('select id from communities order by id limit 1')).rows[0];
    if (!community) throw new Error('the demo county has no community');

    // ---- (b) no job run twice: both workers compete for the same queue ----
    console.log(`\n(b) ${JOBS} jobs, two workers`);
    t = Date.now();
    const queued = await db.query<{ id: string }>(
      `insert into jobs (kind, payload, max_attempts, timeout_seconds)
       select 'dashboard.prune-snapshots', '{"keepDays": 3650}'::jsonb, 5, 60 from generate_series(1, $1)
       returning id`,
      [JOBS],
    );
    const jobIds = queued.rows.map((r) => Number(r.id));
    const jobs = await waitFor(
      'the jobs to finish',
      async () => {
        const r = await db.query<{ id: string; status: string; attempts: number }>(
          'select id, status, attempts from jobs where id = any($1::bigint[])',
          [jobIds],
        );
        return r.rows.every((x) => x.status === 'done' || x.status === 'dead') ? r.rows : undefined;
      },
      120_000,
    );
    // each instance logs 'job done' with the job id: a job run by both would appear twice
    const ranBy = new Map<number, string[]>();
    for (const inst of [a, b])
      for (const line of fs.readFileSync(inst.logFile, 'utf8').split('\n')) {
        if (!line.includes('"job done"')) continue;
        const entry = JSON.parse(line) as { jobId?: number };
        if (entry.jobId !== undefined && jobIds.includes(entry.jobId))
          ranBy.set(entry.jobId, [...(ranBy.get(entry.jobId) ?? []), inst.name]);
      }
    const byA = [...ranBy.values()].filter((v) => v.join() === 'A').length;
    const byB = [...ranBy.values()].filter((v) => v.join() === 'B').length;
    console.log(`  ${JOBS} jobs in ${seconds(Date.now() - t)}: ${byA} run by A, ${byB} by B`);
    check(
      jobs.every((j) => j.status === 'done' && j.attempts === 1),
      `every job done after exactly one attempt (${jobs.filter((j) => j.status === 'done' && j.attempts === 1).length}/${JOBS})`,
    );
    check(
      jobIds.every((id) => ranBy.get(id)?.length === 1),
      `every job logged as run exactly once across both instances (${[...ranBy.values()].filter((v) => v.length === 1).length}/${JOBS})`,
    );

    // ---- (a) writes through nginx while B is killed with SIGKILL midway ----
    console.log(`\n(a) ${WRITES} creates through nginx, B killed (SIGKILL) after ${WRITES / 2} answers`);
    t = Date.now();
    const tag = `cluster-${process.pid}`;
    const results: WriteResult[] = [];
    let next = 0;
    let answered = 0;
    let killSent = false;
    let killed = false;
    let killing: Promise<unknown> = Promise.resolve();
    const writer = async () => {
      for (let i = next++; i < WRITES; i = next++) {
        // the last fifth is sent only once B is gone: the check below never runs out of requests
        if (i >= WRITES * 0.8) await killing;
        const afterKill = killed;
        const startsAt = new Date(Date.UTC(2027, 0, 1, 8) + i * 3_600_000).toISOString();
        let status: number;
        let id: number | undefined;
        try {
          const r = await fetch(`${proxy}/api/v1/meetings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie },
            body: JSON.stringify({
              communityId: community.id,
              kind: 'regular',
              title: `${tag}-${i}`,
              startsAt,
              place: '集群测试',
            }),
          });
          status = r.status;
          const body = (await r.json().catch(() => null)) as { id?: number } | null;
          if (r.ok) id = body?.id;
        } catch {
          status = 0; // the proxy connection failed
        }
        results.push({ i, status, afterKill, ...(id !== undefined ? { id } : {}) });
        if (++answered >= WRITES / 2 && !killSent) {
          killSent = true;
          killing = b.stop('SIGKILL').then(() => (killed = true));
        }
      }
    };
    await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, writer));
    await killing;
    const ok = results.filter((r) => r.status >= 200 && r.status < 300);
    const failed = results.filter((r) => !(r.status >= 200 && r.status < 300));
    const stored = await db.query<{ id: number; title: string }>('select id, title from meetings where title like $1', [
      `${tag}-%`,
    ]);
    const storedById = new Map(stored.rows.map((r) => [r.id, r.title]));
    const titles = stored.rows.map((r) => r.title);
    const lost = ok.filter((r) => r.id === undefined || storedById.get(r.id) !== `${tag}-${r.i}`);
    const afterKill = results.filter((r) => r.afterKill);
    console.log(
      `  ${results.length} requests in ${seconds(Date.now() - t)}: ${ok.length} answered 2xx, ${failed.length} failed` +
        ` (${failed.map((r) => r.status).join(', ') || 'none'}; in flight at the kill); ${stored.rowCount} rows stored` +
        ` (${stored.rowCount! - ok.length} written but unanswered); ${afterKill.length} sent after B was gone`,
    );
    check(lost.length === 0, `no lost write: every 2xx create is in the database (${lost.length} missing)`);
    check(new Set(titles).size === titles.length, 'no create written twice (the proxy never re-sent a POST)');
    check(
      afterKill.length > 0 && afterKill.every((r) => r.status >= 200 && r.status < 300),
      `A kept serving: every create sent after B was gone succeeded (${afterKill.filter((r) => r.status >= 200 && r.status < 300).length}/${afterKill.length})`,
    );

    t = Date.now();
    b.start();
    await b.waitReady(60_000);
    console.log(`  B restarted after SIGKILL, ready in ${seconds(Date.now() - t)}`);

    // ---- (c) rolling restart under a steady read load ----
    console.log('\n(c) rolling restart (A, then B) under a steady read load');
    t = Date.now();
    let reads = 0;
    const readFailures: string[] = [];
    let reading = true;
    const reader = async () => {
      while (reading) {
        const url = reads % 2 ? '/api/v1/meetings?pageSize=20' : '/api/v1/auth/me';
        try {
          const r = await fetch(`${proxy}${url}`, { headers: { cookie, accept: 'application/json' } });
          await r.arrayBuffer();
          if (!r.ok) readFailures.push(`${url} → ${r.status}`);
        } catch (e) {
          readFailures.push(`${url} → ${e instanceof Error ? e.message : String(e)}`);
        }
        reads++;
      }
    };
    const load = Promise.all(Array.from({ length: READ_CONCURRENCY }, reader));
    const restarts: string[] = [];
    /** Waits until nginx passes requests to the instance again (after a failure it waits fail_timeout). */
    const backBehindNginx = (inst: typeof a) =>
      waitFor(
        `nginx to send requests to ${inst.name} again`,
        async () => {
          const r = await fetch(`${proxy}/api/health`);
          await r.arrayBuffer();
          return r.headers.get('x-upstream') === `127.0.0.1:${inst.port}` ? true : undefined;
        },
        60_000,
      );
    for (const inst of [a, b]) {
      const before = reads;
      await waitFor('some reads before the restart', async () => (reads >= before + 50 ? true : undefined), 60_000);
      // the other instance must be live behind nginx before this one stops: B was killed in (a) and
      // nginx keeps a failed upstream out for fail_timeout even once it is ready again
      await backBehindNginx(inst === a ? b : a);
      const s = Date.now();
      const code = await inst.stop('SIGTERM');
      const down = Date.now() - s;
      inst.start();
      await inst.waitReady(60_000);
      const ready = Date.now() - s - down;
      // nginx took the instance out when its connections were refused; it tries it again after
      // fail_timeout. Stopping the other one before then would leave nginx with no live upstream.
      await backBehindNginx(inst);
      restarts.push(
        `${inst.name}: exit ${code} after ${seconds(down)}, ready again ${seconds(ready)}, back behind nginx ${seconds(Date.now() - s - down)}`,
      );
      check(code === 0, `${inst.name} shut down cleanly on SIGTERM (exit ${code})`);
    }
    const before = reads;
    await waitFor('some reads after the restarts', async () => (reads >= before + 50 ? true : undefined), 60_000);
    reading = false;
    await load;
    console.log(`  ${restarts.join('; ')}`);
    console.log(`  ${reads} reads in ${seconds(Date.now() - t)}, ${readFailures.length} failed`);
    check(readFailures.length === 0, `zero failed reads (${readFailures.slice(0, 5).join('; ') || 'none'})`);

    // what nginx saw: requests per upstream and those it passed to the other instance
    const lines = fs.readFileSync(path.join(nginxDir, 'access.log'), 'utf8').trim().split('\n');
    const perUpstream = new Map<string, number>();
    let retried = 0;
    for (const line of lines) {
      const addrs = /"([^"]*)"/.exec(line)?.[1] ?? '';
      if (addrs.includes(',')) retried++;
      const last = addrs.split(',').pop()?.trim() ?? '';
      perUpstream.set(last, (perUpstream.get(last) ?? 0) + 1);
    }
    console.log(
      `\nnginx: ${lines.length} requests; served by ${[...perUpstream].map(([k, v]) => `${k === `127.0.0.1:${portA}` ? 'A' : k === `127.0.0.1:${portB}` ? 'B' : k} ${v}`).join(', ')}; ${retried} passed on to the other instance`,
    );
  } catch (e) {
    violations.push(e instanceof Error ? e.message : String(e));
    throw e;
  } finally {
    await Promise.all([a, b].map((i) => i.stop('SIGKILL').catch(() => undefined)));
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGTERM');
      await new Promise((r) => nginx!.once('exit', r));
    }
    await db.end();
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`);
    await c.end();
    if (keep || violations.length) console.log(`logs kept in ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(
    `\ncluster test: ${violations.length ? `${violations.length} VIOLATION(S)` : 'all checks passed'} in ${seconds(Date.now() - t0)}`,
  );
  process.exitCode = violations.length ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
