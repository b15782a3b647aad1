import type {
  FastifyInstance,
  RawServerDefault,
  FastifyBaseLogger,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Migration } from 'kysely';
import type { AppContext } from '../context.js';
import type { Db, DbHandle } from '../db/connection.js';
import type { DataSource } from '../contracts/assessment-source.js';
import type { AlertSource, PanelDefinition } from '../contracts/dashboard-panel.js';
import type { JobKind, JobSchedule } from '../contracts/job.js';
import type { Notifier } from '../contracts/notify.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { ReportKind } from '../contracts/report.js';
import type { ReferenceCounter, ReferencedEntity } from '../contracts/references.js';
import type { TodoSource } from '../contracts/todo.js';
import type { ImportKindDef } from './io/import-kind.js';
import type { ImportKind } from '../../shared/io.schemas.js';

export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What a module's routes receive: the app context and every installed module's manifest. */
export interface ModuleContext extends AppContext {
  modules: readonly GongjinModule[];
}

/** Options of a module's demo seeding (the demo county is seeded by demo/seed-all.ts, module by module). */
export interface DemoSeedOptions {
  seed?: number;
  modules: readonly GongjinModule[];
  /** where demo files go (the app's file storage); without it a module seeds no files */
  storage?: BlobStorage | undefined;
}

/**
 * A domain module's manifest: everything it contributes, in one object. The app mounts its routes,
 * the migrator applies its migrations, the demo seeds its data, the dashboard shows its panels and
 * alerts and tracks its change tables, the assessment offers its data sources, the import page its
 * spreadsheet kinds. Nothing else lists modules: adding one is one line in `modules/index.ts`.
 */
export interface GongjinModule {
  name: string;
  migrations: Record<string, Migration>;
  /** mounts the module's HTTP routes; its services are wired here */
  routes?: (app: ZodApp, ctx: ModuleContext) => Promise<void> | void;
  /** demo-county data; runs after the registry's demo schools and teachers, in manifest order */
  demo?: (dbh: DbHandle, opts: DemoSeedOptions) => Promise<Record<string, number>>;
  dashboard?: {
    panels?: readonly PanelDefinition[];
    alerts?: readonly AlertSource[];
    /**
     * Tables whose writes make this module's cached panels stale (a statement trigger counts writes
     * per module; see dashboard/change-tracking.ts). Panels of a module without them are never cached.
     */
    changeTables?: readonly string[];
  };
  /** series that assessment formulas may name */
  assessmentSources?: readonly DataSource[];
  /** spreadsheet kinds the import page offers */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own input and context types
  imports?: Partial<Record<ImportKind, ImportKindDef<any, any>>>;
  /** background work: job kinds the queue runs, and schedules that enqueue them periodically */
  jobs?: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own payload type
    kinds?: readonly JobKind<any>[];
    schedules?: readonly JobSchedule[];
  };
  /** tells a user something (the notifications module offers it; contracts/notify.ts) */
  notifier?: Notifier;
  /** files users may ask for in the background (progress bar, download when done): modules/reports */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own parameter type
  reports?: readonly ReportKind<any>[];
  /**
   * rows of this module that name another module's record without a foreign key: the owner refuses
   * to delete the record while any count is above zero (contracts/references.ts)
   */
  references?: Partial<Record<ReferencedEntity, ReferenceCounter>>;
  /** what waits for the signed-in user (待办 on the home page, GET /api/v1/todo): contracts/todo.ts */
  todo?: readonly TodoSource[];
  /** runs after every migration, on every start (idempotent): reconciles state derived from manifests */
  afterMigrate?: (db: Db, modules: readonly GongjinModule[]) => Promise<void>;
}
