import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { z } from 'zod';
import type { JobContext, JobKind } from '../../contracts/job.js';
import type { ReportKind } from '../../contracts/report.js';
import type { JobBell } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { callerSchema, type Actor, type Caller } from '../../http/actor.js';
import { AppError, fieldIssue, NotFoundError, ruleViolation, ValidationError } from '../../http/errors.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { formatMessage, type Lang } from '../../../shared/messages.js';
import type { ReportJob, ReportRequest, ReportStatus } from '../../../shared/reports.schemas.js';
import { describeIssue } from '../../../shared/validation.js';
import { recordAudit } from '../audit/index.js';
import { enqueueJob } from '../jobs/index.js';
import type { GongjinModule } from '../module.js';
import { reportKindsOf } from './reports.registry.js';

/** A finished report's file (and a failed report's row) is kept this long, then swept. */
export const REPORT_RETENTION_DAYS = 7;
/** "My recent reports" lists at most this many. */
const RECENT = 20;
const LABEL = { zh: '报表任务', en: 'report' };

export const generatePayload = z.object({
  reportId: z.string().uuid(),
  caller: callerSchema,
  lang: z.enum(['zh', 'en']),
});
export type GeneratePayload = z.infer<typeof generatePayload>;

/** The job that writes one report's file (reports.jobs.ts runs it). */
export const GENERATE: Pick<JobKind<GeneratePayload>, 'name' | 'payload' | 'maxAttempts' | 'timeoutSeconds'> = {
  name: 'reports.generate',
  payload: generatePayload,
  // a crash or a lost worker is worth one more try; a generator's own failure usually is not
  maxAttempts: 2,
  timeoutSeconds: 1800,
};

interface Row {
  id: string;
  kind: string;
  params: unknown;
  status: ReportStatus;
  progress: number;
  message: string | null;
  file_key: string | null;
  file_name: string | null;
  content_type: string | null;
  size: string | number | null;
  created_by: number;
  created_at: string | Date;
  finished_at: string | Date | null;
  expires_at: string | Date | null;
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

/** Reports users ask for in the background: checked and queued at once, written by the job queue. */
export class ReportsService {
  private readonly kinds: ReadonlyMap<string, ReportKind<unknown>>;

  constructor(
    private readonly db: Db,
    private readonly storage: BlobStorage,
    private readonly modules: readonly GongjinModule[],
    private readonly bell?: JobBell,
  ) {
    this.kinds = reportKindsOf(modules);
  }

  private toJob(r: Row): ReportJob {
    return {
      id: r.id,
      kind: r.kind,
      label: this.kinds.get(r.kind)?.label ?? { zh: r.kind, en: r.kind },
      status: r.status,
      progress: r.progress,
      message: r.message,
      fileName: r.file_name,
      contentType: r.content_type,
      size: r.size === null ? null : Number(r.size),
      createdAt: iso(r.created_at)!,
      finishedAt: iso(r.finished_at),
      expiresAt: iso(r.expires_at),
    };
  }

  /**
   * Checks the kind, its parameters and the user's access now (a refused request fails here, as the
   * synchronous download would), then records and queues it in one transaction.
   */
  async create(caller: Caller, req: ReportRequest, lang: Lang): Promise<ReportJob> {
    const kind = this.kinds.get(req.kind);
    if (!kind) throw new ValidationError([fieldIssue('kind', 'unknown_report', '没有这种报表', 'No such report')]);
    const parsed = kind.params.safeParse(req.params);
    if (!parsed.success)
      throw new ValidationError(
        parsed.error.issues.map((i) => {
          const d = describeIssue(i);
          return fieldIssue(['params', ...i.path.map(String)].join('.'), i.code, d.zh, d.en);
        }),
      );
    await kind.authorize(caller.actor, parsed.data, this.db, this.modules);
    const id = randomUUID();
    await this.db.transaction().execute(async (tx) => {
      await sql`insert into report_jobs (id, kind, params, created_by)
        values (${id}, ${kind.name}, ${JSON.stringify(parsed.data ?? {})}::jsonb, ${caller.actor.userId})`.execute(tx);
      await enqueueJob(tx, GENERATE, { reportId: id, caller, lang });
      await recordAudit(tx, caller, {
        action: 'create',
        entity: 'report_job',
        entityId: id,
        after: { kind: kind.name, ...(parsed.data as Record<string, unknown>) },
      });
    });
    this.bell?.ring(); // after the commit: this instance's worker starts it now
    return this.get(caller.actor, id);
  }

  /** Only the user who asked sees a report (another's is "not found", not "forbidden"). */
  private async own(actor: Actor, id: string): Promise<Row> {
    const r = await sql<Row>`select * from report_jobs where id = ${id} and created_by = ${actor.userId}`.execute(
      this.db,
    );
    if (!r.rows[0]) throw new NotFoundError('report_job', id, LABEL);
    return r.rows[0];
  }

  async get(actor: Actor, id: string): Promise<ReportJob> {
    return this.toJob(await this.own(actor, id));
  }

  async list(actor: Actor): Promise<ReportJob[]> {
    const r = await sql<Row>`select * from report_jobs where created_by = ${actor.userId}
      order by created_at desc, id limit ${RECENT}`.execute(this.db);
    return r.rows.map((x) => this.toJob(x));
  }

