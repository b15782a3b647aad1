import type { ActivitiesTables } from '../modules/activities/activities.tables.js';
import type { AssessmentTables } from '../modules/assessment/assessment.tables.js';
import type { AuditTables } from '../modules/audit/audit.tables.js';
import type { DashboardTables } from '../modules/dashboard/dashboard.tables.js';
import type { AuthTables } from '../modules/auth/auth.tables.js';
import type { IdentityTables } from '../modules/auth/identity.tables.js';
import type { ExchangeTables } from '../modules/exchange/exchange.tables.js';
import type { IoTables } from '../modules/io/io.tables.js';
import type { JobsTables } from '../modules/jobs/jobs.tables.js';
import type { MeetingsTables } from '../modules/meetings/meetings.tables.js';
import type { NotificationsTables } from '../modules/notifications/notifications.tables.js';
import type { QualityTables } from '../modules/quality/quality.tables.js';
import type { PlannerTables } from '../modules/planner/planner.tables.js';
import type { RegistryTables } from '../modules/registry/registry.tables.js';
import type { ResourcesTables } from '../modules/resources/resources.tables.js';

/** The whole schema as Kysely sees it: each module contributes its own tables (one line each). */
export interface Database
  extends
    RegistryTables,
    AuthTables,
    IdentityTables,
    AuditTables,
    IoTables,
    JobsTables,
    PlannerTables,
    ActivitiesTables,
    MeetingsTables,
    ResourcesTables,
    QualityTables,
    ExchangeTables,
    DashboardTables,
    AssessmentTables,
    NotificationsTables {}
