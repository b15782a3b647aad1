import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import client from 'prom-client';
import type { AppContext } from '../context.js';
import { AppError } from './errors.js';

/**
 * Prometheus metrics at GET /metrics (prom-client), one registry per app so tests and several apps in
 * a process never share counters: request latency by route template and status, Node's process and
 * event-loop figures, the PostgreSQL pool, import jobs by state, and the job queue. Scraping needs
 * `Authorization: Bearer <GONGJIN_METRICS_TOKEN>`; without a token configured the endpoint does not
 * exist (behind a reverse proxy every request looks local, so "local only" would protect nothing).
 */
/** What the job worker reports of each finished run (serve.ts connects the two). */
export interface JobMetrics {
  jobFinished(kind: string, outcome: 'done' | 'failed' | 'dead', seconds: number, result: unknown): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    jobMetrics: JobMetrics;
  }
}

export function registerMetrics(app: FastifyInstance, ctx: AppContext): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const jobDurations = new client.Histogram({
    name: 'gongjin_job_duration_seconds',
    help: 'Background job runs by kind and outcome (done, failed and retried, dead)',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const jobRows = new client.Counter({
    name: 'gongjin_job_rows_total',
    help: 'Rows handled by finished jobs that report them (imports: rows checked or written); rate() gives rows per second',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  app.decorate('jobMetrics', {
    jobFinished(kind, outcome, seconds, result) {
      jobDurations.observe({ kind, outcome }, seconds);
      const rows = (result as { rows?: unknown } | null)?.rows;
      if (outcome === 'done' && typeof rows === 'number' && rows > 0) jobRows.inc({ kind }, rows);
    },
  } satisfies JobMetrics);

  const requests = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    // the route template (/api/v1/schools/:id), never the raw URL: bounded labels, no ids or names
    const route = req.routeOptions.url ?? 'unmatched';
    requests.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  new client.Gauge({
    name: 'gongjin_db_pool_connections',
    help: 'PostgreSQL pool connections by state (the embedded database has no pool)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = ctx.dbh.pool;
      if (!pool) return;
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });

  new client.Gauge({
    name: 'gongjin_import_jobs',
    help: 'Import jobs by kind of import and state',
    labelNames: ['importer', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sql<{ importer: string; status: string; n: number }>`
        select 'registry' as importer, status, count(*)::int as n from import_jobs group by status
        union all
        select 'scores', status, count(*)::int from quality_import_jobs group by status`.execute(ctx.db);
      for (const r of rows.rows) this.set({ importer: r.importer, status: r.status }, r.n);
    },
  });

  new client.Gauge({
    name: 'gongjin_jobs',
    help: 'Background jobs by kind and state (queued includes retries waiting for their back-off)',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await sql<{ kind: string; status: string; n: number }>`
        select kind, status, count(*)::int as n from jobs where status <> 'done' or finished_at > now() - interval '1 day'
        group by kind, status`.execute(ctx.db);
      for (const r of rows.rows) this.set({ kind: r.kind, status: r.status }, r.n);
    },
  });
  new client.Gauge({
    name: 'gongjin_jobs_overdue_seconds',
    help: 'How long the oldest due job has waited to start (0: none waiting); a growing value means too few workers',
    registers: [registry],
    async collect() {
      const r = await sql<{ s: number | null }>`select extract(epoch from now() - min(run_at))::float8 as s from jobs
        where status = 'queued' and run_at <= now()`.execute(ctx.db);
      this.set(Math.max(0, r.rows[0]?.s ?? 0));
    },
  });

  const token = ctx.config.metricsToken;
  if (token) {
    const expected = Buffer.from(`Bearer ${token}`);
    app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new AppError(401, 'unauthenticated');
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    });
  }
  return registry;
}
