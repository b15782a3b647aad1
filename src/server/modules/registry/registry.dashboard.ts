import {
  COMMUNITY_MODEL_LABELS,
  COMMUNITY_TYPE_LABELS,
  LOCATION_CLASS_LABELS,
  LOCATION_CLASSES,
  QUALITY_TIER_LABELS,
  QUALITY_TIERS,
  type Labelled,
} from '../../../shared/enums.js';
import { percentOf } from '../../../shared/dashboard.format.js';
import { label, type Chart, type ChartPoint, type DrillDown, type Figure } from '../../../shared/dashboard.schemas.js';
import { linkQuery, type PanelContext, type PanelDefinition } from '../../contracts/dashboard-panel.js';
import { scopeLinkQuery } from './registry.scope.js';
import {
  COMPULSORY_LEVELS,
  MASTER_SHARE_LINE,
  communityRows,
  masterShareByCommunity,
  masterShareBySchool,
  registryCommunityCounts,
  registrySchoolCounts,
  registryTeacherCounts,
  type MasterShareRow,
} from './registry.stats.js';

/** Registry figures: coverage, communities, schools, teachers and the master-teacher share. */
const link = (path: string, q: Parameters<typeof linkQuery>[0]): DrillDown => ({ path, query: linkQuery(q) });

function schoolLinks(ctx: PanelContext) {
  const base = { ...scopeLinkQuery(ctx.scope), level: ctx.filters.level, locationClass: ctx.filters.locationClass };
  const compulsory = ctx.filters.level.length
    ? ctx.filters.level.filter((l) => COMPULSORY_LEVELS.includes(l))
    : [...COMPULSORY_LEVELS];
  return {
    all: (extra: Parameters<typeof linkQuery>[0] = {}) => link('/schools', { ...base, ...extra }),
    compulsory: (extra: Parameters<typeof linkQuery>[0] = {}) =>
      link('/schools', { ...base, level: compulsory, ...extra }),
  };
}

function teacherLink(ctx: PanelContext, extra: Parameters<typeof linkQuery>[0] = {}): DrillDown {
  return link('/dashboard/teachers', {
    ...scopeLinkQuery(ctx.scope),
    level: ctx.filters.level,
    locationClass: ctx.filters.locationClass,
    ...extra,
  });
}

/** A province has ~2,000 communities: past RANK_LIMIT bars the chart shows the lowest, those behind the line. */
const RANK_LIMIT = 40;

function shareChart(key: string, title: Labelled, rows: MasterShareRow[], drill: (id: number) => DrillDown): Chart {
  const points = rows
    .filter((r) => r.total > 0)
    .map((r) => ({ name: label(r.name, r.name), value: percentOf(r.master, r.total), drillDown: drill(r.id) }))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const many = points.length > RANK_LIMIT;
  return {
    key,
    kind: 'rank',
    unit: 'percent',
    title: many
      ? label(
          `${title.zh}（最低 ${RANK_LIMIT} 个，共 ${points.length} 个）`,
          `${title.en} (lowest ${RANK_LIMIT} of ${points.length})`,
        )
      : title,
    points: many ? points.slice(-RANK_LIMIT) : points,
    line: { value: MASTER_SHARE_LINE, label: label('15% 名师占比线', '15% master-teacher line') },
  };
}

