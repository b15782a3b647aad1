import { paged } from '../../db/paging.js';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { z } from 'zod';
import type { JobBell } from '../../context.js';
import { callerSchema, type Actor, type Caller } from '../../http/actor.js';
import {
  AppError,
  ConflictError,
  NotFoundError,
  OutOfScopeError,
  ruleViolation,
  ValidationError,
} from '../../http/errors.js';
import type { ImportJob, ImportKind, ImportOptionsInput, RowError } from '../../../shared/io.schemas.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import { recordAudit } from '../audit/index.js';
import type { ImportColumn, ImportKindDef, ParsedRow } from './import-kind.js';
import {
  columnLetter,
  HEADER_SEARCH_ROWS,
  mapHeader,
  noteUnnamedColumns,
  type ColumnMapping,
  type MappedHeader,
} from './header-mapping.js';
import {
  detectType,
  readRows,
  SpreadsheetError,
  spreadsheetRefusal,
  type Cell,
  type SpreadsheetType,
} from './spreadsheet-reader.js';
import type { ImportJobRow } from './io.tables.js';
import { dropImportFile } from './retention.js';
import { parserChoices } from './cell-parsers.js';
import { buildTemplate } from './template-workbook.js';
import { enqueueJob } from '../jobs/index.js';

/**
 * The queue's side of a commit (io.jobs.ts adds what it runs). One transaction: a run cut short by a
 * crash wrote nothing and runs again; after its last attempt the import ends `failed`, with why.
 */
export const IMPORT_COMMIT = {
  name: 'io.import-commit',
  payload: z.object({ importId: z.string().uuid(), caller: callerSchema }),
  timeoutSeconds: 3600,
  maxAttempts: 3,
};
export type ImportCommitPayload = z.infer<typeof IMPORT_COMMIT.payload>;
/**
 * The queue's side of a large file's check (upload and re-check with new preview choices). It writes
 * nothing to the registry; a run cut short simply runs again, and after its last attempt the import
 * ends `failed`, with why.
 */
export const IMPORT_CHECK = {
  name: 'io.import-check',
  payload: z.object({ importId: z.string().uuid(), caller: callerSchema }),
  timeoutSeconds: 3600,
  maxAttempts: 3,
};
export type ImportCheckPayload = z.infer<typeof IMPORT_CHECK.payload>;
/** How long the upload waits for a queued check before it answers `checking` (the page then polls). */
const CHECK_WAIT_MS = 50_000;

export interface CheckOptions {
  /**
   * Files larger than this are checked on the job queue (a province's file takes minutes and must
   * survive a restart); smaller ones in the request, which a county's file answers in seconds.
   * Unset (the command line): every file is checked in-process.
   */
  queueCheckBytes?: number;
  /** How long a request waits for a queued check before it answers `checking`. */
  waitMs?: number;
}
/** How long the commit request waits for the queued commit: a county's file answers in one round trip. */
const COMMIT_WAIT_MS = 50_000;

/** The spreadsheet kinds the installed modules declare (manifest `imports`), by kind. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ImportKinds = Partial<Record<ImportKind, ImportKindDef<any, any>>>;

export function importKindsOf(modules: readonly { name: string; imports?: ImportKinds }[]): ImportKinds {
  const all: ImportKinds = {};
  for (const m of modules) {
    for (const [kind, def] of Object.entries(m.imports ?? {}) as [ImportKind, ImportKinds[ImportKind]][]) {
      if (all[kind]) throw new Error(`import kind ${kind} is declared twice (module ${m.name})`);
      all[kind] = def;
    }
  }
  return all;
}
const MAX_STORED_ERRORS = 1000;
const BATCH = 1000;

interface PassResult {
  totalRows: number;
  validRows: number;
  errorCount: number;
  errors: RowError[];
  created: number;
  updated: number;
  mapping: ColumnMapping | null;
}

/** What the user chose in the preview: the header row, their own column names, and whether a blank cell clears. */
export interface ImportOptions {
  headerRow?: number | undefined;
  blankClears?: boolean | undefined;
  custom?: Record<string, string> | undefined;
}

