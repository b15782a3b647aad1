import type { Results } from '../../../shared/assessment.schemas.js';
import { regionPrefix } from '../../../shared/regions.js';
import type { Db } from '../../db/connection.js';
import { rankWithTies, regionIndex } from './assessment.ranking.js';
import { round2 } from './assessment.scoring.js';

/**
 * Published results of a region and school year: each community's latest published revision,
 * ranked with ties, with the change since the previous year and the region's 总发展指数. Every
 * scheme sums to 100, so indices compare across years. Regions roll up: a city sees its counties.
 * This is the read model other modules (dashboard, public page) use.
 */
async function latestPublished(db: Db, regionCode: string, year: number) {
  return db
    .selectFrom('assessment_results as r')
    .innerJoin('assessment_evaluations as e', 'e.id', 'r.evaluation_id')
    .innerJoin('assessment_schemes as s', 's.id', 'e.scheme_id')
    .innerJoin('communities as c', 'c.id', 'e.community_id')
    .select([
      'r.evaluation_id',
      'e.community_id',
      'c.name as community_name',
      'r.total',
      'r.dimensions',
      'r.scheme_version',
      's.name as scheme_name',
      'r.published_at',
    ])
    .where('s.region_code', 'like', `${regionPrefix(regionCode)}%`)
    .where('s.year', '=', year)
    .where((eb) =>
      eb(
        'r.revision',
        '=',
        eb
          .selectFrom('assessment_results as r2')
          .select((x) => x.fn.max('r2.revision').as('m'))
          .whereRef('r2.evaluation_id', '=', 'r.evaluation_id'),
      ),
    )
    .orderBy('c.name')
    .execute();
}

/** School years with at least one published result in the region, newest first. */
async function publishedYears(db: Db, regionCode: string): Promise<number[]> {
  const rows = await db
    .selectFrom('assessment_results as r')
    .innerJoin('assessment_evaluations as e', 'e.id', 'r.evaluation_id')
    .innerJoin('assessment_schemes as s', 's.id', 'e.scheme_id')
    .select('s.year')
    .distinct()
    .where('s.region_code', 'like', `${regionPrefix(regionCode)}%`)
    .orderBy('s.year', 'desc')
    .execute();
  return rows.map((r) => Number(r.year));
}

/** `year` left out: the latest year with published results (else the current calendar year, empty). */
export async function publishedResults(db: Db, regionCode: string, askedYear?: number): Promise<Results> {
  const years = await publishedYears(db, regionCode);
  const year = askedYear ?? years[0] ?? new Date().getFullYear();
  const [now, before] = await Promise.all([
    latestPublished(db, regionCode, year),
    latestPublished(db, regionCode, year - 1),
  ]);
  const previous = new Map(before.map((r) => [r.community_id, r]));
  const ranked = rankWithTies(now, (r) => r.total);
  return {
    regionCode,
    year,
    years,
    regionIndex: regionIndex(now.map((r) => r.total)),
    previousRegionIndex: regionIndex(before.map((r) => r.total)),
    communities: ranked.map(({ item: r, rank }) => {
      const last = previous.get(r.community_id);
      const prev = last?.total ?? null;
      return {
        evaluationId: r.evaluation_id,
        communityId: r.community_id,
        communityName: r.community_name,
        total: r.total,
        rank,
        previousTotal: prev,
        change: prev === null ? null : round2(r.total - prev),
        dimensions: r.dimensions,
        schemeVersion: r.scheme_version,
        schemeName: r.scheme_name,
        previousScheme: last
          ? {
              name: last.scheme_name,
              version: last.scheme_version,
              // this year's dimensions the previous year's result has no points for
              missingDimensions: r.dimensions
                .filter((d) => !last.dimensions.some((x) => x.key === d.key))
                .map((d) => d.name),
            }
          : null,
        publishedAt: r.published_at,
      };
    }),
  };
}
