import { EXCHANGE_KIND_LABELS } from '../../../shared/exchange.enums.js';
import { mentorshipListQuery } from '../../../shared/exchange-mentorship.schemas.js';
import { totalsQuery } from '../../../shared/exchange.schemas.js';
import { label } from '../../../shared/dashboard.schemas.js';
import type { Labelled } from '../../../shared/enums.js';
import { MentorshipsService } from './mentorships.service.js';
import { TotalsService } from './totals.service.js';
import {
  linkQuery,
  type AlertSource,
  type PanelContext,
  type PanelDefinition,
} from '../../contracts/dashboard-panel.js';

/**
 * Teacher exchange from the exchange module's totals API: people and hours (Haining: over 440,000
 * exchange hours), by kind; and mentors behind their monthly observation quota as alerts.
 */
function scopeQuery(ctx: PanelContext) {
  const { scope } = ctx;
  return {
    year: String(ctx.filters.schoolYear),
    ...(scope.view === 'region' ? { region: scope.regionCode! } : {}),
    ...(scope.communityId ? { communityId: String(scope.communityId) } : {}),
    ...(scope.schoolId ? { schoolId: String(scope.schoolId) } : {}),
  };
}

const exchangePanel: PanelDefinition = {
  key: 'exchange.overview',
  module: 'exchange',
  title: label('教师交流', 'Teacher exchange'),
  order: 30,
  ignores: ['semester', 'level', 'locationClass'],
  async load(ctx) {
    const q = scopeQuery(ctx);
    const totals = await new TotalsService(ctx.db).totals(ctx.actor, totalsQuery.parse({ ...q, by: 'kind' }));
    const drillDown = { path: '/exchange', query: linkQuery({ ...q, status: ['active', 'completed'] }) };
    return {
      figures: [
        {
          key: 'exchangePeople',
          label: label('交流教师', 'Teachers exchanged'),
          value: totals.total.people,
          unit: 'people',
          drillDown,
        },
        {
          key: 'exchangePersonTimes',
          label: label('交流人次', 'Exchange person-times'),
          value: totals.total.personTimes,
          unit: 'times',
          drillDown,
        },
        {
          key: 'exchangeHours',
          label: label('交流时长', 'Exchange hours'),
          value: totals.total.hours,
          unit: 'hours',
          drillDown,
        },
      ],
      charts: [
        {
          key: 'exchangeHoursByKind',
          kind: 'bar',
          title: label('各类交流时长', 'Exchange hours by kind'),
          unit: 'hours',
          points: totals.rows.map((r) => ({
            name: (EXCHANGE_KIND_LABELS as Record<string, Labelled>)[r.key] ?? label(r.label, r.label),
            value: r.hours,
            drillDown: {
              path: '/exchange',
              query: linkQuery({ ...q, status: ['active', 'completed'], kind: [r.key] }),
            },
          })),
        },
      ],
    };
  },
  async communityTable(ctx) {
    if (ctx.scope.view === 'school') return null;
    const totals = await new TotalsService(ctx.db).totals(
      ctx.actor,
      totalsQuery.parse({ ...scopeQuery(ctx), by: 'community', limit: 1000 }),
    );
    return {
      columns: [
        { key: 'exchangePeople', label: label('交流教师', 'Exchanged'), unit: 'people' },
        { key: 'exchangeHours', label: label('交流时长', 'Exchange hours'), unit: 'hours' },
      ],
      rows: totals.rows
        .filter((r) => /^\d+$/.test(r.key))
        .map((r) => ({
          id: Number(r.key),
          name: r.label,
          values: { exchangePeople: r.people, exchangeHours: r.hours },
        })),
    };
  },
};

const mentorsBehind: AlertSource = {
  key: 'exchange.mentorsBehind',
  module: 'exchange',
  alsoReads: ['activities'], // the observations that meet a mentor's monthly quota
  async load(ctx) {
    const q = mentorshipListQuery.parse({
      page: 1,
      pageSize: 200,
      status: 'active',
      behind: 'true',
      on: ctx.today,
      ...(ctx.scope.communityId ? { communityId: String(ctx.scope.communityId) } : {}),
    });
    const { items } = await new MentorshipsService(ctx.db).list(ctx.actor, q);
    return items.map((m) => ({
      key: `mentorship-${m.id}`,
      kind: 'mentorBehind',
      kindLabel: label('师徒结对听课未达标', 'Mentor behind the observation quota'),
      severity: (m.complianceRate ?? 0) < 0.5 ? ('high' as const) : ('medium' as const),
      title: `${m.mentorName} → ${m.apprenticeName}：达标 ${m.monthsMet}/${m.monthsJudged} 个月`,
      titleEn: `${m.mentorName} → ${m.apprenticeName}: quota met in ${m.monthsMet} of ${m.monthsJudged} months`,
      owner: `${m.mentorName}（${m.mentorSchoolName}）`,
      communityId: m.communityId,
      communityName: m.communityName,
      link: `/exchange/mentorships/${m.id}`,
      since: m.signedOn,
    }));
  },
};

export const exchangePanels: PanelDefinition[] = [exchangePanel];
export const exchangeAlerts: AlertSource[] = [mentorsBehind];
