import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Named prepared statements on PostgreSQL. The driver sends every parameterised query unnamed, so
 * the server parses and plans it again on each call; for a list page, planning took longer than
 * running (1.9 ms to plan, 0.5 ms to run the activities page), and under fifty requests at once the
 * database's CPU was what ran out. Named by a hash of the SQL text, a statement is parsed once per
 * connection, and after five calls PostgreSQL may keep a generic plan for it (plan_cache_mode auto),
 * which saves planning too: a province's activities page planned for 2.7 ms to run for 0.4 ms.
 * A substring search (a value starting with `%`, or the name-gram search) stays unnamed and is
 * planned for its values on every call: whether a term is rare or common decides between an index
 * and a scan, and a generic plan that guessed wrong made the activity title search take seconds a
 * call (p95 186 ms → 8.2 s under fifty connections). A region prefix (`like '33%'`) stays named.
 *
 * Two costs, bounded here:
 * - each connection keeps its statements until it closes: the pool retires a connection after
 *   `maxUses` checkouts (see connect), and past MAX_NAMED_STATEMENTS a connection sends new texts
 *   unnamed, so statements of rare filter combinations and far pages do not pile up;
 * - a statement whose result columns change under it (another instance migrated `alter table … add
 *   column` while this one ran `select *`) fails with "cached plan must not change result type":
 *   the connection then names its statements afresh, and the query is run again when no
 *   transaction is open (inside one, that statement's error stands and the transaction fails once).
 *
 * Statements without parameters stay on the simple protocol unless they are one query (runsNamed).
 */
type QueryFn = (...args: unknown[]) => unknown;

interface PreparingClient {
  query: QueryFn;
  /** bumped when the server's statements of this connection can no longer be trusted */
  gongjinStatementGeneration?: number;
  gongjinInTransaction?: boolean;
  /** the names this connection has prepared (of the current generation) */
  gongjinNamed?: Set<string>;
}

/**
 * Statements one connection keeps at most. A page's bounds are in its text, so a reader paging far
 * prepares a statement per page; past this many, new texts run unnamed as before.
 */
export const MAX_NAMED_STATEMENTS = 2000;

const RESULT_TYPE_CHANGED = /cached plan must not change result type/;

/** The name-gram search: its plan depends on how common the term is. */
const GRAM_SEARCH = /\bgongjin_grams\(/i;

/** One query without parameters: a list page whose bounds are in its text (paging.ts, region-pattern.ts). */
const SINGLE_QUERY = /^\s*(?:select|with)\b[^;]*$/i;

/**
 * Whether a statement runs by name (parsed once, plan cached) or unnamed (planned now). Without
 * parameters only a single query is named: migrations send several statements in one text, which
 * the simple protocol alone accepts.
 */
export function runsNamed(text: string, values: readonly unknown[]): boolean {
  if (values.length === 0) return SINGLE_QUERY.test(text);
  if (GRAM_SEARCH.test(text)) return false;
  return !values.some((v) => typeof v === 'string' && v.startsWith('%'));
}

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
  c.gongjinNamed = new Set();
  const named = (text: string, values: unknown[]) => {
    const name = statementName(text, c.gongjinStatementGeneration);
    if (!c.gongjinNamed!.has(name)) {
      if (c.gongjinNamed!.size >= MAX_NAMED_STATEMENTS) return query(text, values) as Promise<unknown>;
      c.gongjinNamed!.add(name);
    }
    return query({ name, text, values }) as Promise<unknown>;
  };

  c.query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string') {
      const change = transactionChange(text);
      if (change !== undefined) c.gongjinInTransaction = change;
    }
    if (typeof text !== 'string' || !Array.isArray(values) || callback !== undefined || !runsNamed(text, values))
      return query(text, values, callback);
    return named(text, values).catch((e: unknown) => {
      if (!(e instanceof Error) || !RESULT_TYPE_CHANGED.test(e.message)) throw e;
      c.gongjinStatementGeneration = (c.gongjinStatementGeneration ?? 0) + 1;
      c.gongjinNamed = new Set();
      if (c.gongjinInTransaction) throw e;
      return named(text, values);
    });
  };
}
