import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;

export interface JobTable {
  id: Generated<number>;
  kind: string;
  payload: ColumnType<unknown, string | undefined, string>;
  /** queued | running | done | dead */
  status: Generated<string>;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: number;
  timeout_seconds: number;
  /** the instance and run holding the lease */
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  /** at most one queued or running job per key (schedules use their name) */
  singleton_key: string | null;
  created_at: Timestamp;
  started_at: string | null;
  finished_at: string | null;
}

export interface JobScheduleTable {
  name: string;
  kind: string;
  every_seconds: number;
  payload: ColumnType<unknown, string | undefined, string>;
  next_run_at: Timestamp;
}

export interface JobsTables {
  jobs: JobTable;
  job_schedules: JobScheduleTable;
}
