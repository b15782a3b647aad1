import { once } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { from as copyFrom } from 'pg-copy-streams';
import type { DbHandle } from '../../db/connection.js';
import type { ScoreRecord } from './import.rules.js';

/**
 * The per-import staging table and the fastest way each database offers to fill it: COPY … FROM
 * STDIN on PostgreSQL (pg-copy-streams on a pool client), multi-row `insert … select from unnest`
 * on PGlite (measured faster there than COPY from a blob). Staging tables are scratch, one per
 * job, dropped when the job is committed or discarded; a crash mid-commit leaves no partial exam.
 */
export function stageTable(jobId: string): string {
  const hex = jobId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`bad job id ${jobId}`);
  return `quality_stage_${hex}`;
}

/** One row per student of the staged file (built by the set-based checks, read by the commit). */
export function stageStudentsTable(jobId: string): string {
  return stageTable(jobId).replace('quality_stage_', 'quality_stage_students_');
}

/**
 * Unlogged on a PostgreSQL server (no WAL for scratch; the server outlives a crashed Gongjin). Not
 * on the embedded database: there Gongjin and the database die together, crash recovery empties
 * unlogged tables, and the queue's second run of a commit would find the checked rows gone.
 */
export const scratchTable = (dbh: DbHandle) => sql.raw(dbh.kind === 'pglite' ? 'table' : 'unlogged table');

/**
 * What a commit builds outside its transaction (see import.service.ts commit): the file's students
 * with their ids (`_i_`), and the exam's new partition before it is attached (`_s_`).
 */
export const buildIdsTable = (jobId: string) => stageTable(jobId).replace('quality_stage_', 'quality_build_i_');
export const buildScoresTable = (jobId: string) => stageTable(jobId).replace('quality_stage_', 'quality_build_s_');

/** For reads of quality_students (alias `st`): not a student an import is still committing. */
export const notPending = sql<boolean>`not exists (select 1 from quality_students_pending p where p.student_id = st.id)`;

/**
 * Takes back the students an unfinished commit inserted: those still pending for it that no other
 * import is committing and that have no scores.
 */
export async function dropPendingStudents(db: Kysely<Database>, jobId: string) {
  await sql`with gone as (delete from quality_students_pending where job_id = ${jobId} returning student_id)
    delete from quality_students st using gone g where st.id = g.student_id
      and not exists (select 1 from quality_students_pending p where p.student_id = st.id and p.job_id <> ${jobId})
      and not exists (select 1 from quality_scores q where q.student_id = st.id)
      and not exists (select 1 from quality_item_scores q where q.student_id = st.id)`.execute(db);
}

export async function dropBuild(dbh: DbHandle, jobId: string) {
  await dropPendingStudents(dbh.db, jobId);
  await sql`drop table if exists ${sql.table(buildIdsTable(jobId))}, ${sql.table(buildScoresTable(jobId))}`.execute(
    dbh.db,
  );
}

export async function createStage(dbh: DbHandle, jobId: string) {
  await sql`create ${scratchTable(dbh)} ${sql.table(stageTable(jobId))} (
    row_no integer not null, school_id integer not null, class_id integer not null, student_key text collate "C" not null,
    student_name text, id_number text, exam_subject_id integer not null, exam_item_id integer, score numeric(6,2) not null
  )`.execute(dbh.db);
}

export async function dropStage(dbh: DbHandle, jobId: string) {
  await dropBuild(dbh, jobId);
  await sql`drop table if exists ${sql.table(stageTable(jobId))}, ${sql.table(stageStudentsTable(jobId))}`.execute(
    dbh.db,
  );
}

export interface StageWriter {
  /** Buffers one checked row. */
  add(row: number, r: ScoreRecord): void;
  /** Hands the buffer to the database when it is large; resolves when the database has room for more. */
  flushIfFull(): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

const COLUMNS =
  'row_no, school_id, class_id, student_key, student_name, id_number, exam_subject_id, exam_item_id, score';
/** COPY text format: backslash, tab and newlines escaped; \N is NULL. */
const SPECIAL = /[\\\t\n\r]/;
const esc = (v: string | null) =>
  v === null
    ? '\\N'
    : !SPECIAL.test(v)
      ? v
      : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

export async function openStageWriter(dbh: DbHandle, jobId: string): Promise<StageWriter> {
  return dbh.pool ? copyWriter(dbh, jobId) : insertWriter(dbh, jobId);
}

/** Text handed to COPY per write: small enough that it is garbage before the next minor GC. */
const CHUNK_CHARS = 1 << 16;
const IN_FLIGHT_BYTES = 4 << 20;

/** PostgreSQL: one COPY for the whole file, fed a chunk at a time (the database parses while we read on). */
async function copyWriter(dbh: DbHandle, jobId: string): Promise<StageWriter> {
  const client = await dbh.pool!.connect();
  const stream = client.query(copyFrom(`copy ${stageTable(jobId)} (${COLUMNS}) from stdin`));
  let failure: Error | null = null;
  stream.on('error', (e: Error) => (failure = e));
  let pending = '';
  const flush = async () => {
    if (failure) throw failure;
    if (!pending) return;
    const chunk = pending;
    pending = '';
    // several chunks in flight, so the database never waits for the next one; at most a few MB
    stream.write(chunk);
    if (stream.writableLength >= IN_FLIGHT_BYTES) await once(stream, 'drain');
  };
  return {
    add(row, r) {
      pending += `${row}\t${r.schoolId}\t${r.classId}\t${esc(r.studentKey)}\t${esc(r.studentName)}\t${esc(r.idNumber)}\t${r.subjectId}\t${r.itemId ?? '\\N'}\t${r.score}\n`;
    },
    async flushIfFull() {
      if (pending.length >= CHUNK_CHARS) await flush();
    },
    async close() {
      try {
        await flush();
        const done = once(stream, 'finish');
        stream.end();
        await done;
        if (failure) throw failure;
      } finally {
        client.release();
      }
    },
    async abort() {
      stream.destroy();
      client.release(true);
    },
  };
}

/** PGlite: multi-row inserts from arrays, column by column (faster there than COPY from a blob). */
async function insertWriter(dbh: DbHandle, jobId: string): Promise<StageWriter> {
  const table = sql.table(stageTable(jobId));
  let b = columns();
  const flush = async () => {
    if (!b.row.length) return;
    const c = b;
    b = columns();
    await sql`insert into ${table} (${sql.raw(COLUMNS)})
      select * from unnest(${c.row}::int4[], ${c.school}::int4[], ${c.cls}::int4[], ${c.key}::text[], ${c.name}::text[], ${c.id}::text[],
        ${c.subject}::int4[], ${c.item}::int4[], ${c.score}::numeric[])`.execute(dbh.db);
  };
  return {
    add(row, r) {
      b.row.push(row);
      b.school.push(r.schoolId);
      b.cls.push(r.classId);
      b.key.push(r.studentKey);
      b.name.push(r.studentName);
      b.id.push(r.idNumber);
      b.subject.push(r.subjectId);
      b.item.push(r.itemId);
      b.score.push(r.score);
    },
    async flushIfFull() {
      if (b.row.length >= 20000) await flush();
    },
    close: flush,
    async abort() {
      b = columns();
    },
  };
}

function columns() {
  return {
    row: [] as number[],
    school: [] as number[],
    cls: [] as number[],
    key: [] as string[],
    name: [] as (string | null)[],
    id: [] as (string | null)[],
    subject: [] as number[],
    item: [] as (number | null)[],
    score: [] as number[],
  };
}
