import { paged } from '../../db/paging.js';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DbHandle } from '../../db/connection.js';
import type { Database } from '../../db/database.js';
import { z } from 'zod';
import type { JobBell } from '../../context.js';
import { callerSchema, type Actor, type Caller } from '../../http/actor.js';
import { AppError, ConflictError, ruleViolation } from '../../http/errors.js';
import type { ImportLevel, ImportRowError, QualityJob, QualityJobStatus } from '../../../shared/quality.schemas.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { recordAudit } from '../audit/index.js';
import { detectType, readRows, SpreadsheetError, spreadsheetRefusal, type Cell, type SheetRow } from '../io/index.js';
import { readCsvBatches } from '../io/index.js';
import { dropImportFile } from '../io/index.js';
import { cancelJob, enqueueJob } from '../jobs/index.js';
import { loadExam, readableExam, type LoadedExam } from './exams.service.js';
import {
  checkScoreRow,
  compileScoreRowCheck,
  HeaderError,
  mapScoreHeader,
  subjectAliases,
  type ImportLookups,
  type ScoreColumnKey,
  type ScoreRecord,
} from './import.rules.js';
import {
  buildIdsTable,
  buildScoresTable,
  createStage,
  dropBuild,
  dropStage,
  openStageWriter,
  scratchTable,
  stageStudentsTable,
  stageTable,
} from './import.staging.js';
import { jobNotFound, outOfScope } from './quality.errors.js';
import { qualityPolicy } from './quality.policy.js';
import type { QualityJobRow } from './quality.tables.js';
import {
  attachBuiltScores,
  createBuiltScores,
  indexBuiltScores,
  lockExamScores,
  openExamScores,
  SCORE_TABLE_COLUMNS,
  scoresAttached,
  writeExamScores,
} from './score-partitions.js';

/** Rows between progress updates (and turns of the event loop). */
const PROGRESS_EVERY = 25_000;
/** Rows per insert statement when committing, so the event loop gets a turn between them. */
const COMMIT_CHUNK = 500_000;
/**
 * On PGlite, where every other request waits for the statement running: a few tens of ms of work
 * per chunk with the partition's indexes kept up to date (the file's students go a fifth as many
 * at a time: five subjects a student).
 */
const PGLITE_COMMIT_CHUNK = 4_000;
const PREVIEW_ERRORS = 200;

/** What a check or commit job carries: the import, and who asked (the job acts and audits as them). */
export const importJobPayload = z.object({ importId: z.string().uuid(), caller: callerSchema });
export type ImportJobPayload = z.infer<typeof importJobPayload>;
/** The queue's side of a check (quality.jobs.ts adds what it runs): re-running one starts it afresh. */
export const IMPORT_CHECK = {
  name: 'quality.import-check',
  payload: importJobPayload,
  timeoutSeconds: 3600,
  maxAttempts: 3,
};
/** A commit is one transaction: a run cut short (a crash, a kill) left nothing, and runs again. */
export const IMPORT_COMMIT = {
  name: 'quality.import-commit',
  payload: importJobPayload,
  timeoutSeconds: 4 * 3600,
  maxAttempts: 3,
};
const RETRYING =
  '上次运行中断（服务重启或出错），正在重试 / The last run was interrupted (a restart or an error); retrying';

/**
 * Progress of commits running in this process, for the embedded database: there a commit
 * transaction holds the only connection, so a progress poll is answered from here.
 */
const localProgress = new Map<string, { rowsWritten: number; at: number }>();

type Db = Kysely<Database>;

/**
 * Score imports: upload → check (stream the file, check each row, stage the good ones, then find
 * duplicates and conflicts set-based in SQL) → preview of every bad row → commit (one transaction:
 * students, identities, scores from the staging table) → committed. The job row holds status and
 * progress so any instance can report it.
 *
 * PGlite is one connection: while a commit transaction runs, other queries wait for it. There the
 * commit's progress is also kept in this process (the only one that can open that database), so a
 * progress poll answers without waiting.
 */
export class QualityImportService {
  /** Score rows per chunk of a commit (tests set it small to see several chunks). */
  commitChunkRows: number | undefined;
  private get chunkRows() {
    return this.commitChunkRows ?? (this.dbh.kind === 'pglite' ? PGLITE_COMMIT_CHUNK : COMMIT_CHUNK);
  }
  /** Optional timing of the phases (the benchmark reports them). */
  onPhase: ((phase: string, ms: number) => void) | undefined;

