import type { Balance, BalanceIndicator, Results } from '../../../shared/assessment.schemas.js';

/**
 * The public results page (docs/public-results.md), as plain functions: what may be published and
 * what the page shows. The page carries community, school-section and region aggregates only — no
 * person, no account, no teacher figure: `publicView` copies the fields it names and nothing else.
 */

/** Where a region's page of a school year lives: stable, readable, the same after a re-publication. */
export const publicPagePath = (regionCode: string, year: number) => `/public/results/${regionCode}/${year}`;

/** Why a page cannot be published now (a reason in both languages), or null when it can. */
export function publishRefusal(results: Pick<Results, 'year' | 'communities'>): { zh: string; en: string } | null {
  if (results.communities.length) return null;
  const y = results.year;
  return {
    zh: `${y}–${y + 1} 学年尚无已发布的考核结果，不能发布公开页`,
    en: `There are no published assessment results for the ${y}–${y + 1} school year; the public page cannot be published`,
  };
}

export interface PublicStageRow {
  indicator: BalanceIndicator;
  cvShown: string | null;
  limit: number;
  passes: boolean | null;
}

export interface PublicView {
  regionCode: string;
  regionName: string;
  year: number;
  publishedAt: string;
  regionIndex: number | null;
  previousRegionIndex: number | null;
  communities: {
    rank: number;
    communityName: string;
    total: number;
    previousTotal: number | null;
    change: number | null;
  }[];
  balance: {
    schools: number;
    meeting: number;
    primaryPasses: boolean | null;
    juniorPasses: boolean | null;
    stages: { primary: PublicStageRow[]; junior: PublicStageRow[] };
    /** a city or province: each county's verdicts (a county lists none) */
    counties: {
      countyName: string;
      schools: number;
      meeting: number;
      primaryPasses: boolean | null;
      juniorPasses: boolean | null;
    }[];
    /** some county is shown as last computed while its refresh runs */
    stale: boolean;
  };
}

const stageRows = (rows: Balance['stages']['primary']): PublicStageRow[] =>
  rows.map((r) => ({ indicator: r.indicator, cvShown: r.cvShown, limit: r.limit, passes: r.passes }));

/** What the public page shows of the results and balance read models: the same figures, fewer fields. */
export function publicView(
  page: { regionCode: string; regionName: string; year: number; publishedAt: string },
  results: Results,
  balance: Balance,
): PublicView {
  return {
    ...page,
    regionIndex: results.regionIndex,
    previousRegionIndex: results.previousRegionIndex,
    communities: results.communities.map((c) => ({
      rank: c.rank,
      communityName: c.communityName,
      total: c.total,
      previousTotal: c.previousTotal,
      change: c.change,
    })),
    balance: {
      schools: balance.summary.schools,
      meeting: balance.summary.meeting,
      primaryPasses: balance.summary.primaryPasses,
      juniorPasses: balance.summary.juniorPasses,
      stages: { primary: stageRows(balance.stages.primary), junior: stageRows(balance.stages.junior) },
      counties:
        balance.detail === 'counties'
          ? balance.counties.map((c) => ({
              countyName: c.countyName,
              schools: c.schools,
              meeting: c.meeting,
              primaryPasses: c.primaryPasses,
              juniorPasses: c.juniorPasses,
            }))
          : [],
      stale: balance.stale,
    },
  };
}
