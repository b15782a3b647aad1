import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;

/** An import job: the uploaded file lives in blob storage, its state here, so any instance can commit it. */
export interface ImportJobTable {
  id: string;
  kind: string; // schools | teachers | school_year_stats
  status: string; // validated | invalid | committing | committed | failed
  file_key: string;
  file_name: string;
  file_size: number;
  total_rows: Generated<number>;
  valid_rows: Generated<number>;
  error_count: Generated<number>;
  errors: ColumnType<unknown, string | undefined, string>; // first N row errors
  result: ColumnType<unknown, string | undefined, string> | null; // created / updated counts
  created_by: number;
  scope_kind: string;
  scope_id: string;
  created_at: Timestamp;
  committed_at: string | null;
  /** Set when the source file was deleted from storage (retention). */
  file_deleted_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The column mapping the last check used (see header-mapping.ts). */
  mapping: ColumnType<unknown, string | null | undefined, string | null> | null;
  /** What the user chose in the preview: header row, own column names, blank clears. */
  options: ColumnType<unknown, string | undefined, string>;
}

/** A column name a user mapped to a field, remembered per importer for the scope they work in. */
export interface ImportColumnChoiceTable {
  kind: string;
  scope_kind: string;
  scope_id: string;
  header: string;
  field_key: string;
  updated_by: number | null;
  updated_at: Timestamp;
}

export interface IoTables {
  import_jobs: ImportJobTable;
  import_column_choices: ImportColumnChoiceTable;
}
export type ImportJobRow = Selectable<ImportJobTable>;
