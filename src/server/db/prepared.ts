import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Named prepared statements on PostgreSQL. The driver sends every parameterised query unnamed, so
 * the server parses and plans it again on each call; for a list page, planning took longer than
 * running (1.9 ms to plan, 0.5 ms to run the activities page), and under fifty requests at once the
 * database's CPU was what ran out. Named by a hash of the SQL text, a statement is parsed once per
 * connection. Its plans stay custom (connect sets plan_cache_mode = force_custom_plan): under the
 * default, auto, the activity title search moved to a generic plan that took seconds a call.
 *
 * Two costs, bounded here:
 * - each connection keeps its statements until it closes: the pool retires a connection after
 *   `maxUses` checkouts (see connect), so statements of rare filter combinations do not pile up;
 * - a statement whose result columns change under it (another instance migrated `alter table … add
 *   column` while this one ran `select *`) fails with "cached plan must not change result type":
 *   the connection then names its statements afresh, and the query is run again when no
 *   transaction is open (inside one, that statement's error stands and the transaction fails once).
 *
 * Queries without parameters stay on the simple protocol: migrations send several statements in one.
 */
type QueryFn = (...args: unknown[]) => unknown;

interface PreparingClient {
  query: QueryFn;
  /** bumped when the server's statements of this connection can no longer be trusted */
  gongjinStatementGeneration?: number;
  gongjinInTransaction?: boolean;
}

const RESULT_TYPE_CHANGED = /cached plan must not change result type/;

export function statementName(text: string, generation = 0): string {
  return `g${generation}_${createHash('sha1').update(text).digest('base64url').slice(0, 24)}`;
}

function transactionChange(text: string): boolean | undefined {
  const t = text.trimStart().slice(0, 20).toLowerCase();
  if (t.startsWith('begin') || t.startsWith('start transaction')) return true;
  if (t.startsWith('commit') || t.startsWith('rollback') || t.startsWith('end')) return false;
  return undefined;
}

/** Wraps a pooled client's `query` so parameterised text queries run as named statements. */
export function prepareStatementsOn(client: pg.PoolClient): void {
  const c = client as unknown as PreparingClient;
  const query = c.query.bind(client) as QueryFn;
  c.gongjinStatementGeneration = 0;
  c.gongjinInTransaction = false;
  const named = (text: string, values: unknown[]) =>
    query({ name: statementName(text, c.gongjinStatementGeneration), text, values }) as Promise<unknown>;

  c.query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string') {
      const change = transactionChange(text);
      if (change !== undefined) c.gongjinInTransaction = change;
    }
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined)
      return query(text, values, callback);
    return named(text, values).catch((e: unknown) => {
      if (!(e instanceof Error) || !RESULT_TYPE_CHANGED.test(e.message)) throw e;
      c.gongjinStatementGeneration = (c.gongjinStatementGeneration ?? 0) + 1;
      if (c.gongjinInTransaction) throw e;
      return named(text, values);
    });
  };
}