export { columnLetter };

function toJob(r: ImportJobRow, def: ImportKindDef<unknown, unknown> | undefined): ImportJob {
  return {
    id: r.id,
    kind: r.kind as ImportKind,
    status: r.status as ImportJob['status'],
    fileName: r.file_name,
    fileSize: Number(r.file_size),
    totalRows: r.total_rows,
    validRows: r.valid_rows,
    errorCount: r.error_count,
    errors: r.errors as RowError[],
    result: (r.result as ImportJob['result']) ?? null,
    createdAt: r.created_at,
    committedAt: r.committed_at,
    mapping: (r.mapping as ColumnMapping | null) ?? null,
    options: (r.options as ImportJob['options'] | null) ?? {},
    fields: (def?.columns ?? []).map((c) => ({
      key: c.key,
      field: c.zh,
      fieldEn: c.en,
      required: c.required === true,
    })),
  };
}

export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly storage: BlobStorage,
    private readonly kinds: ImportKinds,
    private readonly jobBell?: JobBell,
    private readonly checking: CheckOptions = {},
  ) {}

  private get queueCheckBytes() {
    return this.checking.queueCheckBytes ?? Number.POSITIVE_INFINITY;
  }

  /** The declared kind; a kind no installed module declares is not offered. */
  private def(kind: ImportKind) {
    const def = this.kinds[kind];
    if (!def) throw new NotFoundError('import_kind', kind, { zh: '导入类型', en: 'import kind' });
    return def;
  }

  private toJob(r: ImportJobRow): ImportJob {
    return toJob(r, this.kinds[r.kind as ImportKind]);
  }

  /**
   * One pass over the file: parse, validate, check against the database in batches, and — when
   * `write` is given — write each clean batch. Memory holds a batch and the set of keys seen.
   */
  private async pass(
    job: { kind: ImportKind; file_key: string; file_name: string },
    actor: Actor,
    db: Db,
    write: boolean,
    type: SpreadsheetType,
    options: ImportOptions = {},
  ): Promise<PassResult> {
    const def = this.def(job.kind);
    const ctx = await def.prepare(db, actor);
    const result: PassResult = {
      totalRows: 0,
      validRows: 0,
      errorCount: 0,
      errors: [],
      created: 0,
      updated: 0,
      mapping: null,
    };
    const headerOf = (key: string) => def.columns.find((c) => c.key === key)?.zh ?? key;
    const addError = (row: number, key: string, zh: string, en: string) => {
      result.errorCount += 1;
      if (result.errors.length < MAX_STORED_ERRORS)
        result.errors.push({ row, column: headerOf(key), message: zh, messageEn: en });
    };
    const seen = new Map<string, number>();
    let mapped: (ImportColumn | null)[] | null = null;
    let header: MappedHeader | null = null;
    let present = new Set<string>();
    let batch: ParsedRow<unknown>[] = [];
    const head: { row: number; cells: Cell[] }[] = [];

    const flush = async () => {
      const rows = batch;
      batch = [];
      if (rows.length === 0) return;
      const issues = def.checkBatch ? await def.checkBatch(db, rows, ctx) : [];
      for (const i of issues) addError(i.row, i.key, i.zh, i.en);
      const bad = new Set(issues.map((i) => i.row));
      const good = rows.filter((r) => !bad.has(r.row));
      result.validRows += good.length;
      // once any row failed, nothing will be committed: stop writing, keep checking
      if (write && result.errorCount === 0) {
        const w = await def.write(db, good, ctx, { present, blankClears: options.blankClears === true });
        result.created += w.created;
        result.updated += w.updated;
      }
    };

    const dataRow = async (row: number, cells: Cell[]) => {
      if (cells.every((c) => c === null)) return;
      noteUnnamedColumns(header!, cells);
      result.totalRows += 1;
      const values: Record<string, unknown> = {};
      const blanks: string[] = [];
      let cellErrors = 0;
      mapped!.forEach((col, i) => {
        if (!col) return;
        const cell = cells[i] ?? null;
        if (cell === null) blanks.push(col.key);
        const parsed = col.parse(cell);
        if (parsed.ok) values[col.key] = parsed.value;
        else {
          cellErrors += 1;
          addError(row, col.key, parsed.zh, parsed.en);
        }
      });
      if (cellErrors) return;
      for (const col of def.columns) {
        if (col.required && (values[col.key] === null || values[col.key] === undefined)) {
          cellErrors += 1;
          addError(row, col.key, '必填', 'Required');
        }
      }
      if (cellErrors) return;
      const { input, issues } = def.toInput(values, ctx);
      for (const i of issues) addError(row, i.key, i.zh, i.en);
      if (!input) return;
      const key = def.uniqueKey(input);
      const first = seen.get(key);
      if (first !== undefined) {
        const keyColumn = def.columns[0]!;
        addError(
          row,
          keyColumn.key,
          `与第 ${first} 行重复（${keyColumn.zh}相同）`,
          `Duplicate of row ${first} (same ${keyColumn.en})`,
        );
        return;
      }
      seen.set(key, row);
      batch.push({ row, input, blanks });
      if (batch.length >= BATCH) await flush();
    };

    // the header is found among the first rows (title rows, two-level headers), so they are held back
    const startMapping = async () => {
      const m = mapHeader(head, def.columns, { headerRow: options.headerRow, custom: options.custom ?? {} });
      mapped = m.columns;
      header = m;
      result.mapping = m.mapping;
      present = new Set(m.mapping.used.map((u) => u.key));
      for (const r of head.slice(m.dataStart)) await dataRow(r.row, r.cells);
    };

    const stream = await this.storage.get(job.file_key);
    for await (const { row, cells } of readRows(stream, type)) {
      if (!mapped) {
        head.push({ row, cells });
        if (head.length >= HEADER_SEARCH_ROWS) await startMapping();
        continue;
      }
      await dataRow(row, cells);
    }
    if (!mapped) await startMapping();
    await flush();
    return result;
  }

  private async headOf(key: string): Promise<Buffer> {
    const s = await this.storage.get(key, { start: 0, end: 7 });
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** Stores the upload, checks every row, and records the job. Nothing is written to the registry. */
  async upload(
    caller: Caller,
    kind: ImportKind,
    fileName: string,
    body: Readable,
    truncatedAtMb: () => number | null = () => null,
  ): Promise<ImportJob> {
    if (!['bureau_admin', 'school_admin'].includes(caller.actor.role)) throw new AppError(403, 'forbidden');
    const safeName = fileName.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(-120) || 'upload';
    const id = randomUUID();
    const key = `imports/${id}/${/\.(xlsx|csv)$/i.test(safeName) ? safeName.slice(safeName.lastIndexOf('.')) : '.bin'}`;
    const { size } = await this.storage.put(key, body);
    const limitMb = truncatedAtMb();
    if (limitMb !== null) {
      // the upload stopped at the size limit: discard the partial file, record nothing
      await this.storage.delete(key);
      throw new AppError(413, 'file_too_large', { limitMb });
    }
    let type: SpreadsheetType;
    let result: PassResult | null = null;
    const queued = size > this.queueCheckBytes;
    try {
      type = detectType(fileName, await this.headOf(key));
      if (!queued)
        result = await this.pass({ kind, file_key: key, file_name: fileName }, caller.actor, this.db, false, type, {
          custom: await this.choices(caller.actor, kind),
        });
    } catch (e) {
      await this.storage.delete(key);
      if (e instanceof SpreadsheetError)
        throw spreadsheetRefusal(e, [{ field: 'file', code: 'spreadsheet_invalid', message: e.zh, messageEn: e.en }]);
      throw e;
    }
    let row: ImportJobRow;
    try {
      // the job row and its queued check in one transaction: no `checking` import without its job
      row = await this.db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('import_jobs')
          .values({
            id,
            kind,
            status: !result ? 'checking' : result.errorCount ? 'invalid' : 'validated',
            file_key: key,
            file_name: fileName,
            file_size: size,
            total_rows: result?.totalRows ?? 0,
            valid_rows: result?.validRows ?? 0,
            error_count: result?.errorCount ?? 0,
            errors: JSON.stringify(result?.errors ?? []),
            result: null,
            created_by: caller.actor.userId,
            scope_kind: caller.actor.scope.kind,
            scope_id: caller.actor.scope.id,
            committed_at: null,
            mapping: JSON.stringify(result?.mapping ?? null),
            options: '{}',
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        if (!result) await enqueueJob(tx, IMPORT_CHECK, { importId: id, caller });
        return inserted;
      });
    } catch (e) {
      await this.storage.delete(key); // a preview never keeps a file outside its job
      throw e;
    }
    // a preview with row errors keeps its file: the user may re-check it with another column mapping
    // or header row (POST /imports/:id/options); retention.ts deletes it with the job's other files
    if (result) return this.toJob(row);
    this.jobBell?.ring();
    return this.waitWhileChecking(caller.actor, id);
  }

  private async waitWhileChecking(actor: Actor, id: string): Promise<ImportJob> {
    await this.waitWhile(id, 'checking', this.checking.waitMs ?? CHECK_WAIT_MS);
    return this.get(actor, id);
  }

  /** Polls the import while the queue works on it (at most `waitMs`); the row as it then stands. */
  private async waitWhile(id: string, status: 'checking' | 'committing', waitMs: number) {
    const until = Date.now() + waitMs;
    for (;;) {
      const now = await this.db
        .selectFrom('import_jobs')
        .select(['status', 'error_count'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      if (now.status !== status || Date.now() > until) return now;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * The queued check of a large file: every row parsed and checked against the database, nothing
   * written but the preview (counts, errors, column mapping). A file that cannot be read at all ends
   * the import `failed` with the reason, its file deleted.
   */
  async runCheck(caller: Caller, id: string): Promise<{ status: ImportJob['status']; rows: number }> {
    const job = await this.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (job?.status !== 'checking')
      return { status: (job?.status as ImportJob['status'] | undefined) ?? 'failed', rows: 0 };
    let result: PassResult;
    try {
      const type = detectType(job.file_name, await this.headOf(job.file_key));
      result = await this.pass(
        { kind: job.kind as ImportKind, file_key: job.file_key, file_name: job.file_name },
        caller.actor,
        this.db,
        false,
        type,
        await this.optionsOf(caller.actor, job),
      );
    } catch (e) {
      if (!(e instanceof SpreadsheetError)) throw e; // the queue runs it again
      await this.failChecking(id, `表格无法读取：${e.zh}`, `The spreadsheet cannot be read: ${e.en}`);
      return { status: 'failed', rows: 0 };
    }
    const status = result.errorCount ? 'invalid' : 'validated';
    await this.db
      .updateTable('import_jobs')
      .set({
        status,
        total_rows: result.totalRows,
        valid_rows: result.validRows,
        error_count: result.errorCount,
        errors: JSON.stringify(result.errors),
        mapping: JSON.stringify(result.mapping),
      })
      .where('id', '=', id)
      .where('status', '=', 'checking')
      .execute();
    return { status, rows: result.totalRows };
  }

  /** The queue gave up on a check (its worker died on the last attempt, or it kept failing). */
  async abandonCheck(id: string, reason: string): Promise<void> {
    const why = reason.slice(0, 300);
    await this.failChecking(
      id,
      `校验未能完成，请重新上传（${why}）`,
      `The check could not finish; upload the file again (${why})`,
    );
  }

  private async failChecking(id: string, message: string, messageEn: string): Promise<void> {
    await this.db
      .updateTable('import_jobs')
      .set({ status: 'failed', errors: JSON.stringify([{ row: 0, column: '', message, messageEn }]) })
      .where('id', '=', id)
      .where('status', '=', 'checking')
      .execute();
    await dropImportFile(this.db, this.storage, 'import_jobs', id).catch(() => undefined);
  }

  /** Column names this user's scope mapped to fields before, for this importer. */
  private async choices(actor: Actor, kind: ImportKind): Promise<Record<string, string>> {
    const rows = await this.db
      .selectFrom('import_column_choices')
      .select(['header', 'field_key'])
      .where('kind', '=', kind)
      .where('scope_kind', '=', actor.scope.kind)
      .where('scope_id', '=', String(actor.scope.id))
      .execute();
    return Object.fromEntries(rows.map((r) => [r.header, r.field_key]));
  }

  private async optionsOf(actor: Actor, job: ImportJobRow): Promise<ImportOptions> {
    const o = (job.options ?? {}) as ImportOptionsInput;
    return {
      headerRow: o.headerRow,
      blankClears: o.blankClears,
      custom: await this.choices(actor, job.kind as ImportKind),
    };
  }

  /**
   * The preview's choices: which row is the header, which unknown columns mean which field (kept
   * for the user's scope and this importer), and whether a blank cell clears a stored value. The
   * file is checked again; nothing is written to the registry.
   */
  async configure(caller: Caller, id: string, input: ImportOptionsInput): Promise<ImportJob> {
    const job = await this.own(caller.actor, id);
    if (job.status !== 'validated' && job.status !== 'invalid')
      throw new ConflictError('import_state', { status: job.status });
    const kind = job.kind as ImportKind;
    const def = this.def(kind);
    const fieldKeys = new Set(def.columns.map((c) => c.key));
    const unknown = Object.entries(input.custom ?? {}).filter(([, key]) => key !== null && !fieldKeys.has(key));
    if (unknown.length)
      throw new ValidationError(
        unknown.map(([h, key]) => ({
          field: `body.custom.${h}`,
          code: 'unknown_field',
          message: `“${String(key)}”不是该导入的字段`,
          messageEn: `"${String(key)}" is not a field of this import`,
        })),
      );
    const scope = { kind, scope_kind: caller.actor.scope.kind, scope_id: String(caller.actor.scope.id) };
    const options: ImportOptionsInput = {
      ...(input.headerRow !== undefined ? { headerRow: input.headerRow } : {}),
      ...(input.blankClears !== undefined ? { blankClears: input.blankClears } : {}),
    };
    const type = detectType(job.file_name, await this.headOf(job.file_key));
    const queued = Number(job.file_size) > this.queueCheckBytes;
    const checked = await this.db.transaction().execute(async (tx) => {
      for (const [header, key] of Object.entries(input.custom ?? {})) {
        const name = header.trim();
        if (key === null)
          await tx
            .deleteFrom('import_column_choices')
            .where('kind', '=', scope.kind)
            .where('scope_kind', '=', scope.scope_kind)
            .where('scope_id', '=', scope.scope_id)
            .where('header', '=', name)
            .execute();
        else {
          await tx
            .insertInto('import_column_choices')
            .values({ ...scope, header: name, field_key: key, updated_by: caller.actor.userId })
            .onConflict((oc) =>
              oc
                .columns(['kind', 'scope_kind', 'scope_id', 'header'])
                .doUpdateSet({ field_key: key, updated_by: caller.actor.userId, updated_at: new Date().toISOString() }),
            )
            .execute();
        }
      }
      if (input.custom && Object.keys(input.custom).length)
        await recordAudit(tx, caller, {
          action: 'update',
          entity: 'import_column_choice',
          entityId: kind,
          after: input.custom,
        });
      if (queued) {
        await tx
          .updateTable('import_jobs')
          .set({ status: 'checking', options: JSON.stringify(options) })
          .where('id', '=', id)
          .execute();
        await enqueueJob(tx, IMPORT_CHECK, { importId: id, caller });
        return null;
      }
      let result: PassResult;
      try {
        const custom = Object.fromEntries(
          (
            await tx
              .selectFrom('import_column_choices')
              .select(['header', 'field_key'])
              .where('kind', '=', scope.kind)
              .where('scope_kind', '=', scope.scope_kind)
              .where('scope_id', '=', scope.scope_id)
              .execute()
          ).map((r) => [r.header, r.field_key]),
        );
        result = await this.pass(
          { kind, file_key: job.file_key, file_name: job.file_name },
          caller.actor,
          tx,
          false,
          type,
          { ...options, custom },
        );
      } catch (e) {
        if (e instanceof SpreadsheetError)
          throw spreadsheetRefusal(e, [{ field: 'file', code: 'spreadsheet_invalid', message: e.zh, messageEn: e.en }]);
        throw e;
      }
      const row = await tx
        .updateTable('import_jobs')
        .set({
          status: result.errorCount ? 'invalid' : 'validated',
          total_rows: result.totalRows,
          valid_rows: result.validRows,
          error_count: result.errorCount,
          errors: JSON.stringify(result.errors),
          mapping: JSON.stringify(result.mapping),
          options: JSON.stringify(options),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return this.toJob(row);
    });
    if (checked) return checked;
    this.jobBell?.ring();
    return this.waitWhileChecking(caller.actor, id);
  }

  private async own(actor: Actor, id: string) {
    const row = await this.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('import_job', id);
    if (row.created_by !== actor.userId) throw new OutOfScopeError('import_job');
    return row;
  }

  async get(actor: Actor, id: string): Promise<ImportJob> {
    return this.toJob(await this.own(actor, id));
  }

  async list(actor: Actor, q: { page: number; pageSize: number }) {
    const base = this.db.selectFrom('import_jobs').where('created_by', '=', actor.userId);
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').$call(paged(q)).execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => ({ ...this.toJob(r), errors: [] })), total: count.n };
  }

  /**
   * Claims the job (two clicks, or two server instances, cannot commit it twice) and queues the
   * commit on the job queue, then waits a while for it: a file of a county's size comes back
   * committed (or with the rows that changed since the preview) in this one request; a larger one
   * comes back `committing` and the page polls the job. `inline` commits in this process instead
   * (the command line, which runs no worker).
   */
  async commit(
    caller: Caller,
    id: string,
    { inline = false, waitMs = COMMIT_WAIT_MS }: { inline?: boolean; waitMs?: number } = {},
  ): Promise<ImportJob> {
    const job = await this.own(caller.actor, id);
    if (job.status === 'invalid')
      throw new ValidationError(job.errors as never, 'import_has_errors', { count: job.error_count });
    if (job.file_deleted_at)
      throw ruleViolation(
        409,
        '上传的文件已超过保留期限（含个人信息，不长期保存）并已删除，请重新上传',
        'The uploaded file passed its retention period (it holds personal data) and was deleted; upload it again',
      );
    const claimed = await this.db
      .updateTable('import_jobs')
      .set({ status: 'committing' })
      .where('id', '=', id)
      .where('status', '=', 'validated')
      .returning('id')
      .executeTakeFirst();
    if (!claimed) throw new ConflictError('import_state', { status: job.status });
    if (inline) {
      try {
        await this.runCommit(caller, id);
      } catch (e) {
        await this.db.updateTable('import_jobs').set({ status: 'validated' }).where('id', '=', id).execute();
        throw e;
      }
    } else {
      await enqueueJob(this.db, IMPORT_COMMIT, { importId: id, caller });
      this.jobBell?.ring();
    }
    const now = await this.waitWhile(id, 'committing', waitMs);
    if (now.status === 'invalid') throw new ValidationError([], 'import_has_errors', { count: now.error_count });
    return this.get(caller.actor, id);
  }

  /**
   * The queued commit: the whole file in one transaction, re-checking every row (the data may have
   * changed since the preview). Any bad row rolls everything back and the job shows those rows.
   */
  async runCommit(caller: Caller, id: string): Promise<{ status: ImportJob['status']; rows: number }> {
    const job = await this.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (job?.status !== 'committing')
      return { status: (job?.status as ImportJob['status'] | undefined) ?? 'failed', rows: 0 };
    const type = detectType(job.file_name, await this.headOf(job.file_key));
    const options = await this.optionsOf(caller.actor, job);
    try {
      const rows = await this.db.transaction().execute(async (tx) => {
        // a run abandoned at its timeout may have finished meanwhile: the claim is re-taken here
        const mine = await tx
          .updateTable('import_jobs')
          .set({ status: 'committing' })
          .where('id', '=', id)
          .where('status', '=', 'committing')
          .returning('id')
          .executeTakeFirst();
        if (!mine) throw new AlreadyDone();
        const r = await this.pass(
          { kind: job.kind as ImportKind, file_key: job.file_key, file_name: job.file_name },
          caller.actor,
          tx,
          true,
          type,
          options,
        );
        if (r.errorCount) throw new RowsChanged(r);
        await recordAudit(tx, caller, {
          action: 'import',
          entity: this.def(job.kind as ImportKind).entity,
          entityId: null,
          after: { importJob: id, file: job.file_name, created: r.created, updated: r.updated },
        });
        await tx
          .updateTable('import_jobs')
          .set({
            status: 'committed',
            result: JSON.stringify({ created: r.created, updated: r.updated }),
            committed_at: new Date().toISOString(),
          })
          .where('id', '=', id)
          .execute();
        return r.created + r.updated;
      });
      return { status: 'committed', rows };
    } catch (e) {
      if (e instanceof AlreadyDone) return { status: 'committed', rows: 0 };
      if (!(e instanceof RowsChanged)) throw e; // rolled back: the queue runs it again
      await this.db
        .updateTable('import_jobs')
        .set({
          status: 'invalid',
          error_count: e.result.errorCount,
          errors: JSON.stringify(e.result.errors),
          valid_rows: e.result.validRows,
        })
        .where('id', '=', id)
        .execute();
      await dropImportFile(this.db, this.storage, 'import_jobs', id);
      return { status: 'invalid', rows: 0 };
    }
  }

  /** The queue gave up on a commit: nothing was written; the import ends `failed`, saying why. */
  async abandonCommit(id: string, reason: string): Promise<void> {
    const why = reason.slice(0, 300);
    await this.db
      .updateTable('import_jobs')
      .set({
        status: 'failed',
        errors: JSON.stringify([
          {
            row: 0,
            column: '',
            message: `写入未能完成，未写入任何数据，请重新上传（${why}）`,
            messageEn: `Writing could not finish; nothing was written; upload again (${why})`,
          },
        ]),
      })
      .where('id', '=', id)
      .where('status', '=', 'committing')
      .execute();
    await dropImportFile(this.db, this.storage, 'import_jobs', id).catch(() => undefined);
  }

  /** A template workbook (template-workbook.ts): data sheet, 说明 with an example row, drop-downs, text code columns. */
  async template(kind: ImportKind, lang: 'zh' | 'en'): Promise<Buffer> {
    const def = this.def(kind);
    return buildTemplate({
      sheetName: def.sheetName[lang],
      lang,
      columns: def.columns.map((c) => {
        const choices = parserChoices.get(c.parse);
        return {
          header: lang === 'en' ? c.en : c.zh,
          required: c.required,
          note: c.note,
          example: c.example,
          choices: choices?.labels.map((l) => (lang === 'en' ? l.en : l.zh)),
          multiple: choices?.multiple,
          text: isCodeColumn(c.key),
        };
      }),
    });
  }
}

/** Columns holding codes, ID numbers or phone numbers: text in templates, never numbers. */
export function isCodeColumn(key: string): boolean {
  return key === 'code' || /Code$|idNumber|IdNumber|phone|Phone/.test(key);
}

/** Another run of the same commit finished first. */
class AlreadyDone extends Error {}
class RowsChanged extends Error {
  constructor(readonly result: PassResult) {
    super('rows changed since validation');
  }
}
