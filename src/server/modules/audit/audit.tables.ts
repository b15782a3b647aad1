import type { ColumnType, Generated, Selectable } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  at: ColumnType<string, string | undefined, never>;
  user_id: number | null;
  username: string | null;
  action: string; // create | update | delete | import | login | logout | …
  entity: string; // table-like name: school, teacher, community …
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  ip: string | null;
  /** Where the audited entity lives (audit.scope.ts): a bureau reads the entries inside its region. */
  region_code: string | null;
  school_id: number | null;
  community_id: number | null;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
export type AuditLogRow = Selectable<AuditLogTable>;
