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
}

export interface CellIssue {
  key: string;
  zh: string;
  en: string;
}

export interface ParsedRow<T> {
  row: number;
  input: T;
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
  checkBatch?(db: Kysely<Database>, batch: ParsedRow<T>[], ctx: Ctx): Promise<{ row: number; key: string; zh: string; en: string }[]>;
  /** Writes a batch (insert or update by unique key); returns how many were created and updated. */
  write(db: Kysely<Database>, batch: T[], ctx: Ctx): Promise<{ created: number; updated: number }>;
}

/** Validates with a zod schema and maps issue paths back to columns. */
export function validateWith<T>(schema: z.ZodType<T>, candidate: unknown, fieldToColumn: Record<string, string> = {}): { input?: T; issues: CellIssue[] } {
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
