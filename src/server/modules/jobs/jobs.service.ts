import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { paged } from '../../db/paging.js';
import type { Actor, Caller } from '../../http/actor.js';
import { ForbiddenError, NotFoundError, ruleViolation } from '../../http/errors.js';
import type { JobListQuery, JobView } from '../../../shared/jobs.schemas.js';
import { NATION_CODE } from '../../../shared/regions.js';
import { recordAudit } from '../audit/index.js';

const LABEL = { zh: '后台任务', en: 'background job' };

/** The queue serves the whole deployment: only the national administrator sees and handles it. */
export const mayManageJobs = (actor: Actor): boolean =>
  actor.role === 'bureau_admin' && actor.scope.kind === 'region' && actor.scope.id === NATION_CODE;

export class JobsService {
  constructor(private readonly db: Db) {}

  async list(
    actor: Actor,
    q: JobListQuery,
  ): Promise<{ items: JobView[]; total: number; counts: Record<string, number> }> {
    if (!mayManageJobs(actor)) throw new ForbiddenError();
    let query = this.db.selectFrom('jobs');
    if (q.status) query = query.where('status', '=', q.status);
    if (q.kind) query = query.where('kind', '=', q.kind);
    const [rows, total, counts] = await Promise.all([
      query.selectAll().orderBy('id', 'desc').$call(paged(q)).execute(),
      query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      this.db
        .selectFrom('jobs')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .groupBy('status')
        .execute(),
    ]);
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        status: r.status as JobView['status'],
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        runAt: new Date(r.run_at).toISOString(),
        createdAt: new Date(r.created_at).toISOString(),
        startedAt: r.started_at ? new Date(r.started_at).toISOString() : null,
        finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
        lastError: r.last_error,
        result: (r.result as Record<string, unknown> | null) ?? null,
      })),
      total: total.n,
      counts: Object.fromEntries(counts.map((c) => [c.status, c.n])),
    };
  }

  /** A dead job runs again, with all its attempts. */
  async retry(caller: Caller, id: number): Promise<void> {
    if (!mayManageJobs(caller.actor)) throw new ForbiddenError();
    await this.db.transaction().execute(async (tx) => {
      const job = await tx
        .selectFrom('jobs')
        .select(['id', 'kind', 'status'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!job) throw new NotFoundError('job', id, LABEL);
      if (job.status !== 'dead') throw ruleViolation(409, '只有失败的任务可以重试', 'Only a dead job can be retried');
      await tx
        .updateTable('jobs')
        .set({ status: 'queued', attempts: 0, run_at: new Date().toISOString(), finished_at: null })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, caller, { action: 'retry', entity: 'job', entityId: id, after: { kind: job.kind } });
    });
  }

  /** A dead or waiting job is dropped (a running one finishes or times out first). */
  async discard(caller: Caller, id: number): Promise<void> {
    if (!mayManageJobs(caller.actor)) throw new ForbiddenError();
    await this.db.transaction().execute(async (tx) => {
      const job = await tx
        .selectFrom('jobs')
        .select(['id', 'kind', 'status'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!job) throw new NotFoundError('job', id, LABEL);
      if (job.status === 'running')
        throw ruleViolation(409, '任务正在运行，不能删除', 'The job is running and cannot be discarded');
      await tx.deleteFrom('jobs').where('id', '=', id).execute();
      await recordAudit(tx, caller, {
        action: 'delete',
        entity: 'job',
        entityId: id,
        before: { kind: job.kind, status: job.status },
      });
    });
  }
}
