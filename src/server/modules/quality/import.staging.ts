import { once } from 'node:events';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { DbHandle } from '../../db/connection.js';
import type { ScoreRecord } from './import.rules.js';

/**
 * The per-import staging table and the fastest way each database offers to fill it: COPY … FROM
 * STDIN on PostgreSQL (pg-copy-streams on a pool client), multi-row `insert … select from unnest`
 * on PGlite (measured faster there than COPY from a blob). Staging tables are unlogged scratch:
 * one per job, dropped when the job is committed or discarded, so a crash leaves no partial exam.
 */
export function stageTable(jobId: string): string {
  const hex = jobId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`bad job id ${jobId}`);
  return `quality_stage_${hex}`;
}

export async function createStage(dbh: DbHandle, jobId: string) {
  await sql`create unlogged table ${sql.table(stageTable(jobId))} (
    row_no integer not null, school_id integer not null, class_id integer not null, student_key text not null,
    student_name text, id_number text, exam_subject_id integer not null, exam_item_id integer, score numeric(6,2) not null
  )`.execute(dbh.db);
}

export async function dropStage(dbh: DbHandle, jobId: string) {
  await sql`drop table if exists ${sql.table(stageTable(jobId))}`.execute(dbh.db);
}

export interface StagedRow extends ScoreRecord {
  row: number;
}

export interface StageWriter {
  /** Takes a batch of rows; resolves when the database has room for more. */
  write(rows: StagedRow[]): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

const COLUMNS = 'row_no, school_id, class_id, student_key, student_name, id_number, exam_subject_id, exam_item_id, score';
/** COPY text format: backslash, tab and newlines escaped; \N is NULL. */
const SPECIAL = /[\\\t\n\r]/;
const esc = (v: string | null) => (v === null ? '\\N' : !SPECIAL.test(v) ? v : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

export async function openStageWriter(dbh: DbHandle, jobId: string): Promise<StageWriter> {
  const table = stageTable(jobId);
  if (dbh.pool) {
    const client = await dbh.pool.connect();
    const stream = client.query(copyFrom(`copy ${table} (${COLUMNS}) from stdin`));
    let failure: Error | null = null;
    stream.on('error', (e: Error) => (failure = e));
    // about 1 MB per write: fewer round trips through the stream's backpressure, memory still flat
    let pending = '';
    const flush = async () => {
      if (failure) throw failure;
      if (!pending) return;
      const chunk = pending;
      pending = '';
      if (!stream.write(chunk)) await once(stream, 'drain');
    };
    return {
      async write(rows) {
        for (const r of rows) pending += `${r.row}\t${r.schoolId}\t${r.classId}\t${esc(r.studentKey)}\t${esc(r.studentName)}\t${esc(r.idNumber)}\t${r.subjectId}\t${r.itemId ?? '\\N'}\t${r.score}\n`;
        if (pending.length >= 1 << 20) await flush();
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
  let rows: StagedRow[] = [];
  const flush = async () => {
    if (!rows.length) return;
    const b = rows;
    rows = [];
    await sql`insert into ${sql.table(table)} (${sql.raw(COLUMNS)})
      select * from unnest(${b.map((r) => r.row)}::int4[], ${b.map((r) => r.schoolId)}::int4[], ${b.map((r) => r.classId)}::int4[],
        ${b.map((r) => r.studentKey)}::text[], ${b.map((r) => r.studentName)}::text[], ${b.map((r) => r.idNumber)}::text[],
        ${b.map((r) => r.subjectId)}::int4[], ${b.map((r) => r.itemId)}::int4[], ${b.map((r) => r.score)}::numeric[])`.execute(dbh.db);
  };
  return {
    async write(batch) {
      for (const r of batch) rows.push(r);
      if (rows.length >= 20000) await flush();
    },
    close: flush,
    async abort() {
      rows = [];
    },
  };
}
