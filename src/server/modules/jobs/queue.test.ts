import { sql } from 'kysely';
import { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobKind } from '../../contracts/job.js';
import { buildUser, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { afterFailure, retryDelaySeconds } from './jobs.rules.js';
import { claimJob, enqueueJob } from './queue.js';
import { JobWorker } from './worker.js';

let t: TestApp;
let admin: Client;
/** what the test kinds did, one row per run */
const runs = () =>
  sql<{ job: string; n: number }>`select job, n from job_test_runs order by seq`.execute(t.ctx.db).then((r) => r.rows);

beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  await sql`create table job_test_runs (seq serial, job text, n int)`.execute(t.ctx.db);
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await sql`delete from jobs; delete from job_schedules; delete from job_test_runs`.execute(t.ctx.db);
});

const record: JobKind<{ n: number }> = {
  name: 'test.record',
  payload: z.object({ n: z.number().int() }),
  async run({ n }, { db }) {
    await sql`insert into job_test_runs (job, n) values ('record', ${n})`.execute(db);
    return { recorded: n };
  },
};
let failuresLeft = 0;
const flaky: JobKind<{ n: number }> = {
  name: 'test.flaky',
  payload: z.object({ n: z.number().int() }),
  maxAttempts: 3,
  async run({ n }, { db }) {
    await sql`insert into job_test_runs (job, n) values ('flaky', ${n})`.execute(db);
    if (failuresLeft-- > 0) throw new Error('the SMTP server refused: 554 try later');
  },
};
const hangs: JobKind<Record<string, never>> = {
  name: 'test.hangs',
  payload: z.object({}),
  timeoutSeconds: 1,
  maxAttempts: 2,
  run: (_p, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ aborted: true }))),
};
const kinds = [record, flaky, hangs] as JobKind<unknown>[];
const job = (id: number) => t.ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
/** lets a retry's back-off pass without waiting for it */
const dueNow = () => sql`update jobs set run_at = now() where status = 'queued'`.execute(t.ctx.db);

