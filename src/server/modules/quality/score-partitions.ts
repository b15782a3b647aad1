import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * quality_scores is partitioned by exam (LIST on exam_id), one partition per exam, made when the
 * exam's first scores arrive. Why: a county exam brings a million rows at once. Loaded into a fresh
 * table and indexed afterwards they cost a quarter of what keeping three indexes of one big table
 * up to date row by row does (measured on PostgreSQL 15 here: 3.8 s against 13.5 s for
 * 1,000,000 rows). Deleting an exam drops a table, and the statistics, which always name their
 * exam, read only its partition.
 *
 * Every write of scores goes through this file. All functions expect to run inside a transaction:
 * the advisory lock they take is held until it ends, so two imports into one exam cannot both
 * create its partition.
 */
type Db = Kysely<Database>;

/** First key of the advisory locks on an exam's scores (the second is the exam id). */
const EXAM_SCORES_LOCK = 0x5c02e5;

export const scorePartition = (examId: number): string => {
  if (!Number.isSafeInteger(examId) || examId <= 0) throw new Error(`bad exam id ${examId}`);
  return `quality_scores_e${examId}`;
};

export const SCORE_TABLE_COLUMNS = sql.raw('exam_id, exam_subject_id, student_id, school_id, class_id, score');

/**
 * `alias.exam_id = <the exam of that subject>`, for queries that name a subject: the database then
 * reads only that exam's partition (pruned when the query runs), not every exam's index.
 */
export function examOfSubject(alias: string, examSubjectId: number | RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`${sql.ref(`${alias}.exam_id`)} = (select exam_id from quality_exam_subjects where id = ${examSubjectId})`;
}

/** Serialises writers of one exam's scores until the transaction ends. */
export async function lockExamScores(db: Db, examId: number) {
  await sql`select pg_advisory_xact_lock(${EXAM_SCORES_LOCK}, ${examId})`.execute(db);
}

async function attached(db: Db, examId: number): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`select exists (
      select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'quality_scores'::regclass and c.relname = ${scorePartition(examId)}) as ok`.execute(db);
  return r.rows[0]!.ok;
}

/**
 * A detached table shaped like quality_scores whose CHECK constraint proves every row belongs to
 * the exam, so attaching it needs no scan.
 */
async function createDetached(db: Db, examId: number) {
  const table = sql.table(scorePartition(examId));
  await sql`create table ${table} (like quality_scores including defaults including constraints)`.execute(db);
  await sql`alter table ${table} add constraint ${sql.raw(`${scorePartition(examId)}_exam_check`)} check (exam_id = ${sql.lit(examId)})`.execute(
    db,
  );
}

async function attach(db: Db, examId: number) {
  await sql`alter table quality_scores attach partition ${sql.table(scorePartition(examId))} for values in (${sql.lit(examId)})`.execute(
    db,
  );
  // statement triggers on quality_scores (the dashboard's change counter) fire for statements on
  // the parent, and ATTACH is none: a statement that touches no row tells them
  await sql`delete from quality_scores where false`.execute(db);
}

/** Makes sure the exam's partition exists (empty if new), for writers of a few rows. */
export async function ensureScorePartition(db: Db, examId: number) {
  await lockExamScores(db, examId);
  if (await attached(db, examId)) return;
  await createDetached(db, examId);
  await attach(db, examId);
}

export interface ExamScoresWriter {
  /** Where to insert the exam's rows: (exam_id, exam_subject_id, student_id, school_id, class_id, score). */
  target: RawBuilder<unknown>;
  /** Indexes and attaches a fresh partition; nothing for an existing one. */
  finish(): Promise<void>;
}

/**
 * Opens an exam's scores for writing. When the exam has none yet, the rows go into a fresh table
 * that is indexed once they are all in and then attached; otherwise into the existing partition.
 */
