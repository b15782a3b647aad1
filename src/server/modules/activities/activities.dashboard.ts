import { ACTIVITY_KIND_LABELS, type ActivityKind, type ActivityStatRow } from '../../../shared/activities.schemas.js';
import { label, type DrillDown } from '../../../shared/dashboard.schemas.js';
import { activitySchoolsReached, activityStats, type ActivityStatsFilter } from './activities.stats.js';
import { PlansService } from './plans.service.js';
import {
  linkQuery,
  type AlertSource,
  type PanelContext,
  type PanelDefinition,
} from '../../contracts/dashboard-panel.js';

/**
 * Activity figures from the activities module's statistics API (activityStats): synchronous-class
 * sessions and participant-times (Luqiao: 1,110 and 49,950), teaching research, and the monthly trend.
 * activityStats filters by community, school, region and period, not by school level or location class.
 */
const RESEARCH: ActivityKind[] = ['joint_prep', 'research', 'lecture', 'demo_lesson', 'observation'];

function statsFilter(ctx: PanelContext): ActivityStatsFilter {
  const { scope, filters } = ctx;
  const f: ActivityStatsFilter = { actor: ctx.actor, from: filters.from, to: filters.to };
  if (filters.semester) f.semester = filters.semester;
  if (scope.view === 'region') f.region = scope.regionCode!;
  if (scope.view === 'community') f.communityIds = [scope.communityId!];
  if (scope.view === 'school') f.schoolId = scope.schoolId!;
  return f;
}

function activityLink(ctx: PanelContext, kinds: readonly ActivityKind[]): DrillDown {
  const { scope, filters } = ctx;
  return {
    path: '/activities',
    query: linkQuery({
      kind: kinds,
      ...(filters.semester ? { semester: filters.semester } : { from: filters.from, to: filters.to }),
      communityId: scope.communityId,
      schoolId: scope.schoolId,
    }),
  };
}

const sum = (rows: readonly ActivityStatRow[], kinds: readonly ActivityKind[], pick: (r: ActivityStatRow) => number) =>
  rows.filter((r) => r.kind && kinds.includes(r.kind)).reduce((a, r) => a + pick(r), 0);

const activitiesPanel: PanelDefinition = {
  key: 'activities.overview',
  module: 'activities',
  title: label('同步课堂与教研', 'Synchronous classes and teaching research'),
  order: 20,
  ignores: ['level', 'locationClass'],
  async load(ctx) {
    // one pass over the activities, by kind and month; the panel only adds the rows up
    const [rows, syncSchools, researchSchools] = await Promise.all([
      activityStats(ctx.db, ['kind', 'month'], statsFilter(ctx)),
      activitySchoolsReached(ctx.db, { ...statsFilter(ctx), kinds: ['sync_class'] }),
      activitySchoolsReached(ctx.db, { ...statsFilter(ctx), kinds: RESEARCH }),
    ]);
    const kinds = new Map<ActivityKind, ActivityStatRow>();
    const months = new Map<string, number>();
    for (const r of rows) {
      if (!r.kind) continue;
      const k = kinds.get(r.kind) ?? {
        kind: r.kind,
        activities: 0,
        sessions: 0,
        teacherTimes: 0,
        studentTimes: 0,
        participantTimes: 0,
      };
      kinds.set(r.kind, {
        ...k,
        activities: k.activities + r.activities,
        sessions: k.sessions + r.sessions,
        teacherTimes: k.teacherTimes + r.teacherTimes,
        studentTimes: k.studentTimes + r.studentTimes,
        participantTimes: k.participantTimes + r.participantTimes,
      });
      if (r.kind === 'sync_class' && r.month) months.set(r.month, (months.get(r.month) ?? 0) + r.sessions);
    }
    const byKind = [...kinds.values()];
    const byMonth = [...months]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, sessions]) => ({ month, sessions }));
    const sync: ActivityKind[] = ['sync_class'];
    return {
      figures: [
        {
          key: 'syncSessions',
          label: label('同步课堂节次', 'Synchronous-class sessions'),
          value: sum(byKind, sync, (r) => r.sessions),
          unit: 'sessions',
          drillDown: activityLink(ctx, sync),
        },
        {
          key: 'syncParticipants',
          label: label('同步课堂参与人次', 'Synchronous-class participant-times'),
          value: sum(byKind, sync, (r) => r.participantTimes),
          unit: 'times',
          drillDown: activityLink(ctx, sync),
          hint: label(
            `按每次登记人数累计；涉及 ${syncSchools} 所学校（去重）`,
            `Summed per session as recorded; ${syncSchools} distinct schools`,
          ),
        },
        {
          key: 'researchSessions',
          label: label('教研活动场次', 'Teaching-research sessions'),
          value: sum(byKind, RESEARCH, (r) => r.sessions),
          unit: 'sessions',
          drillDown: activityLink(ctx, RESEARCH),
        },
        {
          key: 'researchTeacherTimes',
          label: label('教研参与教师人次', 'Teacher-times in research'),
          value: sum(byKind, RESEARCH, (r) => r.teacherTimes),
          unit: 'times',
          drillDown: activityLink(ctx, RESEARCH),
          hint: label(
            `按每次登记人数累计；涉及 ${researchSchools} 所学校（去重）`,
            `Summed per activity as recorded; ${researchSchools} distinct schools`,
          ),
        },
      ],
      charts: [
        {
          key: 'syncByMonth',
          kind: 'line',
          title: label('同步课堂节次（按月）', 'Synchronous-class sessions by month'),
          unit: 'sessions',
          points: byMonth.map((r) => ({ name: label(r.month ?? '', r.month ?? ''), value: r.sessions })),
        },
        {
          key: 'activitiesByKind',
          kind: 'bar',
          title: label('各类活动场次', 'Sessions by kind of activity'),
          unit: 'sessions',
          points: byKind
            .filter((r) => r.kind)
            .map((r) => ({
              name: ACTIVITY_KIND_LABELS[r.kind!],
              value: r.sessions,
              drillDown: activityLink(ctx, [r.kind!]),
            })),
        },
      ],
    };
  },
};

