import type { CompiledQuery, DatabaseConnection, Dialect, Driver, OperationNode, TransactionSettings } from 'kysely';

/**
 * What this process wrote, for the few things it keeps in memory for a moment: sessions it read
 * (auth.service.ts) and list totals it counted (totals.ts), both kept in RecentReads. Every database handle is wrapped
 * in watchWrites (connection.ts); each query is sorted as it is sent, and a write bumps a generation
 * counter as it is sent (a read already under way is then not kept) and again once it is committed
 * — as it returns, or at the commit or rollback of its transaction — so a read that saw the state
 * before the commit is not kept either. What is kept carries the generation it was read in and is
 * dropped when that has moved on. Writes of other processes are not seen: what is kept is trusted
 * for seconds only.
 */
export type Watched = 'sessions' | 'data';

const generations: Record<Watched, number> = { sessions: 0, data: 0 };

/** The generation now: take it before a read, and keep the read only if it is unchanged after. */
export function writeGeneration(what: Watched): number {
  return generations[what];
}

/** A write of this kind is under way or done: whatever was read before it is stale. */
export function written(what: Watched): void {
  generations[what] += 1;
}

/** The tables a session's validity is read from (auth.service.ts sessionForToken). */
const SESSION_TABLES = new Set(['users', 'sessions']);

/** Columns written on sign-in and while a session is used, which change no session and no count. */
const BOOKKEEPING_COLUMNS = new Set(['last_seen_at', 'last_login_at']);

/** Tables of the server's own bookkeeping, which no list counts and no session depends on. */
const BOOKKEEPING_TABLES = new Set(['list_totals', 'kept_results', 'login_throttle', 'jobs', 'job_schedules']);

/** The name of a table node (`users`, or `users as u`). */
function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  if (node.kind === 'TableNode')
    return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  return undefined;
}

function columnName(node: OperationNode): string | undefined {
  const column = (node as unknown as { column?: OperationNode }).column;
  if (column?.kind === 'ColumnNode') return (column as unknown as { column: { name: string } }).column.name;
  return undefined;
}

/** The tables a delete, update or insert built with the query builder writes; none for anything else. */
function writtenTables(node: OperationNode): string[] {
  const named = (nodes: readonly (OperationNode | undefined)[]) =>
    nodes.map(tableName).filter((t): t is string => t !== undefined);
  if (node.kind === 'DeleteQueryNode')
    return named((node as unknown as { from?: { froms: OperationNode[] } }).from?.froms ?? []);
  if (node.kind === 'UpdateQueryNode') return named([(node as unknown as { table?: OperationNode }).table]);
  if (node.kind === 'InsertQueryNode') return named([(node as unknown as { into?: OperationNode }).into]);
  return [];
}

/** Whether an update sets bookkeeping columns only. */
function setsBookkeepingOnly(node: OperationNode): boolean {
  if (node.kind !== 'UpdateQueryNode') return false;
  const updates = (node as unknown as { updates?: readonly OperationNode[] }).updates ?? [];
  return updates.every((c) => BOOKKEEPING_COLUMNS.has(columnName(c) ?? ''));
}

/**
 * Whether a query can end or change a session: a delete from users or sessions, or an update of
 * them that sets anything but bookkeeping columns. A new session or user changes no other session.
 */
export function changesSessions(node: OperationNode): boolean {
  if (node.kind !== 'DeleteQueryNode' && node.kind !== 'UpdateQueryNode') return false;
  return writtenTables(node).some((t) => SESSION_TABLES.has(t)) && !setsBookkeepingOnly(node);
}

/** Statements written as SQL text that change no data: reads and transaction control. */
const READ_OR_CONTROL =
  /^\s*(?:--[^\n]*\n\s*)*(?:select|explain|show|values|begin|start|commit|rollback|end|set|savepoint|release)\b/i;

/**
 * The tables an SQL text inserts into, updates or deletes from — also inside a `with` — leaving out
 * `for update` (a row lock) and `on conflict … do update` (the insert's own table).
 */
const WRITTEN_TABLE = /\b(?:insert\s+into|(?<!\b(?:for|do)\s+)update|delete\s+from)\s+"?([a-z_][a-z0-9_]*)"?/gi;

