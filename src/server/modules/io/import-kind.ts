import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { Actor } from '../../http/actor.js';
import type { ImportKind } from '../../../shared/io.schemas.js';
import { describeIssue } from '../../../shared/validation.js';
import type { CellParser } from './cell-parsers.js';
import type { Cell } from './spreadsheet-reader.js';

export interface ImportColumn {
  /** Field of the domain input this column fills (or a lookup key such as schoolCode). */
  key: string;
  zh: string;
  en: string;
  required?: boolean;
  parse: CellParser;
  example: Cell;
  note?: string;
  /** Other headers bureaus use for this column (出生日期 for 出生年份…). */
  aliases?: string[];
}

export interface CellIssue {
  key: string;
  zh: string;
  en: string;
}

export interface ParsedRow<T> {
  row: number;
  input: T;
  /** Keys of present columns whose cell was blank in this row. */
  blanks: string[];
}

/** What an update may touch: only columns present in the file; a blank cell keeps the stored value unless blankClears. */
export interface WriteOptions {
  present: Set<string>;
  blankClears: boolean;
}

/**
 * What differs between importable entities. The import engine (import.service.ts) does the rest:
 * streaming, header mapping, error collection, all-or-nothing commit.
 */
export interface ImportKindDef<T, Ctx> {
  kind: ImportKind;
  entity: string;
  sheetName: { zh: string; en: string };
  columns: ImportColumn[];
  /** Loads what the rows are checked against (e.g. school codes the actor may write to). */
  prepare(db: Kysely<Database>, actor: Actor): Promise<Ctx>;
  /** Builds and validates one row's domain input from its parsed cells. */
  toInput(values: Record<string, unknown>, ctx: Ctx): { input?: T; issues: CellIssue[] };
  /** Identity within the file and in the database: a second row with the same key is a duplicate. */
  uniqueKey(input: T): string;
  /** Checks needing the database, a batch at a time (e.g. an existing teacher of another school). */
  checkBatch?(
    db: Kysely<Database>,
    batch: ParsedRow<T>[],
    ctx: Ctx,
  ): Promise<{ row: number; key: string; zh: string; en: string }[]>;
  /** Writes a batch (insert or update by unique key); returns how many were created and updated. */
  write(
    db: Kysely<Database>,
    batch: ParsedRow<T>[],
    ctx: Ctx,
    opts: WriteOptions,
  ): Promise<{ created: number; updated: number }>;
}

/** Validates with a zod schema and maps issue paths back to columns. */
export function validateWith<T>(
  schema: z.ZodType<T>,
  candidate: unknown,
  fieldToColumn: Record<string, string> = {},
): { input?: T; issues: CellIssue[] } {
  const r = schema.safeParse(candidate);
  if (r.success) return { input: r.data, issues: [] };
  return {
    issues: r.error.issues.map((i) => {
      const field = String(i.path[0] ?? '');
      const text = describeIssue(i);
      return { key: fieldToColumn[field] ?? field, zh: text.zh, en: text.en };
    }),
  };
}

/**
 * "Absent means unchanged": for rows that already exist, copies the stored value into the new row
 * for every database column whose import columns are all absent from the file, or (unless
 * blankClears) all blank in this row. `columnsOf` maps an import column key to its database columns.
 */
export function keepStored<R extends Record<string, unknown>>(
  rows: { row: R; blanks: string[] }[],
  stored: Map<string, Record<string, unknown>>,
  keyOf: (r: Record<string, unknown>) => string,
  columnsOf: Record<string, string[]>,
  opts: WriteOptions,
): R[] {
  const keysOfColumn = new Map<string, string[]>();
  for (const [key, cols] of Object.entries(columnsOf))
    for (const c of cols) keysOfColumn.set(c, [...(keysOfColumn.get(c) ?? []), key]);
  return rows.map(({ row, blanks }) => {
    const old = stored.get(keyOf(row));
    if (!old) return row;
    const out: Record<string, unknown> = { ...row };
    for (const [column, keys] of keysOfColumn) {
      const fromFile = keys.filter((k) => opts.present.has(k) && (opts.blankClears || !blanks.includes(k)));
      if (fromFile.length === 0) out[column] = old[column];
    }
    return out as R;
  });
}

/** Stored values re-sent through the driver: JSON columns go back as text, the rest as they are. */
export function asWritable(row: Record<string, unknown>, jsonColumns: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  for (const c of jsonColumns) if (out[c] !== null && typeof out[c] !== 'string') out[c] = JSON.stringify(out[c]);
  return out;
}
