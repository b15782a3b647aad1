import { label } from '../../../shared/dashboard.schemas.js';
import type { Results } from '../../../shared/assessment.schemas.js';
import { publishedResults } from './results.service.js';
import type { Db } from '../../db/connection.js';
import type { PanelDefinition } from '../../contracts/dashboard-panel.js';

/**
 * The results the panel shows for a school year: that year's, else the latest published before it.
 * A year's index is published after the year ends, so the current year has none for months; showing
 * an empty panel then hid the index the bureau is judged on. The figures say which year they are.
 */
export async function resultsShownFor(db: Db, region: string, schoolYear: number): Promise<Results> {
  const asked = await publishedResults(db, region, schoolYear);
  if (asked.communities.length > 0) return asked;
  const earlier = asked.years.find((y) => y < schoolYear);
  return earlier === undefined ? asked : publishedResults(db, region, earlier);
}

/** The hint on figures from an earlier year than the one on screen. */
function earlierYearHint(r: Results, schoolYear: number) {
  if (r.year === schoolYear) return undefined;
  return label(
    `${r.year}–${r.year + 1} 学年考核结果（${schoolYear}–${schoolYear + 1} 学年尚未发布）`,
    `Results of ${r.year}–${r.year + 1} (${schoolYear}–${schoolYear + 1} not yet published)`,
  );
}

/**
 * The development index (总发展指数) and the ranking of communities, from the assessment module's
 * published results only (drafts never reach the dashboard). The year is the assessed school year.
 */
const assessmentPanel: PanelDefinition = {
  key: 'assessment.ranking',
  module: 'assessment',
  title: label('考核评价与发展指数', 'Assessment and development index'),
  order: 50,
  ignores: ['semester', 'level', 'locationClass'],
  views: ['region', 'community'],
  async load(ctx) {
    const { scope, filters } = ctx;
    // a community's result is published under its region's scheme
    const region =
      scope.view === 'region'
        ? scope.regionCode!
        : (
            await ctx.db
              .selectFrom('communities')
              .select('region_code')
              .where('id', '=', scope.communityId!)
              .executeTakeFirstOrThrow()
          ).region_code;
    const r = await resultsShownFor(ctx.db, region, filters.schoolYear);
    const hint = earlierYearHint(r, filters.schoolYear);
    const rows =
      scope.view === 'community' ? r.communities.filter((c) => c.communityId === scope.communityId) : r.communities;
    const link = { path: '/assessment/results', query: { region, year: String(r.year) } };
    const mine = rows[0];
    return {
      figures:
        scope.view === 'region'
          ? [
              {
                key: 'regionIndex',
                label: label('总发展指数', 'Total development index'),
                value: r.regionIndex,
                hint,
                unit: 'score',
                drillDown: link,
              },
              {
                key: 'assessedCommunities',
                label: label('已发布考核结果的教共体', 'Communities with published results'),
                value: r.communities.length,
                hint,
                unit: 'communities',
                drillDown: link,
              },
            ]
          : [
              {
                key: 'communityIndex',
                label: label('本教共体发展指数', 'Development index'),
                value: mine?.total ?? null,
                hint,
                unit: 'score',
                drillDown: link,
              },
              {
                key: 'communityRank',
                label: label('区域排名', 'Rank in the region'),
                value: mine?.rank ?? null,
                hint,
                unit: 'rank',
                drillDown: link,
              },
            ],
      charts:
        scope.view === 'region'
          ? [
              {
                key: 'indexRanking',
                kind: 'rank',
                title: hint
                  ? label(
                      `教共体发展指数排名（${r.year}–${r.year + 1} 学年）`,
                      `Development index ranking (${r.year}–${r.year + 1})`,
                    )
                  : label('教共体发展指数排名', 'Development index ranking'),
                unit: 'score',
                points: rows.map((c) => ({ name: label(c.communityName, c.communityName), value: c.total })),
              },
            ]
          : [],
    };
  },
  async communityTable(ctx) {
    if (ctx.scope.view !== 'region') return null;
    const r = await publishedResults(ctx.db, ctx.scope.regionCode!, ctx.filters.schoolYear);
    return {
      columns: [
        { key: 'index', label: label('发展指数', 'Index'), unit: 'score' },
        { key: 'rank', label: label('排名', 'Rank'), unit: 'rank' },
      ],
      rows: r.communities.map((c) => ({
        id: c.communityId,
        name: c.communityName,
        values: { index: c.total, rank: c.rank },
      })),
    };
  },
};

export const assessmentPanels: PanelDefinition[] = [assessmentPanel];
