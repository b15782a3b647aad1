import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { ClusterOutlined, NodeIndexOutlined } from '@ant-design/icons';
import { LineChartOutlined } from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import type { Role } from '../../shared/enums';
import { NATION_CODE } from '../../shared/regions';
import { ReadOutlined } from '@ant-design/icons';
import { ScheduleOutlined } from '@ant-design/icons';
import { CalendarOutlined } from '@ant-design/icons';
import { TrophyOutlined } from '@ant-design/icons';
import { SwapOutlined } from '@ant-design/icons';
import { BellOutlined } from '@ant-design/icons';

/**
 * The page registry. A module (activities, exchange, meetings, resources, assessment, quality,
 * planner, dashboard …) adds its pages and its menu entry by adding one
 * entry here, plus its namespace in locales/<lang>/<module>.json.
 */
export interface ModuleRoute {
  /** Path below the app root, without a leading slash ('' is the home page). */
  path: string;
  component: LazyExoticComponent<ComponentType> | ComponentType;
}
export interface AppModule {
  key: string;
  /** Menu entry; omit for modules without one. `label` is an i18n key (namespace:key). */
  menu?: { label: string; icon: ReactNode; path: string; group?: 'registry' | 'data' | 'system' };
  /** Roles that see the module; all signed-in users when omitted. */
  roles?: readonly Role[];
  /** A narrower rule than the role (e.g. the national administrator only); the server checks it too. */
  visible?: (me: Viewer) => boolean;
  routes: ModuleRoute[];
}

/** Who is looking: enough of the signed-in user to decide what the menu shows. */
export interface Viewer {
  role?: Role | undefined;
  scope?: { kind: string; id: string } | undefined;
}

const page = (load: () => Promise<{ default: ComponentType }>) => lazy(load);

