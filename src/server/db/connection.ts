import fs from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';
import { PGliteDialect } from './pglite-dialect.js';
import { watchWrites } from './write-watch.js';
import { prepareStatementsOn } from './prepared.js';

export type DatabaseKind = 'pglite' | 'postgresql';
export type Db = Kysely<Database>;

export interface DbHandle {
  db: Db;
  kind: DatabaseKind;
  /** Present on PostgreSQL only: a pool for COPY and other driver-level work. */
  pool?: pg.Pool;
  /** Present on PGlite only. */
  pglite?: PGlite;
  close(): Promise<void>;
}

// Both drivers return the same JavaScript types: counts and sums as numbers, DATE as 'YYYY-MM-DD',
// timestamps as ISO strings. Values beyond 2^53 do not occur in this domain.
const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082, TIMESTAMP: 1114, TIMESTAMPTZ: 1184 } as const;
const toNumber = (v: string) => Number(v);
const toIso = (v: string) => new Date(v.includes('T') || /[+-]\d\d(:?\d\d)?$/.test(v) ? v : `${v}Z`).toISOString();
const identity = (v: string) => v;

let pgTypesConfigured = false;
function configurePgTypes(types: typeof pg.types) {
  if (pgTypesConfigured) return;
  pgTypesConfigured = true;
  types.setTypeParser(OID.INT8, toNumber);
  types.setTypeParser(OID.NUMERIC, toNumber);
  types.setTypeParser(OID.DATE, identity);
  types.setTypeParser(OID.TIMESTAMP, toIso);
  types.setTypeParser(OID.TIMESTAMPTZ, toIso);
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  /** Directory for PGlite's files; `undefined` keeps the database in memory. */
  pgliteDir?: string | undefined;
  poolSize?: number;
  /**
   * Parallel workers one query may start (PostgreSQL's max_parallel_workers_per_gather); default 0.
   * A request's query is small and many run at once: starting workers costs more than it saves, and
   * under fifty concurrent requests they only take cores from the other requests.
   */
  parallelWorkers?: number;
  /** Run parameterised queries as named prepared statements on PostgreSQL (prepared.ts); default true. */
  preparedStatements?: boolean;
}

/** A pooled connection is replaced after this many checkouts, which bounds the statements it keeps. */
const CONNECTION_MAX_USES = 10_000;

export async function connect(options: ConnectOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    // the server driver is loaded only when a server is used (the embedded database does not need it)
    const { default: pg } = await import('pg');
    configurePgTypes(pg.types);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      maxUses: CONNECTION_MAX_USES,
      // and no JIT: compiling a query's expressions takes 20–50 ms, as long as a whole page should take,
      // and the planner starts it on cost estimates a page query easily passes at province scale
      // named statements may keep a generic plan (auto); pattern matches are never named (prepared.ts)
      options: `-c max_parallel_workers_per_gather=${options.parallelWorkers ?? 0} -c jit=off -c plan_cache_mode=auto`,
    });
    pool.on('error', () => undefined); // idle-client errors surface on the next query
    if (options.preparedStatements !== false) pool.on('connect', prepareStatementsOn);
    await pool.query('select 1');
    const db = new Kysely<Database>({ dialect: watchWrites(new PostgresDialect({ pool })) });
    return { db, kind: 'postgresql', pool, close: () => db.destroy() };
  }
  if (options.pgliteDir) fs.mkdirSync(path.dirname(options.pgliteDir), { recursive: true });
  const pglite = await PGlite.create({
    ...(options.pgliteDir ? { dataDir: options.pgliteDir } : {}),
    parsers: {
      [pgliteTypes.INT8]: toNumber,
      [pgliteTypes.NUMERIC]: toNumber,
      [pgliteTypes.DATE]: identity,
      [pgliteTypes.TIMESTAMP]: toIso,
      [pgliteTypes.TIMESTAMPTZ]: toIso,
    },
  });
  // one backend: no workers to start, but the same plans as on a server
  await pglite.exec(
    `set max_parallel_workers_per_gather = ${options.parallelWorkers ?? 0}; set jit = off; set plan_cache_mode = auto`,
  );
  const db = new Kysely<Database>({ dialect: watchWrites(new PGliteDialect(pglite)) });
  return {
    db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