  private async timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.onPhase?.(phase, performance.now() - started);
    }
  }

  constructor(
    private readonly dbh: DbHandle,
    private readonly storage: BlobStorage,
    private readonly jobBell?: JobBell,
  ) {}

  /** Queues the check or the commit of an import on the job queue, and remembers the job. */
  private async enqueue(spec: typeof IMPORT_CHECK, caller: Caller, importId: string) {
    const queueJobId = await enqueueJob(this.db, spec, { importId, caller });
    await this.db
      .updateTable('quality_import_jobs')
      .set({ queue_job_id: queueJobId })
      .where('id', '=', importId)
      .execute();
    this.jobBell?.ring();
  }

  private get db(): Db {
    return this.dbh.db;
  }

  /**
   * Memory for the hash aggregates and index builds over a whole file, for this transaction. Not
   * on PGlite: its WebAssembly heap keeps whatever it once grew to for as long as the process lives.
   */
  private async sortMemory(tx: Db) {
    if (this.dbh.kind === 'pglite') return;
    await sql`set local work_mem = '64MB'`.execute(tx);
    await sql`set local maintenance_work_mem = '256MB'`.execute(tx);
  }

  /** A transaction with the memory for work over a whole file (sortMemory). */
  private async withSortMemory<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await this.sortMemory(tx);
      return fn(tx);
    });
  }

  /**
   * Two pieces of work that only read the tables the other writes to: side by side on PostgreSQL's
   * pool, one after the other on PGlite's one connection. Both have finished when a failure is thrown.
   */
  private async sideBySide<A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
    if (this.dbh.kind === 'pglite') return [await a(), await b()];
    const [ra, rb] = await Promise.allSettled([a(), b()]);
    if (ra.status === 'rejected') throw ra.reason;
    if (rb.status === 'rejected') throw rb.reason;
    return [ra.value, rb.value];
  }

  // ---------------------------------------------------------------- upload and check

  /** Stores the file and records the job; checking runs in the background (poll the job). */
  async upload(
    caller: Caller,
    examId: number,
    level: ImportLevel,
    fileName: string,
    body: Readable,
    truncatedAtMb: () => number | null = () => null,
    { queue = true }: { queue?: boolean } = {},
  ): Promise<QualityJob> {
    const exam = await readableExam(this.db, caller.actor, examId);
    await this.importableLookups(caller.actor, exam); // refuses actors who may import nothing
    const id = randomUUID();
    const ext = /\.(xlsx|csv)$/i.exec(fileName)?.[0]?.toLowerCase() ?? '.bin';
    const key = `quality-imports/${id}${ext}`;
    const { size } = await this.storage.put(key, body);
    const limitMb = truncatedAtMb();
    if (limitMb !== null) {
      await this.storage.delete(key);
      throw new AppError(413, 'file_too_large', { limitMb });
    }
    try {
      detectType(fileName, await this.head(key));
    } catch (e) {
      await this.storage.delete(key);
      if (e instanceof SpreadsheetError) throw spreadsheetRefusal(e);
      throw e;
    }
    await this.db
      .insertInto('quality_import_jobs')
      .values({
        id,
        exam_id: examId,
        level,
        status: 'checking',
        file_key: key,
        file_name: fileName,
        file_size: size,
        message: null,
        created_by: caller.actor.userId,
        scope_kind: caller.actor.scope.kind,
        scope_id: caller.actor.scope.id,
        committed_at: null,
      })
      .execute();
    if (queue) await this.enqueue(IMPORT_CHECK, caller, id); // else the caller checks (tests, the benchmark)
    return this.get(caller.actor, id);
  }

  /**
   * Streams the file through the row rules into the staging table, then the set-based checks (the
   * queue runs this: quality.jobs.ts). A file the user must fix ends `failed` with why; anything
   * else throws, and the queue runs the check again from the start (`attempt` > 1).
   */
  async check(actor: Actor, jobId: string, attempt = 1): Promise<QualityJob> {
    const job = await this.row(jobId);
    if (job.status !== 'checking') return this.get(actor, jobId); // discarded, or done by an earlier run
    const exam = await loadExam(this.db, job.exam_id);
    if (!exam) return this.get(actor, jobId); // the exam was deleted meanwhile
    const level = job.level as ImportLevel;
    if (attempt > 1) await this.note(jobId, RETRYING);
    let rowsChecked = 0;
    try {
      const lookups = await this.importableLookups(actor, exam);
      await dropStage(this.dbh, jobId);
      await createStage(this.dbh, jobId);
      await this.db.deleteFrom('quality_import_errors').where('job_id', '=', jobId).execute();
      rowsChecked = await this.timed('read, check rows and stage', () =>
        this.checkRows(job, level, lookups, (n) => (rowsChecked = n)),
      );
      await this.timed('set-based checks', () => this.setBasedChecks(jobId, exam.row.id, actor));
      const count = await this.db
        .selectFrom('quality_import_errors')
        .select(sql<number>`count(*)`.as('n'))
        .where('job_id', '=', jobId)
        .executeTakeFirstOrThrow();
      const status: QualityJobStatus = count.n > 0 || rowsChecked === 0 ? 'invalid' : 'checked';
      const staged =
        status === 'checked'
          ? (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(stageTable(jobId))}`.execute(this.db))
              .rows[0]!.n
          : null;
      await this.db
        .updateTable('quality_import_jobs')
        .set({
          status,
          rows_staged: staged,
          rows_total: rowsChecked,
          rows_checked: rowsChecked,
          error_count: count.n,
          message: rowsChecked === 0 ? '文件没有数据行 / The file has no data rows' : null,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', jobId)
        .execute();
      if (status === 'invalid') {
        await dropStage(this.dbh, jobId);
        await dropImportFile(this.db, this.storage, 'quality_import_jobs', jobId); // never committed: the file goes now
      }
    } catch (e) {
      await dropStage(this.dbh, jobId).catch(() => undefined);
      if (!(e instanceof HeaderError || e instanceof SpreadsheetError)) throw e; // the queue tries again
      await this.db
        .updateTable('quality_import_jobs')
        .set({
          status: 'failed',
          message: `${e.zh} / ${e.en}`,
          rows_checked: rowsChecked,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', jobId)
        .execute();
      await dropImportFile(this.db, this.storage, 'quality_import_jobs', jobId).catch(() => undefined);
    }
    return this.get(actor, jobId);
  }

  /**
   * Every row through the rules in JavaScript, good rows streamed into the staging table (which the
   * database fills while the next rows are read), errors batched into the database. A row the
   * compiled rules accept costs no message; one they refuse goes through checkScoreRow, which names
   * all its problems. Returns how many non-empty rows the file has.
   */
  private async checkRows(
    job: QualityJobRow,
    level: ImportLevel,
    lookups: ImportLookups,
    onRows: (n: number) => void,
  ): Promise<number> {
    const jobId = job.id;
    let rowsChecked = 0;
    const errors = new ErrorBuffer(this.db, jobId);
    const writer = await openStageWriter(this.dbh, jobId);
    try {
      let map: Partial<Record<ScoreColumnKey, number>> | null = null;
      let accept: ((cells: Cell[]) => ScoreRecord | null) | null = null;
      let nextProgress = PROGRESS_EVERY;
      let progress: Promise<unknown> | null = null;
      for await (const batch of this.rows(job)) {
        for (const { row, cells } of batch) {
          if (!map || !accept) {
            map = mapScoreHeader(cells, level);
            accept = compileScoreRowCheck(map, level, lookups);
            continue;
          }
          if (isBlank(cells)) continue;
          rowsChecked += 1;
          const record = accept(cells);
          if (record) {
            writer.add(row, record);
            continue;
          }
          const checked = checkScoreRow(cells, map, level, lookups);
          for (const i of checked.issues)
            errors.add({ row, column: i.column, code: i.code, message: i.zh, messageEn: i.en });
          if (checked.record) writer.add(row, checked.record);
        }
        await writer.flushIfFull();
        await errors.flushIfFull();
        if (rowsChecked >= nextProgress) {
          nextProgress = rowsChecked + PROGRESS_EVERY;
          onRows(rowsChecked);
          // reading goes on while the progress is written; one update at a time
          progress ??= this.db
            .updateTable('quality_import_jobs')
            .set({ rows_checked: rowsChecked, updated_at: new Date().toISOString() })
            .where('id', '=', jobId)
            .execute()
            .catch(() => undefined)
            .finally(() => (progress = null));
          await yieldToEventLoop();
        }
      }
      await progress;
      if (!map) throw new HeaderError('文件为空', 'The file is empty');
      await writer.close();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    await errors.flush();
    return rowsChecked;
  }

  /** The file's rows in batches (csv a decoded chunk at a time, xlsx 2,000 rows at a time). */
  private async *rows(job: QualityJobRow): AsyncGenerator<SheetRow[]> {
    const type = detectType(job.file_name, await this.head(job.file_key));
    const stream = await this.storage.get(job.file_key);
    if (type === 'csv') {
      yield* readCsvBatches(stream);
      return;
    }
    let batch: SheetRow[] = [];
    for await (const r of readRows(stream, 'xlsx')) {
      batch.push(r);
      if (batch.length >= 2000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  /** What the rows are checked against; the actor's importable schools only. */
  private async importableLookups(actor: Actor, exam: LoadedExam): Promise<ImportLookups> {
    const schools = await this.db
      .selectFrom('quality_exam_schools as es')
      .innerJoin('schools as s', 's.id', 'es.school_id')
      .select(['s.id', 's.code', 's.region_code'])
      .where('es.exam_id', '=', exam.row.id)
      .execute();
    const allowed = qualityPolicy.importableSchools(actor, schools);
    if (!allowed.size) throw outOfScope('您无权为这次考试导入成绩', 'You may not import scores into this exam');
    const lk: ImportLookups = { schools: new Map(), classes: new Map(), subjects: new Map(), items: new Map() };
    for (const s of schools) lk.schools.set(s.code, { id: s.id, sat: true, allowed: allowed.has(s.id) });
    // codes of schools that did not sit it, so the row error can say so rather than "unknown"
    const others = await this.db
      .selectFrom('schools')
      .select(['id', 'code'])
      .where(
        'id',
        'not in',
        schools.map((s) => s.id),
      )
      .execute();
    for (const s of others) lk.schools.set(s.code, { id: s.id, sat: false, allowed: false });
    const classes = await this.db
      .selectFrom('quality_classes')
      .select(['id', 'school_id', 'name'])
      .where('school_id', 'in', [...allowed])
      .where('school_year', '=', exam.row.school_year)
      .where('grade', '=', exam.row.grade)
      .execute();
    for (const c of classes) lk.classes.set(`${c.school_id}|${c.name}`, c.id);
    for (const s of exam.subjects) {
      for (const alias of subjectAliases(s.subject)) lk.subjects.set(alias, { id: s.id, fullMark: s.fullMark });
      for (const it of s.items) lk.items.set(`${s.id}|${it.itemNo}`, { id: it.id, fullMark: it.fullMark });
    }
    return lk;
  }

  /**
   * What needs the whole file or the database, in SQL over the staging table: the same student
   * twice for one subject (or item), one student in two classes, scores already imported, and a
   * student key that belongs to another school (only the bureau may move a student). Each is first
   * asked as a yes/no question a hash aggregate answers; only a file that has the problem pays for
   * naming every row of it. Also builds the file's table of students, which the commit reads.
   */
  private async setBasedChecks(jobId: string, examId: number, actor: Actor) {
    const t = sql.table(stageTable(jobId));
    const students = sql.table(stageStudentsTable(jobId));
    // the file's students and the duplicate question each read the whole staging table; on
    // PostgreSQL they run side by side, each on its own connection (a quarter less time on two cores)
    const [, twice] = await this.sideBySide(
      () =>
        this.withSortMemory(async (db) => {
          await sql`create ${scratchTable(this.dbh)} ${students} as
            select student_key, min(school_id) as school_id, min(class_id) as class_id, max(class_id) as other_class_id,
              max(student_name) as student_name, max(id_number) as id_number
            from ${t} group by student_key`.execute(db);
          await sql`analyze ${students}`.execute(db);
        }),
      // building a unique index is the cheapest way to ask whether any row is there twice (half the
      // time of a hash aggregate over a million keys); a savepoint keeps its failure out of the transaction
      () => this.withSortMemory((db) => stagedTwice(db, stageTable(jobId))),
    );
    await this.withSortMemory((db) => this.nameSetBasedErrors(jobId, examId, actor, db, twice));
  }

  /** Rows of the set-based problems, named only when the yes/no questions found some. */
  private async nameSetBasedErrors(jobId: string, examId: number, actor: Actor, db: Db, twice: boolean) {
    const t = sql.table(stageTable(jobId));
    const students = sql.table(stageStudentsTable(jobId));
    const moved = (
      await sql<{
        yes: boolean;
      }>`select exists (select 1 from ${students} where other_class_id <> class_id) as yes`.execute(db)
    ).rows[0]!.yes;
    if (twice || moved) {
      await sql`insert into quality_import_errors (job_id, row_no, column_name, code, message, message_en)
        select ${jobId}, row_no, '学生编号', 'duplicate',
          case when first_row <> row_no then '与第 ' || first_row || ' 行重复（同一学生、同一科目' || case when exam_item_id is null then '' else '、同一小题' end || '）'
               else '同一学生在第 ' || class_row || ' 行属于另一个班级' end,
          case when first_row <> row_no then 'Duplicate of row ' || first_row || ' (same student and subject' || case when exam_item_id is null then '' else ' and item' end || ')'
               else 'Row ' || class_row || ' puts the same student in another class' end
        from (
          select row_no, exam_item_id, class_id,
            min(row_no) over (partition by student_key, exam_subject_id, exam_item_id) as first_row,
            first_value(class_id) over (partition by student_key order by row_no) as first_class,
            first_value(row_no) over (partition by student_key order by row_no) as class_row
          from ${t}
        ) d
        where first_row <> row_no or first_class <> class_id`.execute(db);
    }
    await this.conflictChecks(jobId, examId, actor, db);
  }

  /** The checks that the database can change between preview and commit; returns how many rows failed. */
  private async conflictChecks(jobId: string, examId: number, actor: Actor, db: Db): Promise<number> {
    const t = sql.table(stageTable(jobId));
    const students = sql.table(stageStudentsTable(jobId));
    let failed = 0;
    const scored = await sql<{
      yes: boolean;
    }>`select exists (select 1 from quality_scores where exam_id = ${examId}) as yes`.execute(db);
    if (scored.rows[0]!.yes) {
      const r = await sql`insert into quality_import_errors (job_id, row_no, column_name, code, message, message_en)
        select ${jobId}, s.row_no, '学生编号', 'already_imported', '该学生本科目在本次考试中已有成绩', 'This student already has a score for this subject in this exam'
        from ${t} s
        join quality_students st on st.student_key = s.student_key
        join quality_scores q on q.exam_id = ${examId} and q.exam_subject_id = s.exam_subject_id and q.student_id = st.id`.execute(
        db,
      );
      failed += Number(r.numAffectedRows ?? 0n);
    }
    if (actor.role !== 'bureau_admin') {
      const moved = await sql<{ yes: boolean }>`select exists (
          select 1 from ${students} f join quality_students st on st.student_key = f.student_key where st.school_id <> f.school_id) as yes`.execute(
        db,
      );
      if (moved.rows[0]!.yes) {
        const r = await sql`insert into quality_import_errors (job_id, row_no, column_name, code, message, message_en)
          select ${jobId}, s.row_no, '学生编号', 'student_other_school', '该学生编号属于另一所学校（转学请由教育局导入）', 'This student key belongs to another school (transfers are imported by the bureau)'
          from ${t} s join quality_students st on st.student_key = s.student_key
          where st.school_id <> s.school_id`.execute(db);
        failed += Number(r.numAffectedRows ?? 0n);
      }
    }
    return failed;
  }

  // ---------------------------------------------------------------- commit

  /**
   * Claims the job (so two clicks or two instances cannot commit it twice) and queues the commit
   * (`queue: false` leaves running it to the caller: the crash test's child process).
   */
  async claim(caller: Caller, jobId: string, { queue = true } = {}): Promise<QualityJob> {
    const job = await this.own(caller.actor, jobId);
    if (job.status === 'invalid') throw new AppError(422, 'import_has_errors', { count: job.error_count });
    const claimed = await this.db
      .updateTable('quality_import_jobs')
      .set({ status: 'committing', rows_written: 0, updated_at: new Date().toISOString() })
      .where('id', '=', jobId)
      .where('status', '=', 'checked')
      .returning('id')
      .executeTakeFirst();
    if (!claimed) throw new ConflictError('import_state', { status: job.status });
    if (queue) await this.enqueue(IMPORT_COMMIT, caller, jobId);
    return this.get(caller.actor, jobId);
  }

  /**
   * One transaction: re-check conflicts, upsert students and identities, insert the scores (item
   * scores and their sums for item-level files), drop the staging table, mark the job committed.
   * If the process dies anywhere in here, PostgreSQL (or PGlite on restart) rolls it all back, and
   * the queue runs it again; so does any other failure, until the job's last attempt.
   */
  async commit(
    caller: Caller,
    jobId: string,
    {
      onProgress,
      signal,
      attempt = 1,
    }: { onProgress?: (rowsWritten: number) => void; signal?: AbortSignal; attempt?: number } = {},
  ): Promise<QualityJob> {
    const job = await this.row(jobId);
    if (job.status === 'committed') return this.get(caller.actor, jobId); // an earlier run got there
    if (job.status !== 'committing') throw new ConflictError('import_state', { status: job.status });
    if (attempt > 1) await this.note(jobId, RETRYING);
    const stage = sql.table(stageTable(jobId));
    const students = sql.table(stageStudentsTable(jobId));
    const level = job.level as ImportLevel;
    const progress = async (rowsWritten: number) => {
      signal?.throwIfAborted(); // the job's time is up or the server stops: roll back, run again later
      onProgress?.(rowsWritten);
      if (this.dbh.kind === 'pglite') localProgress.set(jobId, { rowsWritten, at: Date.now() });
      else
        await this.db
          .updateTable('quality_import_jobs')
          .set({ rows_written: rowsWritten, updated_at: new Date().toISOString() })
          .where('id', '=', jobId)
          .execute();
      await yieldToEventLoop();
    };
    // a first import into an exam builds its partition before the transaction (buildScores)
    const builds = level === 'student' && !(await scoresAttached(this.db, job.exam_id));
    try {
      await dropBuild(this.dbh, jobId); // what an attempt cut short left
      const built = builds
        ? await this.timed('commit: build the partition, in chunks', () => this.buildScores(job, progress))
        : null;
      const txStarted = performance.now();
      await this.withSortMemory(async (tx) => {
        // one commit per exam at a time: the re-check below then sees what the other one wrote
        await lockExamScores(tx, job.exam_id);
        // a run abandoned at its timeout may still have finished meanwhile: never write twice (the
        // exam lock above orders the two; no row lock here: progress updates this row from outside)
        const now = await tx
          .selectFrom('quality_import_jobs')
          .select('status')
          .where('id', '=', jobId)
          .executeTakeFirst();
        if (now?.status !== 'committing') throw new AlreadyDone();
        const conflicts = await this.timed('commit: re-check conflicts', () =>
          this.conflictChecks(jobId, job.exam_id, caller.actor, tx),
        );
        if (conflicts) throw new RowsChanged();
        // (a built partition has counted the staged rows already, outside the transaction)
        const n = built ?? (await sql<{ n: number }>`select count(*)::int as n from ${stage}`.execute(tx)).rows[0]!.n;
        // what the check staged must all be there (a PostgreSQL server's crash empties unlogged tables)
        if (job.rows_staged !== null && n !== job.rows_staged) throw new StagingLost();
        const t0 = performance.now();
        if (builds) {
          await this.writeStudentsWithIds(tx, jobId);
          this.onPhase?.('commit:   students (in the transaction)', performance.now() - t0);
          await attachBuiltScores(tx, job.exam_id, buildScoresTable(jobId));
          await sql`drop table ${sql.table(buildIdsTable(jobId))}`.execute(tx);
          this.onPhase?.('commit: students and attach (the transaction)', performance.now() - t0);
        } else await this.writeInTransaction(tx, job, n, progress);
        await sql`drop table ${students}`.execute(tx);
        await sql`drop table ${stage}`.execute(tx);
        await recordAudit(tx, caller, {
          action: 'import',
          entity: 'exam_scores',
          entityId: job.exam_id,
          after: { importJob: jobId, file: job.file_name, level, rows: n },
        });
        await tx
          .updateTable('quality_import_jobs')
          .set({
            status: 'committed',
            rows_written: n,
            message: null,
            committed_at: new Date().toISOString(),
            updated_at: new Date().toISOString(),
          })
          .where('id', '=', jobId)
          .execute();
      });
      this.onPhase?.('commit: the transaction, begin to commit', performance.now() - txStarted);
    } catch (e) {
      // nothing of a partition built outside the transaction may stay: it goes with any failure
      await dropBuild(this.dbh, jobId).catch(() => undefined);
      if (e instanceof RowsChanged) {
        // the database changed since the preview: record the conflicts (outside the rolled-back transaction)
        await this.db.deleteFrom('quality_import_errors').where('job_id', '=', jobId).execute();
        await this.conflictChecks(jobId, job.exam_id, caller.actor, this.db);
        const count = await this.db
          .selectFrom('quality_import_errors')
          .select(sql<number>`count(*)`.as('n'))
          .where('job_id', '=', jobId)
          .executeTakeFirstOrThrow();
        await dropStage(this.dbh, jobId);
        await this.db
          .updateTable('quality_import_jobs')
          .set({ status: 'invalid', error_count: count.n, rows_written: 0, updated_at: new Date().toISOString() })
          .where('id', '=', jobId)
          .execute();
        await dropImportFile(this.db, this.storage, 'quality_import_jobs', jobId).catch(() => undefined);
      } else if (e instanceof StagingLost || isMissingTable(e)) {
        // running it again cannot help: the checked rows are gone
        await this.abandon(
          jobId,
          'commit',
          '检查后的暂存数据已丢失（数据库重启） / the checked rows were lost when the database restarted',
        );
      } else if (!(e instanceof AlreadyDone)) {
        // rolled back, nothing written: the queue runs it again (abandon() once it gives up)
        await this.db
          .updateTable('quality_import_jobs')
          .set({ rows_written: 0, updated_at: new Date().toISOString() })
          .where('id', '=', jobId)
          .execute();
        throw e;
      }
    } finally {
      localProgress.delete(jobId);
    }
    return this.get(caller.actor, jobId);
  }

  /**
   * Into an exam that has scores already (or an item-level sheet): students, identities and
   * scores inside the commit's transaction.
   */
  private async writeInTransaction(tx: Db, job: QualityJobRow, n: number, progress: (rows: number) => Promise<void>) {
    const jobId = job.id;
    const level = job.level as ImportLevel;
    const stage = sql.table(stageTable(jobId));
    const students = sql.table(stageStudentsTable(jobId));
    const t0 = performance.now();
    await this.writeStudents(tx, jobId);
    await upsertIdentities(
      tx,
      sql`select st.id, f.student_name, f.id_number from ${students} f join quality_students st on st.student_key = f.student_key
        where f.student_name is not null or f.id_number is not null`,
    );
    // the file's students with their ids: the scores join this, not the whole students table
    await sql`create temp table quality_import_ids on commit drop as
          select f.student_key, st.id as student_id from ${students} f join quality_students st on st.student_key = f.student_key`.execute(
      tx,
    );
    await sql`analyze quality_import_ids`.execute(tx);
    this.onPhase?.('commit: students and identities', performance.now() - t0);
    const t1 = performance.now();
    // the staging table in a few runs of its pages (it was written in file order), so the
    // progress bar moves between them; a TID range scan reads each run and nothing else
    const runs = await tableRuns(tx, stageTable(jobId), Math.ceil(n / this.chunkRows));
    let done = 0;
    if (level === 'student') {
      const scores = await openExamScores(tx, job.exam_id);
      for (const run of runs) {
        const r = await sql`insert into ${scores.target} (${SCORE_TABLE_COLUMNS})
              select ${job.exam_id}, s.exam_subject_id, m.student_id, s.school_id, s.class_id, s.score
              from ${stage} s join quality_import_ids m on m.student_key = s.student_key where ${run}`.execute(tx);
        done += Number(r.numAffectedRows ?? 0n);
        await progress(done);
      }
      await scores.finish();
    } else {
      for (const run of runs) {
        const r = await sql`insert into quality_item_scores (exam_item_id, student_id, score)
              select s.exam_item_id, m.student_id, s.score from ${stage} s join quality_import_ids m on m.student_key = s.student_key
              where ${run}`.execute(tx);
        done += Number(r.numAffectedRows ?? 0n);
        await progress(done);
      }
      // the subject score of an item-level sheet is the sum of its items
      await writeExamScores(
        tx,
        job.exam_id,
        sql`select ${job.exam_id}, s.exam_subject_id, m.student_id, min(s.school_id), min(s.class_id), sum(s.score)
            from ${stage} s join quality_import_ids m on m.student_key = s.student_key
            group by s.exam_subject_id, m.student_id`,
      );
    }
    this.onPhase?.('commit: scores', performance.now() - t1);
  }

  /**
   * A first import into an exam, outside any transaction: the file's students with their ids (an
   * existing student's, or one drawn now from the students' sequence for a new one), the new
   * students (pending: invisible until the transaction), then the exam's partition as a detached table, filled in
   * chunks with a turn of the event loop and a progress report between them. Nobody sees any of it
   * until the transaction attaches it; a failure drops it (commit's catch, dropStage). PGlite has
   * one connection: between chunks other requests get it. There the indexes come first, so no
   * single statement is long; on PostgreSQL they are built after the rows, which costs less.
   */
  private async buildScores(job: QualityJobRow, progress: (rows: number) => Promise<void>): Promise<number> {
    const jobId = job.id;
    const stage = sql.table(stageTable(jobId));
    const students = sql.table(stageStudentsTable(jobId));
    const ids = sql.table(buildIdsTable(jobId));
    const name = buildScoresTable(jobId);
    const pglite = this.dbh.kind === 'pglite';
    // the key's unique index comes after the rows (a third of the cost of keeping it row by row)
    await sql`create ${scratchTable(this.dbh)} ${ids} (student_key text collate "C" not null, student_id integer not null,
      is_new boolean not null, moved boolean not null, school_id integer not null, student_name text, id_number text)`.execute(
      this.db,
    );
    const rows = job.rows_staged ?? 0;
    let t = performance.now();
    const phase = (what: string) => {
      this.onPhase?.(`commit:   ${what}`, performance.now() - t);
      t = performance.now();
    };
    // the students' sequence named once: pg_get_serial_sequence per row cost more than the rest of the statement
    const sequence = (
      await sql<{ name: string }>`select pg_get_serial_sequence('quality_students', 'id') as name`.execute(this.db)
    ).rows[0]!.name;
    const studentRuns = await tableRuns(this.db, stageStudentsTable(jobId), Math.ceil(rows / this.chunkRows));
    for (const run of studentRuns) {
      await sql`insert into ${ids}
        select s.student_key, coalesce(st.id, nextval(${sql.lit(sequence)}::regclass))::int,
          st.id is null, coalesce(st.school_id <> s.school_id, false), s.school_id, s.student_name, s.id_number
        from ${students} s left join quality_students st on st.student_key = s.student_key where ${run}`.execute(
        this.db,
      );
      await progress(0);
    }
    await sql`create unique index ${sql.raw(`${buildIdsTable(jobId)}_key`)} on ${ids} (student_key)`.execute(this.db);
    await sql`analyze ${ids}`.execute(this.db);
    phase("the file's students with their ids");
    // new students in chunks too, each with its pending row in the same statement: nobody sees them
    // until the transaction deletes those rows
    const newRuns = await tableRuns(this.db, buildIdsTable(jobId), Math.ceil(rows / this.chunkRows));
    for (const run of newRuns) {
      await sql`with s as (select * from ${ids} s where s.is_new and ${run}),
          p as (insert into quality_students_pending (job_id, student_id) select ${jobId}, student_id from s)
        insert into quality_students (id, student_key, school_id) overriding system value
        select student_id, student_key, school_id from s order by student_key`.execute(this.db);
      await progress(0);
    }
    phase('new students, pending');
    await createBuiltScores(this.db, job.exam_id, name);
    if (pglite) await indexBuiltScores(this.db, name);
    let done = 0;
    for (const run of await tableRuns(this.db, stageTable(jobId), Math.ceil(rows / this.chunkRows))) {
      const r = await sql`insert into ${sql.table(name)} (${SCORE_TABLE_COLUMNS})
        select ${job.exam_id}, s.exam_subject_id, m.student_id, s.school_id, s.class_id, s.score
        from ${stage} s join ${ids} m on m.student_key = s.student_key where ${run}`.execute(this.db);
      done += Number(r.numAffectedRows ?? 0n);
      await progress(done);
    }
    // every checked row has its student: fewer means the staging lost rows (a server crash empties unlogged tables)
    if (job.rows_staged !== null && done !== job.rows_staged) throw new StagingLost();
    phase('scores into the detached partition');
    if (!pglite) await this.withSortMemory((tx) => indexBuiltScores(tx, name));
    phase('its indexes');
    // the planner's statistics of the new table, or the first reports guess it holds a few rows
    await sql`analyze ${sql.table(name)}`.execute(this.db);
    phase('its statistics');
    return done;
  }

  /**
   * The file's students as buildScores left them, in the transaction: its new students become
   * visible (their pending rows go), transfers move school, identities are written.
   */
  private async writeStudentsWithIds(tx: Db, jobId: string) {
    const ids = sql.table(buildIdsTable(jobId));
    // the new students (inserted by buildScores) become visible, with any of the file's students
    // another unfinished import had inserted
    await sql`delete from quality_students_pending p where p.job_id = ${jobId}
      or p.student_id in (select student_id from ${ids} where not is_new)`.execute(tx);
    await sql`update quality_students st set school_id = m.school_id, updated_at = now()
      from ${ids} m where m.moved and st.id = m.student_id and st.school_id <> m.school_id`.execute(tx);
    await upsertIdentities(
      tx,
      sql`select student_id, student_name, id_number from ${ids} where student_name is not null or id_number is not null`,
    );
  }

  /** A line for the user on a job still under way (a retry, say). */
  private async note(jobId: string, message: string) {
    await this.db
      .updateTable('quality_import_jobs')
      .set({ message, updated_at: new Date().toISOString() })
      .where('id', '=', jobId)
      .execute();
  }

  /**
   * The queue gave up on a check or a commit (its last attempt failed, or its worker died on it):
   * the import ends `failed`, with why; nothing was written; staging and file go. The user can
   * discard it and upload again; the exam can be deleted.
   */
  async abandon(jobId: string, phase: 'check' | 'commit', reason: string): Promise<void> {
    const job = await this.db
      .selectFrom('quality_import_jobs')
      .select('status')
      .where('id', '=', jobId)
      .executeTakeFirst();
    if (!job || (job.status !== 'checking' && job.status !== 'committing')) return;
    await dropStage(this.dbh, jobId).catch(() => undefined);
    const why = reason.slice(0, 300);
    await this.db
      .updateTable('quality_import_jobs')
      .set({
        status: 'failed',
        rows_written: 0,
        message:
          phase === 'check'
            ? `检查未能完成，请重新上传（${why}） / The check could not finish; upload again (${why})`
            : `写入未能完成，未写入任何数据，请重新上传（${why}） / Writing could not finish; nothing was written; upload again (${why})`,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', jobId)
      .where('status', 'in', ['checking', 'committing'])
      .execute();
    await dropImportFile(this.db, this.storage, 'quality_import_jobs', jobId).catch(() => undefined);
  }

  /**
   * The file's students into quality_students: a transfer (the bureau's import may move a student)
   * updates the school, a new key is inserted. A plain insert in key order costs a third less than
   * insert … on conflict, which stays as the fallback should another import add one of these keys
   * first.
   */
  private async writeStudents(tx: Db, jobId: string) {
    const students = sql.table(stageStudentsTable(jobId));
    await sql`update quality_students st set school_id = f.school_id, updated_at = now()
      from ${students} f where st.student_key = f.student_key and st.school_id <> f.school_id`.execute(tx);
    await sql`savepoint new_students`.execute(tx);
    try {
      await sql`insert into quality_students (student_key, school_id)
        select f.student_key, f.school_id from ${students} f
        where not exists (select 1 from quality_students st where st.student_key = f.student_key) order by f.student_key`.execute(
        tx,
      );
      await sql`release savepoint new_students`.execute(tx);
    } catch (e) {
      if ((e as { code?: unknown }).code !== '23505') throw e;
      await sql`rollback to savepoint new_students`.execute(tx);
      await sql`insert into quality_students (student_key, school_id)
        select student_key, school_id from ${students} order by student_key
        on conflict (student_key) do update set school_id = excluded.school_id, updated_at = now()
        where quality_students.school_id <> excluded.school_id`.execute(tx);
    }
  }

  // ---------------------------------------------------------------- reading jobs

  /** Whether the import still exists (a queued job's import may have been discarded meanwhile). */
  async exists(id: string): Promise<boolean> {
    const r = await this.db.selectFrom('quality_import_jobs').select('id').where('id', '=', id).executeTakeFirst();
    return Boolean(r);
  }

  private async row(id: string): Promise<QualityJobRow> {
    const row = await this.db.selectFrom('quality_import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw jobNotFound(id);
    return row;
  }

  private async own(actor: Actor, id: string): Promise<QualityJobRow> {
    const row = await this.row(id);
    if (row.created_by !== actor.userId) throw outOfScope('这不是您的导入任务', 'This import job is not yours');
    return row;
  }

  async get(actor: Actor, id: string): Promise<QualityJob> {
    const local = localProgress.get(id);
    if (local && this.dbh.kind === 'pglite') {
      // a commit transaction holds PGlite's only connection: answer from this process
      const cached = this.cachedJobs.get(id);
      if (cached && cached.createdBy === actor.userId)
        return { ...cached.job, status: 'committing', rowsWritten: local.rowsWritten };
    }
    const row = await this.own(actor, id);
    const errors = await this.db
      .selectFrom('quality_import_errors')
      .selectAll()
      .where('job_id', '=', id)
      .orderBy('row_no')
      .limit(PREVIEW_ERRORS)
      .execute();
    const job = toJob(row, errors.map(toRowError));
    this.cachedJobs.set(id, { job, createdBy: row.created_by });
    if (this.cachedJobs.size > 100) this.cachedJobs.delete(this.cachedJobs.keys().next().value as string);
    return job;
  }
  private readonly cachedJobs = new Map<string, { job: QualityJob; createdBy: number }>();

  async errors(
    actor: Actor,
    id: string,
    q: { page: number; pageSize: number },
  ): Promise<{ items: ImportRowError[]; total: number }> {
    const row = await this.own(actor, id);
    const items = await this.db
      .selectFrom('quality_import_errors')
      .selectAll()
      .where('job_id', '=', id)
      .orderBy('row_no')
      .orderBy('column_name')
      .$call(paged(q))
      .execute();
    return { items: items.map(toRowError), total: row.error_count };
  }

  async list(actor: Actor, examId: number) {
    await readableExam(this.db, actor, examId);
    const rows = await this.db
      .selectFrom('quality_import_jobs')
      .selectAll()
      .where('exam_id', '=', examId)
      .where('created_by', '=', actor.userId)
      .orderBy('created_at', 'desc')
      .limit(50)
      .execute();
    return rows.map((r) => toJob(r, []));
  }

  /** Drops a job that will not be committed, with its staging table and file. */
  async discard(caller: Caller, id: string) {
    const row = await this.own(caller.actor, id);
    // under way: only while its queued job is not running (waiting for a retry, or dead; an import
    // from before the queue has none and nothing will ever run it)
    if (
      (row.status === 'checking' || row.status === 'committing') &&
      row.queue_job_id !== null &&
      (await cancelJob(this.db, Number(row.queue_job_id))) === 'running'
    )
      throw ruleViolation(409, '任务正在运行，不能删除', 'The job is running and cannot be discarded');
    await dropStage(this.dbh, id);
    // the file first: a row without its file is harmless, a file without its row would never be swept
    await this.storage.delete(row.file_key);
    await this.db.deleteFrom('quality_import_jobs').where('id', '=', id).execute();
  }

  private async head(key: string): Promise<Buffer> {
    const s = await this.storage.get(key, { start: 0, end: 7 });
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
}

class RowsChanged extends Error {}
/** Another run of the same commit finished first. */
class AlreadyDone extends Error {}
/** The staging table lost rows since the check. */
class StagingLost extends Error {}
const isMissingTable = (e: unknown) => (e as { code?: unknown }).code === '42P01';

const isBlank = (cells: Cell[]) => cells.every((c) => c === null);

/** Whether a student is in the staged file twice for one subject (or item): can a unique index be built? */
async function stagedTwice(db: Db, table: string): Promise<boolean> {
  await sql`savepoint staged_twice`.execute(db);
  try {
    await sql`create unique index ${sql.raw(`${table}_once`)} on ${sql.table(table)} (student_key, exam_subject_id, coalesce(exam_item_id, 0))`.execute(
      db,
    );
    await sql`release savepoint staged_twice`.execute(db);
    return false;
  } catch (e) {
    if ((e as { code?: unknown }).code !== '23505') throw e;
    await sql`rollback to savepoint staged_twice`.execute(db);
    return true;
  }
}

/** `count` runs of a table's pages (pageRuns over its current size). */
async function tableRuns(ex: Db, table: string, count: number): Promise<RawBuilder<unknown>[]> {
  const pages = await sql<{ n: number }>`select (pg_relation_size(${table}::regclass)
    / current_setting('block_size')::int)::int as n`.execute(ex);
  return pageRuns(pages.rows[0]!.n, count);
}

/** Names and ID numbers from a file (student_id, name, id_number rows): a blank cell keeps what was known. */
async function upsertIdentities(ex: Db, source: RawBuilder<unknown>) {
  await sql`insert into quality_student_identities (student_id, name, id_number) ${source}
    on conflict (student_id) do update set name = coalesce(excluded.name, quality_student_identities.name),
      id_number = coalesce(excluded.id_number, quality_student_identities.id_number), updated_at = now()`.execute(ex);
}

/** Conditions splitting a table of `pages` pages into `count` runs of pages; the last is open-ended. */
function pageRuns(pages: number, count: number): RawBuilder<unknown>[] {
  const step = Math.max(1, Math.ceil(pages / Math.max(1, count)));
  const runs: RawBuilder<unknown>[] = [];
  for (let from = 0; ; from += step) {
    const start = sql`s.ctid >= ${`(${from},0)`}::tid`;
    if (from + step >= pages) return [...runs, start];
    runs.push(sql`${start} and s.ctid < ${`(${from + step},0)`}::tid`);
  }
}

/** Row errors go to the database in batches, however many there are. */
class ErrorBuffer {
  private rows: ImportRowError[] = [];
  constructor(
    private readonly db: Db,
    private readonly jobId: string,
  ) {}
  add(e: ImportRowError) {
    this.rows.push(e);
  }
  async flushIfFull() {
    if (this.rows.length >= 5000) await this.flush();
  }
  async flush() {
    if (!this.rows.length) return;
    const b = this.rows;
    this.rows = [];
    await sql`insert into quality_import_errors (job_id, row_no, column_name, code, message, message_en)
      select ${this.jobId}, * from unnest(${b.map((e) => e.row)}::int4[], ${b.map((e) => e.column)}::text[], ${b.map((e) => e.code)}::text[], ${b.map((e) => e.message)}::text[], ${b.map((e) => e.messageEn)}::text[])`.execute(
      this.db,
    );
  }
}

function toRowError(e: {
  row_no: number;
  column_name: string;
  code: string;
  message: string;
  message_en: string;
}): ImportRowError {
  return { row: e.row_no, column: e.column_name, code: e.code, message: e.message, messageEn: e.message_en };
}

function toJob(r: QualityJobRow, errors: ImportRowError[]): QualityJob {
  return {
    id: r.id,
    examId: r.exam_id,
    level: r.level as ImportLevel,
    status: r.status as QualityJobStatus,
    fileName: r.file_name,
    fileSize: Number(r.file_size),
    rowsTotal: r.rows_total,
    rowsChecked: r.rows_checked,
    rowsWritten: r.rows_written,
    errorCount: r.error_count,
    errors,
    message: r.message,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    committedAt: r.committed_at,
  };
}
