import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<string, string | undefined, string>;
/** jsonb written as JSON text so both drivers store the same thing. */
type Json<T> = ColumnType<T, string, string>;

/** A saved pairing or exchange plan: its settings (locks, forbidden pairs, capacities …) and last result. */
export interface PlannerPlanTable {
  id: Generated<number>;
  kind: string; // pairing | exchange
  name: string;
  region_code: string;
  status: Generated<string>; // draft | accepted
  settings: Json<Record<string, unknown>>;
  result: Json<Record<string, unknown> | null>;
  result_status: string | null;
  objective: number | null;
  proven_optimal: boolean | null;
  created_by: number | null;
  created_by_name: string | null;
  accepted_at: string | null;
  accepted_by: number | null;
  effective_date: string | null;
  created_community_ids: ColumnType<number[], string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * Exchanges proposed by an accepted exchange plan, planned for the coming term. The exchange
 * module (being built in parallel) is the eventual owner of teacher exchanges; until it exists,
 * accepted proposals live here with their status.
 */
export interface PlannerExchangeTable {
  id: Generated<number>;
  plan_id: number;
  from_school_id: number;
  to_school_id: number;
  subject: string;
  kind: string; // itinerant | support_teaching
  weekly_slots: number;
  teacher_id: number | null;
  start_date: string;
  status: Generated<string>; // planned | cancelled
  exchange_assignment_id: number | null;
  created_at: Timestamp;
}

/** Imported travel times between a member and a core school (minutes). */
export interface PlannerTravelTimeTable {
  member_school_id: number;
  core_school_id: number;
  minutes: ColumnType<number, number, number>;
  updated_at: Timestamp;
}

export interface PlannerTables {
  planner_plans: PlannerPlanTable;
  planner_exchange_assignments: PlannerExchangeTable;
  planner_travel_times: PlannerTravelTimeTable;
}

export type PlannerPlanRow = Selectable<PlannerPlanTable>;