describe('the job queue', () => {
  it('runs a job once and keeps what it did', async () => {
    const id = (await enqueueJob(t.ctx.db, record, { n: 7 }))!;
    await new JobWorker(t.ctx, kinds).drain();
    expect(await runs()).toEqual([{ job: 'record', n: 7 }]);
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 1, result: { recorded: 7 }, locked_by: null });
  });

  it('refuses a payload that does not fit at enqueue, and fails a stored one that no longer fits, saying why', async () => {
    await expect(enqueueJob(t.ctx.db, record, { n: 'seven' } as never)).rejects.toThrow();
    // a job written by an older version whose payload shape changed since
    const old = await t.ctx.db
      .insertInto('jobs')
      .values({ kind: 'test.record', payload: JSON.stringify({ count: 7 }), max_attempts: 5, timeout_seconds: 60 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await new JobWorker(t.ctx, kinds).drain();
    const row = await job(Number(old.id));
    expect(row.status).toBe('dead');
    expect(row.last_error).toContain('the payload no longer fits test.record: n');
    expect(await runs()).toEqual([]);
  });

  it('retries a failure after a growing back-off, and keeps it dead after the last attempt', async () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([5, 10, 20, 40]);
    expect(retryDelaySeconds(20)).toBe(3600);
    expect(afterFailure(3, 3)).toEqual({ status: 'dead', delaySeconds: 0 });
    failuresLeft = 10;
    const id = (await enqueueJob(t.ctx.db, flaky, { n: 1 }))!;
    const worker = new JobWorker(t.ctx, kinds);
    await worker.drain();
    let row = await job(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'the SMTP server refused: 554 try later' });
    const wait = (new Date(row.run_at).getTime() - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(2);
    expect(wait).toBeLessThanOrEqual(5);
    await worker.drain(); // not due yet: nothing runs
    expect(await runs()).toHaveLength(1);
    await dueNow();
    await worker.drain();
    await dueNow();
    await worker.drain();
    row = await job(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.finished_at).not.toBeNull();
    expect(await runs()).toHaveLength(3);
  });

  it('abandons a run past its time and retries it', async () => {
    const id = (await enqueueJob(t.ctx.db, hangs, {}))!;
    await new JobWorker(t.ctx, kinds).drain();
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'timed out after 1 s' });
  });

  it('takes back a job whose worker died, once its lease has run out, and runs it', async () => {
    const id = (await enqueueJob(t.ctx.db, record, { n: 3 }))!;
    // a worker claims it and dies (nothing will ever complete it)
    const claimed = await claimJob(t.ctx.db, ['test.record'], 'dead-worker:1');
    expect(claimed?.id).toBe(id);
    const worker = new JobWorker(t.ctx, kinds);
    await worker.drain();
    expect(await job(id)).toMatchObject({ status: 'running', locked_by: 'dead-worker:1' }); // its lease still runs
    await sql`update jobs set locked_until = now() - interval '1 second' where id = ${id}`.execute(t.ctx.db);
    await worker.drain();
    const back = await job(id);
    expect(back.status).toBe('queued');
    expect(back.last_error).toContain('lease expired');
    await dueNow();
    await worker.drain();
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await runs()).toEqual([{ job: 'record', n: 3 }]);
  });

  it('keeps the lease of a long job alive while its worker lives, however long the job runs', async () => {
    const slow: JobKind<Record<string, never>> = { ...hangs, name: 'test.slow-lease', timeoutSeconds: 3600 };
    const id = (await enqueueJob(t.ctx.db, slow, {}))!;
    const owner = new JobWorker(t.ctx, [slow as JobKind<unknown>], [], { pollMs: 60_000, leaseSeconds: 30 });
    await owner.tick();
    expect(await job(id)).toMatchObject({ status: 'running' });
    // its lease has (as far as the database knows) run out, e.g. while a long transaction held the
    // embedded database: the owner's next round renews it instead of taking its own job back
    await sql`update jobs set locked_until = now() - interval '1 second' where id = ${id}`.execute(t.ctx.db);
    await owner.tick();
    const renewed = await sql<{ ahead: boolean }>`select locked_until > now() + interval '20 seconds' as ahead
      from jobs where id = ${id}`.execute(t.ctx.db);
    expect(renewed.rows[0]!.ahead).toBe(true);
    expect(await job(id)).toMatchObject({ status: 'running', attempts: 1 });
    await owner.stop(10);
  });

  it('lets the module clean up once a job is dead: after its last failure and after its last lost lease', async () => {
    const dead: { n: number; reason: string }[] = [];
    const doomed: JobKind<{ n: number }> = {
      name: 'test.doomed',
      payload: z.object({ n: z.number().int() }),
      maxAttempts: 1,
      async run() {
        throw new Error('the file is unreadable');
      },
      async onDead({ n }, _ctx, reason) {
        dead.push({ n, reason });
      },
    };
    const worker = new JobWorker(t.ctx, [doomed as JobKind<unknown>]);
    await enqueueJob(t.ctx.db, doomed, { n: 1 });
    await worker.drain();
    expect(dead).toEqual([{ n: 1, reason: 'the file is unreadable' }]);
    // a worker takes the next one and dies: its lease runs out on its last attempt
    const id = (await enqueueJob(t.ctx.db, doomed, { n: 2 }))!;
    await claimJob(t.ctx.db, ['test.doomed'], 'dead-worker:2');
    await sql`update jobs set locked_until = now() - interval '1 second' where id = ${id}`.execute(t.ctx.db);
    await worker.drain();
    expect(await job(id)).toMatchObject({ status: 'dead' });
    expect(dead[1]).toMatchObject({ n: 2, reason: expect.stringContaining('lease expired') });
    expect(dead).toHaveLength(2);
  });

  it('never runs a job twice with several workers taking from one queue', async () => {
    for (let n = 0; n < 40; n++) await enqueueJob(t.ctx.db, record, { n });
    const workers = [0, 1, 2].map(() => new JobWorker(t.ctx, kinds, [], { concurrency: 4 }));
    await Promise.all(workers.map((w) => w.drain()));
    const done = await runs();
    expect(done).toHaveLength(40);
    expect(new Set(done.map((r) => r.n)).size).toBe(40);
  });

  it('enqueues a due schedule once however many instances look, and not again before its period', async () => {
    const schedules = [{ name: 'test.every-hour', kind: 'test.record', everySeconds: 3600, payload: { n: 99 } }];
    const workers = [0, 1, 2].map(() => new JobWorker(t.ctx, kinds, schedules));
    await Promise.all(workers.map((w) => w.drain()));
    await Promise.all(workers.map((w) => w.drain()));
    expect(await runs()).toEqual([{ job: 'record', n: 99 }]);
    const next = await t.ctx.db.selectFrom('job_schedules').select('next_run_at').executeTakeFirstOrThrow();
    expect(new Date(next.next_run_at).getTime() - Date.now()).toBeGreaterThan(3500_000);
  });

  it('hands running jobs back to the queue when it stops, without spending an attempt', async () => {
    const slow: JobKind<Record<string, never>> = { ...hangs, name: 'test.slow', timeoutSeconds: 600 };
    const id = (await enqueueJob(t.ctx.db, slow, {}))!;
    const worker = new JobWorker(t.ctx, [slow as JobKind<unknown>], [], { pollMs: 60_000 });
    await worker.start();
    await expect.poll(async () => (await job(id)).status).toBe('running');
    await worker.stop(50);
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0, locked_by: null });
  });
});

describe('the jobs page API', () => {
  it('lets the national administrator see, retry and discard jobs; nobody else', async () => {
    failuresLeft = 1;
    const id = (await enqueueJob(t.ctx.db, flaky, { n: 5 }))!;
    await sql`update jobs set attempts = max_attempts - 1 where id = ${id}`.execute(t.ctx.db);
    await new JobWorker(t.ctx, kinds).drain();
    expect((await job(id)).status).toBe('dead');

    const county = await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: '330481' });
    const countyClient = await login(t.app, county.username, USER_PASSWORD);
    expect((await countyClient.get('/api/v1/jobs')).statusCode).toBe(403);
    expect((await countyClient.post(`/api/v1/jobs/${id}/retry`)).statusCode).toBe(403);

    const list = await admin.get('/api/v1/jobs?status=dead');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      total: 1,
      counts: { dead: 1 },
      items: [{ id, kind: 'test.flaky', status: 'dead', lastError: 'the SMTP server refused: 554 try later' }],
    });

    expect((await admin.post(`/api/v1/jobs/${id}/retry`)).statusCode).toBe(204);
    expect((await admin.post(`/api/v1/jobs/${id}/retry`)).statusCode).toBe(409); // queued, not dead
    await new JobWorker(t.ctx, kinds).drain();
    expect(await job(id)).toMatchObject({ status: 'done', attempts: 1 });

    expect((await admin.delete(`/api/v1/jobs/${id}`)).statusCode).toBe(204);
    expect((await admin.delete(`/api/v1/jobs/${id}`)).statusCode).toBe(404);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'job')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['retry', 'delete']);
  });
});