/**
 * Whether a query can change what a list counts: anything but a read, a write to the server's own
 * bookkeeping, or an update of bookkeeping columns. SQL text is judged by its first word and the
 * tables it writes; a text whose tables cannot be told counts as a write.
 */
export function changesData(query: CompiledQuery): boolean {
  const node = query.query;
  if (node.kind === 'SelectQueryNode') return false;
  if (node.kind === 'RawNode') {
    if (READ_OR_CONTROL.test(query.sql)) return false;
    // the job queue's claims and leases write the jobs table only: every poll would count otherwise
    const tables = [...query.sql.matchAll(WRITTEN_TABLE)].map((m) => (m[1] ?? '').toLowerCase());
    return tables.length === 0 || tables.some((t) => !BOOKKEEPING_TABLES.has(t));
  }
  const tables = writtenTables(node);
  if (tables.length > 0 && tables.every((t) => BOOKKEEPING_TABLES.has(t))) return false;
  return !setsBookkeepingOnly(node);
}

/** The dialect with every write watched (see the top of this file). */
export function watchWrites(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createDriver: () => new WatchingDriver(inner.createDriver()),
  };
}

class WatchingDriver implements Driver {
  /** the driver's own connection behind each one handed out */
  private readonly innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
  private readonly inTransaction = new WeakSet<DatabaseConnection>();
  /** what each connection's open transaction has written */
  private readonly pending = new WeakMap<DatabaseConnection, Set<Watched>>();

  savepoint?: Driver['savepoint'];
  rollbackToSavepoint?: Driver['rollbackToSavepoint'];
  releaseSavepoint?: Driver['releaseSavepoint'];

  constructor(private readonly inner: Driver) {
    // savepoints only where the driver has them (the embedded database's has none)
    const { savepoint, rollbackToSavepoint, releaseSavepoint } = inner;
    if (savepoint) this.savepoint = (c, name, compile) => savepoint.call(inner, this.conn(c), name, compile);
    if (rollbackToSavepoint)
      this.rollbackToSavepoint = (c, name, compile) => rollbackToSavepoint.call(inner, this.conn(c), name, compile);
    if (releaseSavepoint)
      this.releaseSavepoint = (c, name, compile) => releaseSavepoint.call(inner, this.conn(c), name, compile);
  }

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const conn = await this.inner.acquireConnection();
    const watched: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery) => {
        const kinds: Watched[] = [];
        if (changesData(query)) kinds.push('data');
        if (changesSessions(query.query)) kinds.push('sessions');
        if (!kinds.length) return conn.executeQuery<R>(query);
        for (const k of kinds) written(k);
        const inTransaction = this.inTransaction.has(watched);
        if (inTransaction) {
          const p = this.pending.get(watched) ?? new Set<Watched>();
          for (const k of kinds) p.add(k);
          this.pending.set(watched, p);
        }
        try {
          return await conn.executeQuery<R>(query);
        } finally {
          if (!inTransaction) for (const k of kinds) written(k);
        }
      },
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => conn.streamQuery<R>(query, chunkSize),
    };
    this.innerOf.set(watched, conn);
    return watched;
  }

  private conn(c: DatabaseConnection): DatabaseConnection {
    return this.innerOf.get(c) ?? c;
  }

  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings) {
    await this.inner.beginTransaction(this.conn(c), settings);
    this.inTransaction.add(c);
  }

  async commitTransaction(c: DatabaseConnection) {
    try {
      await this.inner.commitTransaction(this.conn(c));
    } finally {
      this.endTransaction(c);
    }
  }

  async rollbackTransaction(c: DatabaseConnection) {
    try {
      await this.inner.rollbackTransaction(this.conn(c));
    } finally {
      this.endTransaction(c);
    }
  }

  private endTransaction(c: DatabaseConnection) {
    this.inTransaction.delete(c);
    const p = this.pending.get(c);
    if (!p) return;
    this.pending.delete(c);
    for (const k of p) written(k);
  }

  async releaseConnection(c: DatabaseConnection) {
    this.endTransaction(c);
    await this.inner.releaseConnection(this.conn(c));
  }

  destroy() {
    return this.inner.destroy();
  }
}
