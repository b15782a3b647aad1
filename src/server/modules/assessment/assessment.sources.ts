import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { DataSource } from '../../contracts/assessment-source.js';

/**
 * The series an assessment formula may name: every installed module's `assessmentSources` (manifest),
 * in manifest order. Adding a source is adding an entry to its module's list.
 */
export class SourceCatalog {
  private readonly byKey: Map<string, DataSource>;

  constructor(readonly all: readonly DataSource[]) {
    this.byKey = new Map();
    for (const s of all) {
      if (this.byKey.has(s.key)) throw new Error(`assessment data source ${s.key} is declared twice`);
      this.byKey.set(s.key, s);
    }
  }

  static of(modules: readonly { assessmentSources?: readonly DataSource[] }[]): SourceCatalog {
    return new SourceCatalog(modules.flatMap((m) => m.assessmentSources ?? []));
  }

  source(key: string): DataSource | undefined {
    return this.byKey.get(key);
  }

  /** Which sources can run on this database: their tables and columns exist (checked in one query). */
  async availableKeys(db: Db): Promise<Set<string>> {
    const tables = [...new Set(this.all.flatMap((s) => s.requires.map((r) => r.table)))];
    const rows = tables.length
      ? (
          await sql<{
            table_name: string;
            column_name: string;
          }>`select table_name, column_name from information_schema.columns
          where table_schema = current_schema() and table_name = any(${tables}::text[])`.execute(db)
        ).rows
      : [];
    const have = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    const hasTable = new Set(rows.map((r) => r.table_name));
    return new Set(
      this.all
        .filter((s) =>
          s.requires.every((r) => hasTable.has(r.table) && (r.columns ?? []).every((c) => have.has(`${r.table}.${c}`))),
        )
        .map((s) => s.key),
    );
  }
}

export type { DataSource } from '../../contracts/assessment-source.js';
