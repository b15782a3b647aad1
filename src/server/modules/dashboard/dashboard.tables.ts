import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;

/** 数据大屏 display links: a revocable token (stored as its sha256) that reads one scope's aggregates. */
export interface DisplayLinkTable {
  id: Generated<number>;
  token_hash: string;
  label: string;
  scope_kind: string; // region | community
  scope_id: string;
  created_by: number;
  created_at: Timestamp;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface DashboardTables {
  dashboard_display_links: DisplayLinkTable;
  dashboard_snapshots: SnapshotTable;
}

export type DisplayLinkRow = Selectable<DisplayLinkTable>;

export interface SnapshotTable {
  cache_key: string;
  change_version: string;
  payload: ColumnType<unknown, string, string>;
  computed_at: Timestamp;
}