/** Communities behind their semester work plan (the activities module's compliance rule). */
const behindPlan: AlertSource = {
  key: 'activities.behindPlan',
  module: 'activities',
  async load(ctx) {
    const { scope, filters } = ctx;
    const rows = await new PlansService(ctx.db).reminders(ctx.actor, {
      ...(filters.semester ? { semester: filters.semester } : {}),
      ...(scope.communityId ? { communityId: scope.communityId } : {}),
    });
    return rows.map((r) => ({
      key: `plan-${r.planId}-${r.kind}-${r.schoolName ?? ''}-${r.month ?? ''}-${r.grade ?? ''}-${r.subject ?? ''}`,
      kind: 'behindPlan',
      kindLabel: label('工作计划滞后', 'Behind the work plan'),
      severity: r.missing >= 3 ? ('high' as const) : ('medium' as const),
      title: `${ACTIVITY_KIND_LABELS[r.kind].zh}${r.schoolName ? `（${r.schoolName}）` : ''}：应完成 ${r.due}，已完成 ${r.done}`,
      titleEn: `${ACTIVITY_KIND_LABELS[r.kind].en}${r.schoolName ? ` (${r.schoolName})` : ''}: ${r.done} of ${r.due} done`,
      owner: r.schoolName,
      communityId: r.communityId,
      communityName: r.communityName,
      link: `/activities/plans?${new URLSearchParams({ communityId: String(r.communityId), semester: r.semester }).toString()}`,
      since: r.month,
    }));
  },
};

export const activitiesPanels: PanelDefinition[] = [activitiesPanel];
export const activitiesAlerts: AlertSource[] = [behindPlan];

activitiesPanel.communityTable = async (ctx) => {
  if (ctx.scope.view === 'school') return null;
  const rows = await activityStats(ctx.db, ['community', 'kind'], statsFilter(ctx));
  const byCommunity = new Map<number, { name: string; rows: ActivityStatRow[] }>();
  for (const r of rows) {
    if (r.communityId === undefined || r.communityId === null) continue;
    const e = byCommunity.get(r.communityId) ?? { name: r.communityName ?? '', rows: [] };
    e.rows.push(r);
    byCommunity.set(r.communityId, e);
  }
  return {
    columns: [
      { key: 'syncSessions', label: label('同步课堂节次', 'Sync sessions'), unit: 'sessions' },
      { key: 'syncParticipants', label: label('参与人次', 'Participant-times'), unit: 'times' },
      { key: 'researchSessions', label: label('教研场次', 'Research sessions'), unit: 'sessions' },
    ],
    rows: [...byCommunity].map(([id, e]) => ({
      id,
      name: e.name,
      values: {
        syncSessions: sum(e.rows, ['sync_class'], (r) => r.sessions),
        syncParticipants: sum(e.rows, ['sync_class'], (r) => r.participantTimes),
        researchSessions: sum(e.rows, RESEARCH, (r) => r.sessions),
      },
    })),
  };
};