  async file(actor: Actor, id: string) {
    const row = await this.own(actor, id);
    if (row.status !== 'done' || !row.file_key)
      throw ruleViolation(409, '报表尚未生成完成', 'The report is not ready yet');
    return {
      stream: await this.storage.get(row.file_key),
      fileName: row.file_name ?? 'report',
      contentType: row.content_type ?? 'application/octet-stream',
      size: Number(row.size ?? 0),
    };
  }
}

/**
 * The generator's progress, written to the row without a write per call: one update at a time,
 * each with the latest value (a generator may report every row it writes). Never goes backwards.
 */
function progressWriter(db: Db, id: string) {
  let latest = 0;
  let written = 0;
  let pumping: Promise<void> | null = null;
  const pump = async () => {
    while (latest !== written) {
      const v = latest;
      await sql`update report_jobs set progress = ${v} where id = ${id} and status = 'running'`.execute(db);
      written = v;
    }
  };
  const start = () => {
    pumping = pump()
      .catch(() => undefined) // progress is a courtesy; the outcome is written separately
      .finally(() => {
        pumping = null;
        if (latest !== written) start();
      });
  };
  return {
    report(pct: number) {
      const v = Math.max(0, Math.min(99, Math.floor(Number.isFinite(pct) ? pct : 0))); // 100 is "done"
      if (v <= latest) return;
      latest = v;
      if (!pumping) start();
    },
    async flush() {
      while (pumping) await pumping;
    },
  };
}

/** A failure worth telling the user: their access or the data changed (not a crash). */
function userFacing(e: unknown, lang: Lang): string | null {
  if (e instanceof AppError) {
    const reason = e.params[lang === 'en' ? 'reasonEn' : 'reason'];
    return typeof reason === 'string' ? reason : formatMessage(e.code, e.params, lang);
  }
  if (e instanceof z.ZodError)
    return e.issues
      .map((i) => `${i.path.join('.')}: ${lang === 'en' ? describeIssue(i).en : describeIssue(i).zh}`)
      .join('; ');
  return null;
}

export async function markFailed(db: Db, id: string, message: string): Promise<void> {
  await sql`update report_jobs set status = 'failed', message = ${message.slice(0, 2000)}, finished_at = now(),
      expires_at = now() + make_interval(days => ${REPORT_RETENTION_DAYS})
    where id = ${id} and status <> 'done'`.execute(db);
}

const keyOf = (id: string, attempt: number) => `reports/${id}-${attempt}`;

/**
 * One run of a report: access checked again (it may have changed while queued), the file generated
 * and stored, the row done. A refusal or bad parameters fail the report at once; anything else is
 * thrown for the queue to retry, and `onDead` (reports.jobs.ts) marks the last failure.
 */
export async function runReport(p: GeneratePayload, ctx: JobContext): Promise<Record<string, unknown>> {
  const { db, storage, modules } = ctx;
  const r = await sql<Row>`select * from report_jobs where id = ${p.reportId}`.execute(db);
  const row = r.rows[0];
  if (!row) return { missing: true }; // swept meanwhile
  if (row.status === 'done' || row.status === 'failed') return { status: row.status };
  const kind = reportKindsOf(modules).get(row.kind);
  if (!kind) {
    await markFailed(db, row.id, p.lang === 'en' ? `Unknown report ${row.kind}` : `没有这种报表：${row.kind}`);
    return { status: 'failed' };
  }
  await sql`update report_jobs set status = 'running', progress = 0, message = null where id = ${row.id}`.execute(db);
  const progress = progressWriter(db, row.id);
  const key = keyOf(row.id, ctx.attempt);
  let size: number;
  let file;
  try {
    const params = kind.params.parse(row.params);
    await kind.authorize(p.caller.actor, params, db, modules);
    file = await kind.generate(params, {
      actor: p.caller.actor,
      db,
      storage,
      modules,
      lang: p.lang,
      onProgress: progress.report,
      signal: ctx.signal,
    });
    ctx.signal.throwIfAborted();
    const body = file.stream ?? Readable.from(file.buffer ?? Buffer.alloc(0));
    ({ size } = await storage.put(key, body));
  } catch (e) {
    await progress.flush();
    const told = userFacing(e, p.lang);
    if (told !== null) {
      await markFailed(db, row.id, told);
      return { status: 'failed', reason: told };
    }
    const message = e instanceof Error ? e.message : String(e);
    // waiting for another attempt (or for onDead): the user sees why
    await sql`update report_jobs set status = 'queued', message = ${message.slice(0, 2000)} where id = ${row.id} and status = 'running'`.execute(
      db,
    );
    throw e;
  }
  await progress.flush();
  const done = await sql`update report_jobs set status = 'done', progress = 100, message = null, file_key = ${key},
      file_name = ${file.fileName}, content_type = ${file.contentType}, size = ${size}, finished_at = now(),
      expires_at = now() + make_interval(days => ${REPORT_RETENTION_DAYS})
    where id = ${row.id} and status = 'running'`.execute(db);
  if (!Number(done.numAffectedRows ?? 0)) await storage.delete(key); // swept or failed meanwhile
  for (let a = 1; a < ctx.attempt; a += 1) await storage.delete(keyOf(row.id, a)); // an earlier run's leftovers
  return { status: 'done', size };
}

/** Files past their retention are deleted with their rows (a failed report's row too). */
export async function sweepExpiredReports(db: Db, storage: BlobStorage): Promise<number> {
  const r = await sql<{
    id: string;
    file_key: string | null;
  }>`select id, file_key from report_jobs where expires_at < now() order by expires_at limit 1000`.execute(db);
  for (const x of r.rows) {
    if (x.file_key) await storage.delete(x.file_key);
    await sql`delete from report_jobs where id = ${x.id}`.execute(db);
  }
  return r.rows.length;
}