const overview: PanelDefinition = {
  key: 'registry.overview',
  module: 'registry',
  title: label('学校与教共体', 'Schools and communities'),
  order: 10,
  ignores: ['schoolYear', 'semester'],
  async load(ctx) {
    const { db, actor, scope, filters } = ctx;
    const f = { level: filters.level, locationClass: filters.locationClass };
    const [teachers, schools, communities] = await Promise.all([
      registryTeacherCounts(db, actor, scope, f),
      scope.view === 'school' ? null : registrySchoolCounts(db, actor, scope, f),
      scope.view === 'region' ? registryCommunityCounts(db, actor, scope.regionCode!) : null,
    ]);
    const links = schoolLinks(ctx);
    const figures: Figure[] = [];
    const charts: Chart[] = [];
    if (schools) {
      figures.push({
        key: 'schools',
        label: scope.view === 'community' ? label('成员校', 'Member schools') : label('学校', 'Schools'),
        value: schools.total,
        unit: 'schools',
        drillDown: links.all(),
      });
    }
    if (schools && scope.view === 'region') {
      figures.push({
        key: 'coverage',
        label: label('义务教育学校教共体覆盖率', 'Compulsory schools in a community'),
        value: percentOf(schools.compulsoryCovered, schools.compulsory),
        unit: 'percent',
        drillDown: links.compulsory({ inCommunity: true }),
        hint: label(
          `${schools.compulsoryCovered} / ${schools.compulsory} 所`,
          `${schools.compulsoryCovered} of ${schools.compulsory} schools`,
        ),
      });
    }
    if (communities) {
      figures.push({
        key: 'communities',
        label: label('教共体', 'Communities'),
        value: communities.total,
        unit: 'communities',
        drillDown: link('/communities', { region: scope.regionCode, active: true }),
      });
      const byKind = (
        key: 'byType' | 'byModel',
        labels: Record<string, Labelled>,
        param: 'type' | 'model',
      ): ChartPoint[] =>
        communities[key].map((r) => ({
          name: labels[r.key] ?? label(r.key, r.key),
          value: r.n,
          drillDown: link('/communities', { region: scope.regionCode, active: true, [param]: r.key }),
        }));
      charts.push(
        {
          key: 'communitiesByType',
          kind: 'pie',
          title: label('教共体类型', 'Communities by type'),
          unit: 'communities',
          points: byKind('byType', COMMUNITY_TYPE_LABELS, 'type'),
        },
        {
          key: 'communitiesByModel',
          kind: 'pie',
          title: label('教共体模式', 'Communities by model'),
          unit: 'communities',
          points: byKind('byModel', COMMUNITY_MODEL_LABELS, 'model'),
        },
      );
    }
    figures.push(
      {
        key: 'teachers',
        label: label('在岗教师', 'Active teachers'),
        value: teachers.total,
        unit: 'teachers',
        drillDown: teacherLink(ctx),
      },
      {
        key: 'masterShare',
        label: label('名师占比', 'Master-teacher share'),
        value: percentOf(teachers.master, teachers.total),
        unit: 'percent',
        drillDown: teacherLink(ctx, { master: true }),
        hint: label(
          `名师 ${teachers.master} / ${teachers.total} 人`,
          `${teachers.master} of ${teachers.total} teachers`,
        ),
      },
    );
    if (schools) {
      const present = new Map(schools.byLocation.map((r) => [r.key, r.n]));
      charts.push({
        key: 'schoolsByLocation',
        kind: 'bar',
        title: label('学校城乡分布', 'Schools by location class'),
        unit: 'schools',
        points: (filters.locationClass.length
          ? LOCATION_CLASSES.filter((k) => filters.locationClass.includes(k))
          : LOCATION_CLASSES
        ).map((k) => ({
          name: LOCATION_CLASS_LABELS[k],
          value: present.get(k) ?? 0,
          drillDown: links.all({ locationClass: [k] }),
        })),
      });
      const tiers = new Map(schools.byTier.map((r) => [r.key, r.n]));
      charts.push({
        key: 'schoolsByTier',
        kind: 'bar',
        title: label('学校办学水平分布', 'Schools by quality tier'),
        unit: 'schools',
        points: [
          ...QUALITY_TIERS.map((k) => ({
            name: QUALITY_TIER_LABELS[k],
            value: tiers.get(k) ?? 0,
            drillDown: links.all({ qualityTier: [k] }),
          })),
          ...(tiers.get(null)
            ? [{ name: label('未评定', 'Not rated'), value: tiers.get(null) ?? 0, drillDown: null }]
            : []),
        ],
      });
    }
    if (scope.view === 'region') {
      const rows = await masterShareByCommunity(db, actor, scope.regionCode!, {
        level: filters.level,
        locationClass: filters.locationClass,
      });
      charts.push(
        shareChart(
          'masterShareByCommunity',
          label('各教共体名师占比', 'Master-teacher share by community'),
          rows,
          (id) =>
            link('/dashboard/teachers', {
              communityId: id,
              level: filters.level,
              locationClass: filters.locationClass,
              master: true,
            }),
        ),
      );
    } else if (scope.view === 'community') {
      const rows = await masterShareBySchool(db, actor, scope, {
        level: filters.level,
        locationClass: filters.locationClass,
      });
      charts.push(
        shareChart('masterShareBySchool', label('各成员校名师占比', 'Master-teacher share by school'), rows, (id) =>
          link('/dashboard/teachers', { schoolId: id, master: true }),
        ),
      );
    }
    return { figures, charts };
  },
  async communityTable(ctx) {
    const rows = await communityRows(ctx.db, ctx.actor, ctx.scope);
    return {
      columns: [
        { key: 'type', label: label('类型', 'Type'), unit: 'text' },
        { key: 'model', label: label('模式', 'Model'), unit: 'text' },
        { key: 'schools', label: label('成员校', 'Schools'), unit: 'schools' },
        { key: 'teachers', label: label('在岗教师', 'Teachers'), unit: 'teachers' },
        { key: 'masterShare', label: label('名师占比', 'Master share'), unit: 'percent' },
      ],
      rows: rows.map((r) => ({
        id: r.id,
        name: r.name,
        values: {
          type: (COMMUNITY_TYPE_LABELS as Record<string, Labelled>)[r.type] ?? label(r.type, r.type),
          model: (COMMUNITY_MODEL_LABELS as Record<string, Labelled>)[r.model] ?? label(r.model, r.model),
          schools: r.schools,
          teachers: r.teachers,
          masterShare: percentOf(r.master, r.teachers),
        },
      })),
    };
  },
};

export const registryPanels: PanelDefinition[] = [overview];
