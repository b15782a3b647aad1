import { sql } from 'kysely';
import type { Db } from '../../../db/connection.js';
import { activitiesSources } from './activities.sources.js';
import { collaborationSources } from './collaboration.sources.js';
import { qualitySources } from './quality.sources.js';
import { registrySources } from './registry.sources.js';
import type { DataSource } from './source.js';

/** The data source registry: every series a formula may name. Adding a source is adding an entry. */
export const DATA_SOURCES: readonly DataSource[] = [...registrySources, ...activitiesSources, ...collaborationSources, ...qualitySources];

const byKey = new Map(DATA_SOURCES.map((s) => [s.key, s]));
export const sourceOf = (key: string) => byKey.get(key);

/** Which sources can run on this database: their tables and columns exist (checked in one query). */
export async function availableSourceKeys(db: Db): Promise<Set<string>> {
  const tables = [...new Set(DATA_SOURCES.flatMap((s) => s.requires.map((r) => r.table)))];
  const rows = tables.length
    ? (await sql<{ table_name: string; column_name: string }>`select table_name, column_name from information_schema.columns
        where table_schema = current_schema() and table_name = any(${tables}::text[])`.execute(db)).rows
    : [];
  const have = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
  const hasTable = new Set(rows.map((r) => r.table_name));
  return new Set(DATA_SOURCES.filter((s) => s.requires.every((r) => hasTable.has(r.table) && (r.columns ?? []).every((c) => have.has(`${r.table}.${c}`)))).map((s) => s.key));
}

export type { DataSource } from './source.js';