export async function openExamScores(db: Db, examId: number): Promise<ExamScoresWriter> {
  await lockExamScores(db, examId);
  if (await attached(db, examId)) return { target: sql.table('quality_scores'), finish: async () => undefined };
  const name = scorePartition(examId);
  const table = sql.table(name);
  await createDetached(db, examId);
  return {
    target: table,
    async finish() {
      // the parent's indexes, so ATTACH adopts them instead of building its own
      await sql`alter table ${table} add constraint ${sql.raw(`${name}_pkey`)} primary key (exam_subject_id, student_id, exam_id)`.execute(
        db,
      );
      await sql`create index ${sql.raw(`${name}_class_idx`)} on ${table} (class_id, exam_subject_id)`.execute(db);
      await sql`create index ${sql.raw(`${name}_student_idx`)} on ${table} (student_id)`.execute(db);
      await attach(db, examId);
      // the planner's statistics of the new table, or the first reports guess it holds a few rows
      await sql`analyze ${table}`.execute(db);
    },
  };
}

/**
 * A table built outside the transaction to become an exam's partition (the import's chunked
 * commit): shaped like quality_scores, with the CHECK that lets ATTACH skip its scan. Not visible
 * to any reader until attachBuiltScores.
 */
export async function createBuiltScores(db: Db, examId: number, name: string) {
  await sql`create table ${sql.table(name)} (like quality_scores including defaults including constraints)`.execute(db);
  await sql`alter table ${sql.table(name)} add constraint ${sql.raw(`${name}_exam_check`)} check (exam_id = ${sql.lit(examId)})`.execute(
    db,
  );
}

/** The parent's indexes on a built table, so ATTACH adopts them instead of building its own. */
export async function indexBuiltScores(db: Db, name: string) {
  const table = sql.table(name);
  await sql`alter table ${table} add constraint ${sql.raw(`${name}_pkey`)} primary key (exam_subject_id, student_id, exam_id)`.execute(
    db,
  );
  await sql`create index ${sql.raw(`${name}_class_idx`)} on ${table} (class_id, exam_subject_id)`.execute(db);
  await sql`create index ${sql.raw(`${name}_student_idx`)} on ${table} (student_id)`.execute(db);
}

/**
 * Makes a built, indexed table the exam's partition: renamed (with its indexes and CHECK) to the
 * partition's names and attached; catalog work only, so the transaction doing it stays short.
 * Expects the exam's lock held and no partition attached.
 */
export async function attachBuiltScores(db: Db, examId: number, name: string) {
  const part = scorePartition(examId);
  if (await attached(db, examId)) throw new Error(`exam ${examId} got a score partition meanwhile`);
  await sql`alter table ${sql.table(name)} rename to ${sql.raw(part)}`.execute(db);
  await sql`alter table ${sql.table(part)} rename constraint ${sql.raw(`${name}_exam_check`)} to ${sql.raw(`${part}_exam_check`)}`.execute(
    db,
  );
  for (const suffix of ['pkey', 'class_idx', 'student_idx'])
    await sql`alter index ${sql.raw(`${name}_${suffix}`)} rename to ${sql.raw(`${part}_${suffix}`)}`.execute(db);
  await attach(db, examId);
}

export const scoresAttached = attached;

/** Writes a query's rows (the columns of ExamScoresWriter.target) as the exam's scores; returns how many. */
export async function writeExamScores(db: Db, examId: number, rows: RawBuilder<unknown>): Promise<number> {
  const writer = await openExamScores(db, examId);
  const r = await sql`insert into ${writer.target} (${SCORE_TABLE_COLUMNS}) ${rows}`.execute(db);
  await writer.finish();
  return Number(r.numAffectedRows ?? 0n);
}

/** Deletes all of an exam's scores (the exam is being deleted). */
export async function dropExamScores(db: Db, examId: number) {
  await lockExamScores(db, examId);
  await sql`drop table if exists ${sql.table(scorePartition(examId))}`.execute(db);
  await sql`delete from quality_scores where false`.execute(db);
}