export const MODULES: AppModule[] = [
  {
    key: 'home',
    menu: { label: 'common:nav.home', icon: <DashboardOutlined />, path: '/' },
    routes: [{ path: '', component: page(() => import('../pages/dashboard/DashboardPage')) }],
  },
  {
    key: 'regions',
    menu: { label: 'common:nav.regions', icon: <EnvironmentOutlined />, path: '/regions', group: 'registry' },
    routes: [{ path: 'regions', component: page(() => import('../pages/regions/RegionsPage')) }],
  },
  {
    key: 'schools',
    menu: { label: 'common:nav.schools', icon: <BankOutlined />, path: '/schools', group: 'registry' },
    routes: [
      { path: 'schools', component: page(() => import('../pages/schools/SchoolsPage')) },
      { path: 'schools/:id', component: page(() => import('../pages/schools/SchoolDetailPage')) },
    ],
  },
  {
    key: 'teachers',
    menu: { label: 'common:nav.teachers', icon: <TeamOutlined />, path: '/teachers', group: 'registry' },
    routes: [{ path: 'teachers', component: page(() => import('../pages/teachers/TeachersPage')) }],
  },
  {
    key: 'communities',
    menu: { label: 'common:nav.communities', icon: <ApartmentOutlined />, path: '/communities', group: 'registry' },
    routes: [
      { path: 'communities', component: page(() => import('../pages/communities/CommunitiesPage')) },
      { path: 'communities/:id', component: page(() => import('../pages/communities/CommunityDetailPage')) },
    ],
  },
  {
    key: 'stats',
    menu: { label: 'common:nav.stats', icon: <BarChartOutlined />, path: '/school-year-stats', group: 'data' },
    routes: [{ path: 'school-year-stats', component: page(() => import('../pages/stats/StatsPage')) }],
  },
  {
    key: 'imports',
    menu: { label: 'common:nav.imports', icon: <CloudUploadOutlined />, path: '/imports', group: 'data' },
    roles: ['bureau_admin', 'school_admin'],
    routes: [{ path: 'imports', component: page(() => import('../pages/imports/ImportPage')) }],
  },
  {
    key: 'meetings',
    menu: { label: 'meetings:nav', icon: <CalendarOutlined />, path: '/meetings', group: 'data' },
    routes: [
      { path: 'meetings', component: page(() => import('../pages/meetings/MeetingsPage')) },
      { path: 'meetings/reminders', component: page(() => import('../pages/meetings/RemindersPage')) },
      { path: 'meetings/:id', component: page(() => import('../pages/meetings/MeetingDetailPage')) },
    ],
  },
  {
    key: 'users',
    menu: { label: 'common:nav.users', icon: <UserOutlined />, path: '/users', group: 'system' },
    roles: ['bureau_admin'],
    routes: [{ path: 'users', component: page(() => import('../pages/users/UsersPage')) }],
  },
  {
    key: 'audit',
    menu: { label: 'common:nav.audit', icon: <AuditOutlined />, path: '/audit-log', group: 'system' },
    roles: ['bureau_admin'],
    routes: [{ path: 'audit-log', component: page(() => import('../pages/audit/AuditPage')) }],
  },
  {
    key: 'jobs',
    menu: { label: 'common:nav.jobs', icon: <ClusterOutlined />, path: '/jobs', group: 'system' },
    roles: ['bureau_admin'],
    // the queue serves the whole deployment: the national administrator's page
    visible: (me) => me.scope?.kind === 'region' && me.scope.id === NATION_CODE,
    routes: [{ path: 'jobs', component: page(() => import('../pages/jobs/JobsPage')) }],
  },
  {
    key: 'activities',
    menu: { label: 'activities:menu', icon: <ScheduleOutlined />, path: '/activities', group: 'data' },
    routes: [
      { path: 'activities', component: page(() => import('../pages/activities/ActivitiesPage')) },
      { path: 'activities/calendar', component: page(() => import('../pages/activities/CalendarPage')) },
      { path: 'activities/plans', component: page(() => import('../pages/activities/PlansPage')) },
      { path: 'activities/ledger', component: page(() => import('../pages/activities/LedgerPage')) },
      // a record's own address (links from the assessment explanation and evidence): the log with it open
      { path: 'activities/:id', component: page(() => import('../pages/activities/ActivitiesPage')) },
    ],
  },
  {
    key: 'planner',
    menu: { label: 'planner:nav', icon: <NodeIndexOutlined />, path: '/planner', group: 'data' },
    roles: ['bureau_admin', 'assessor', 'viewer'],
    routes: [
      { path: 'planner', component: page(() => import('../pages/planner/PlannerPage')) },
      { path: 'planner/:id', component: page(() => import('../pages/planner/PlanPage')) },
    ],
  },
  {
    key: 'resources',
    menu: { label: 'resources:nav.library', icon: <ReadOutlined />, path: '/resources' },
    routes: [
      { path: 'resources', component: page(() => import('../pages/resources/LibraryPage')) },
      { path: 'resources/mine', component: page(() => import('../pages/resources/MyUploadsPage')) },
      { path: 'resources/new', component: page(() => import('../pages/resources/UploadPage')) },
      { path: 'resources/:id', component: page(() => import('../pages/resources/ResourceDetailPage')) },
      { path: 'shared-courses', component: page(() => import('../pages/resources/CoursesPage')) },
      { path: 'shared-courses/:id', component: page(() => import('../pages/resources/CourseDetailPage')) },
    ],
  },
  {
    key: 'assessment',
    menu: { label: 'assessment:nav', icon: <TrophyOutlined />, path: '/assessment', group: 'data' },
    routes: [
      { path: 'assessment', component: page(() => import('../pages/assessment/AssessmentPage')) },
      { path: 'assessment/evaluations/:id', component: page(() => import('../pages/assessment/EvaluationPage')) },
      { path: 'assessment/schemes', component: page(() => import('../pages/assessment/SchemesPage')) },
      { path: 'assessment/schemes/:id', component: page(() => import('../pages/assessment/SchemeBuilderPage')) },
      { path: 'assessment/results', component: page(() => import('../pages/assessment/ResultsPage')) },
      { path: 'assessment/balance', component: page(() => import('../pages/assessment/BalancePage')) },
    ],
  },
  {
    key: 'quality',
    menu: { label: 'quality:nav', icon: <LineChartOutlined />, path: '/quality', group: 'data' },
    routes: [
      { path: 'quality', component: page(() => import('../pages/quality/QualityExamsPage')) },
      { path: 'quality/exams/:id', component: page(() => import('../pages/quality/ExamDetailPage')) },
      { path: 'quality/exams/:id/classes/:classId', component: page(() => import('../pages/quality/ClassReportPage')) },
      { path: 'quality/gaps', component: page(() => import('../pages/quality/GapsPage')) },
      { path: 'quality/classes', component: page(() => import('../pages/quality/ClassesPage')) },
      { path: 'quality/students', component: page(() => import('../pages/quality/StudentsPage')) },
      { path: 'quality/students/:id', component: page(() => import('../pages/quality/StudentReportPage')) },
    ],
  },
  {
    key: 'dashboard',
    routes: [
      { path: 'dashboard', component: page(() => import('../pages/dashboard/DashboardPage')) },
      { path: 'dashboard/big-screen', component: page(() => import('../pages/dashboard/BigScreenPage')) },
      { path: 'dashboard/teachers', component: page(() => import('../pages/dashboard/DrillTeachersPage')) },
      { path: 'dashboard/screens', component: page(() => import('../pages/dashboard/ScreensPage')) },
    ],
  },
  {
    key: 'exchange',
    menu: { label: 'exchange:nav', icon: <SwapOutlined />, path: '/exchange', group: 'data' },
    routes: [
      { path: 'exchange', component: page(() => import('../pages/exchange/AssignmentsPage')) },
      { path: 'exchange/due', component: page(() => import('../pages/exchange/DuePage')) },
      { path: 'exchange/report', component: page(() => import('../pages/exchange/ReportPage')) },
      { path: 'exchange/structure', component: page(() => import('../pages/exchange/StructurePage')) },
      { path: 'exchange/mentorships', component: page(() => import('../pages/exchange/MentorshipsPage')) },
      { path: 'exchange/studios', component: page(() => import('../pages/exchange/StudiosPage')) },
      { path: 'exchange/settings', component: page(() => import('../pages/exchange/SettingsPage')) },
    ],
  },
  {
    key: 'notifications',
    menu: { label: 'notifications:nav', icon: <BellOutlined />, path: '/notifications', group: 'system' },
    routes: [{ path: 'notifications', component: page(() => import('../pages/notifications/NotificationsPage')) }],
  },
];

export const MENU_GROUPS = ['registry', 'data', 'system'] as const;

export function modulesFor(me: Viewer | undefined): AppModule[] {
  const role = me?.role;
  return MODULES.filter(
    (m) =>
      (!m.roles || (role !== undefined && m.roles.includes(role))) &&
      (!m.visible || (me !== undefined && m.visible(me))),
  );
}
