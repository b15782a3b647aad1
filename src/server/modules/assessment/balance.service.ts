import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import {
  balanceSchema,
  type Balance,
  type BalanceCounty,
  type BalanceSchool,
  type BalanceSchoolPage,
  type BALANCE_SORTS,
} from '../../../shared/assessment.schemas.js';
import { regionLevel, regionPrefix } from '../../../shared/regions.js';
import type { JobKind } from '../../contracts/job.js';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { ForbiddenError } from '../../http/errors.js';
import { enqueueJob } from '../jobs/index.js';
import { assessmentPolicy } from './assessment.policy.js';
import { evaluateBalance, stagePasses, type BalanceEvaluation } from './balance.compute.js';
import {
  cachedCounties,
  countiesWithStats,
  countyExcluded,
  countyInputRows,
  countySums,
  countyVersion,
  countyVersions,
  pageSchools,
  storeCounty,
  type CachedCounty,
  type SchoolFilter,
} from './balance.repo.js';
import { stageFromSums, StageSumsAccumulator, type StageSums } from './balance.rules.js';

export const BALANCE_METHOD = [
  '依据《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）：七项资源配置指标按学校计算，与标准的比较按精确分数进行；每校至少六项达标、其余一项不低于标准的 85%；',
  '差异系数 CV = √(Σ Pi(Xi − X̄)² / N) ÷ X̄，X̄ = Σ Pi·Xi / N，Pi 为学段学生数，N = Σ Pi；小学 ≤ 0.50、初中 ≤ 0.45。',
  '九年一贯制、十二年一贯制学校按 1–6 年级学生计入小学段、7–9 年级学生计入初中段（完全中学计初中段），教师、面积、设备按各学段学生数比例分摊；',
  '学生不足 50 人的学校（含教学点）不参加资源配置评估。详见 docs/balance.md。',
].join('');

/*
 * Balance results are computed per county (a plain function of that county's schools, balance.compute.ts)
 * and cached in balance_county_results / balance_school_results; writes to schools and school_year_stats
 * make the counties they touch stale (triggers, assessment.migrations.ts). A county read recomputes its
 * county when stale; a larger region computes only counties never computed, serves stale ones as last
 * computed (flagged) and queues their refresh. A region's coefficients are summed from its counties'.
 */

const inflight = new Map<string, Promise<BalanceEvaluation>>();

/** Recomputes one county and stores it; concurrent callers in this process share one computation. */
export function refreshCounty(db: Db, county: string, year: number): Promise<BalanceEvaluation> {
  const key = `${county}:${year}`;
  const running = inflight.get(key);
  if (running) return running;
  const p = (async () => {
    const version = await countyVersion(db, county, year);
    const e = evaluateBalance(await countyInputRows(db, county, year));
    await storeCounty(db, county, year, version, e);
    return e;
  })().finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

const isCurrent = (c: CachedCounty) => c.computed_version !== null && String(c.computed_version) === String(c.version);

/** Refreshes the stale counties of a region in the background (one queued job per region and year). */
export const balanceRefresh: JobKind<{ counties: string[]; year: number }> = {
  name: 'assessment.balance-refresh',
  payload: z.object({ counties: z.array(z.string().regex(/^\d{6}$/)).max(10_000), year: z.number().int() }),
  timeoutSeconds: 600,
  maxAttempts: 3,
  async run(p, { db, signal }) {
    let done = 0;
    for (const county of p.counties) {
      if (signal.aborted) break;
      await refreshCounty(db, county, p.year);
      done++;
      await yieldToEventLoop();
    }
    return { counties: done };
  },
};

/** Entries a memo of this file holds (regions × years read lately). */
const POOLED_MEMO_SIZE = 200;

/** Stores `value` as the newest entry of a memo, dropping the oldest beyond POOLED_MEMO_SIZE. */
function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  memo.delete(key);
  memo.set(key, value);
  if (memo.size > POOLED_MEMO_SIZE) memo.delete(memo.keys().next().value!);
}

/**
 * The counties of a region with statistics for the year, remembered while no county row under it has
 * moved: every write to schools or statistics bumps (or creates) the row of the county and year it
 * touches, so an unchanged list of rows and versions means an unchanged answer.
 */
const wantedMemo = new Map<string, { signature: string; counties: string[] }>();
async function wantedCounties(db: Db, prefix: string, year: number, cached: readonly CachedCounty[]) {
  const key = `${prefix}:${year}`;
  const signature = cached.map((c) => `${c.county_code}@${c.version}`).join(',');
  const hit = wantedMemo.get(key);
  if (hit && hit.signature === signature) return hit.counties;
  const counties = await countiesWithStats(db, prefix, year);
  remember(wantedMemo, key, { signature, counties });
  return counties;
}

interface RegionCounties {
  counties: CachedCounty[];
  /** counties computed by this request, with their full result */
  computed: Map<string, BalanceEvaluation>;
  stale: boolean;
}

/**
 * The cached counties of a region with statistics for the year, brought up to date: missing ones are
 * computed now; stale ones too when `waitForStale`, otherwise served as they are and refreshed by a job.
 */
async function regionCounties(
  db: Db,
  regionCode: string,
  year: number,
  waitForStale: boolean,
): Promise<RegionCounties> {
  const prefix = regionPrefix(regionCode);
  const cached = await cachedCounties(db, prefix, year);
  const wanted = await wantedCounties(db, prefix, year, cached);
  const byCode = new Map(cached.map((c) => [c.county_code, c]));
  const missing = wanted.filter((c) => byCode.get(c)?.computed_version == null);
  const stale = wanted.filter((c) => {
    const row = byCode.get(c);
    return row && row.computed_version != null && !isCurrent(row);
  });
  const now = waitForStale ? [...missing, ...stale] : missing;
  const computed = new Map<string, BalanceEvaluation>();
  for (const county of now) {
    computed.set(county, await refreshCounty(db, county, year));
    await yieldToEventLoop(); // one county at a time, the event loop in between
  }
  if (!waitForStale && stale.length)
    await enqueueJob(db, balanceRefresh, { counties: stale, year }, { singletonKey: `balance:${prefix}:${year}` });
  const rows = now.length ? await cachedCounties(db, prefix, year) : cached;
  const want = new Set(wanted);
  const counties = rows.filter((c) => want.has(c.county_code));
  return {
    counties,
    computed,
    stale: counties.some((c) => !computed.has(c.county_code) && !isCurrent(c)),
  };
}

const iso = (v: unknown) => (v == null ? new Date().toISOString() : new Date(v as string).toISOString());

/** A county's result as the summary lists it, from the cache or from this request's computation. */
function countySummary(c: CachedCounty, fresh: BalanceEvaluation | undefined): BalanceCounty {
  const e = fresh ?? { summary: c.summary!, stages: c.stages! };
  const cvs = (rows: Balance['stages']['primary']) => Object.fromEntries(rows.map((x) => [x.indicator, x.cv]));
  return {
    countyCode: c.county_code,
    countyName: c.county_name ?? c.county_code,
    schools: e.summary.schools,
    meeting: e.summary.meeting,
    excluded: fresh ? fresh.excluded.length : Number(c.excluded_count),
    primaryPasses: e.summary.primaryPasses,
    juniorPasses: e.summary.juniorPasses,
    cv: { primary: cvs(e.stages.primary), junior: cvs(e.stages.junior) },
    computedAt: fresh ? new Date().toISOString() : iso(c.computed_at),
    stale: !fresh && !isCurrent(c),
  };
}

type RegionStages = Pick<Balance['stages'], 'primary' | 'junior'>;
/** The last coefficients of each region and year, with the county results they were summed from. */
const pooledMemo = new Map<string, { signature: string; stages: Promise<RegionStages> }>();
let uncached = 0;

/**
 * A region's coefficients from its counties' sums, remembered until a county result changes. The
 * exact sums grow to thousands of digits at province scale: they are added one county at a time,
 * yielding to the event loop in between, and concurrent readers share one summation.
 */
function regionStages(db: Db, prefix: string, year: number, r: RegionCounties): Promise<RegionStages> {
  const signature = r.counties
    .map((c) =>
      r.computed.has(c.county_code) && !isCurrent(c)
        ? `${c.county_code}#${++uncached}`
        : `${c.county_code}@${c.computed_version}`,
    )
    .join(',');
  const key = `${prefix}:${year}`;
  const hit = pooledMemo.get(key);
  if (hit && hit.signature === signature) return hit.stages;
  const stages = (async () => {
    const stored = await countySums(
      db,
      r.counties.filter((c) => !r.computed.has(c.county_code)).map((c) => c.county_code),
      year,
    );
    const parts: { primary: StageSums; junior: StageSums }[] = r.counties.map(
      (c) => r.computed.get(c.county_code)?.sums ?? stored.get(c.county_code)!,
    );
    const primary = new StageSumsAccumulator();
    const junior = new StageSumsAccumulator();
    for (const p of parts) {
      primary.add(p.primary);
      await yieldToEventLoop();
      junior.add(p.junior);
      await yieldToEventLoop();
    }
    const primaryStage = stageFromSums('primary', primary.sums());
    await yieldToEventLoop();
    return { primary: primaryStage, junior: stageFromSums('junior', junior.sums()) };
  })();
  stages.catch(() => pooledMemo.delete(key));
  remember(pooledMemo, key, { signature, stages });
  return stages;
}

/**
 * The balanced-development indicators of a region and year. A county (or smaller) lists every school
 * section and every school left out; a city or province lists its counties, and its coefficients are
 * taken over all its school sections (summed from the counties), as before.
 */
export async function balanceOf(db: Db, actor: Actor, regionCode: string, year: number): Promise<Balance> {
  if (!assessmentPolicy.readBalance(actor, regionCode)) throw new ForbiddenError();
  return regionBalance(db, regionCode, year);
}

/**
 * The last answer for a city or province as JSON text, with the county versions it was built at. Fifty
 * bureau staff opening the provincial page read one small query of versions each, not ninety county
 * results parsed, checked and serialised again; any write under the region changes the versions.
 */
const regionJsonMemo = new Map<string, { signature: string; json: string }>();

/** balanceOf as the JSON text the API sends. */
export async function balanceJson(db: Db, actor: Actor, regionCode: string, year: number): Promise<string> {
  if (!assessmentPolicy.readBalance(actor, regionCode)) throw new ForbiddenError();
  if (regionLevel(regionCode) >= 3)
    return JSON.stringify(balanceSchema.parse(await regionBalance(db, regionCode, year)));
  const key = `${regionCode}:${year}`;
  // read before the answer is built: a write meanwhile makes the next request's versions differ
  const prefix = regionPrefix(regionCode);
  const signature = await countyVersions(db, prefix, year);
  const hit = regionJsonMemo.get(key);
  if (hit && hit.signature === signature) return hit.json;
  const b = await regionBalance(db, regionCode, year);
  const json = JSON.stringify(balanceSchema.parse(b));
  // an answer with stale counties, or counties computed by this request (their rows were written
  // after the versions above were read), is not kept: the next request sees newer versions anyway
  if (!b.stale && signature === (await countyVersions(db, prefix, year)))
    remember(regionJsonMemo, key, { signature, json });
  return json;
}

/** balanceOf without the access check: for the public results page, which shows only its aggregates. */
export async function regionBalance(db: Db, regionCode: string, year: number): Promise<Balance> {
  const single = regionLevel(regionCode) >= 3;
  const r = await regionCounties(db, regionCode, year, single);
  const base = { regionCode, year, method: BALANCE_METHOD, stale: r.stale };
  if (single) {
    const c = r.counties[0];
    const e = c ? (r.computed.get(c.county_code) ?? (await cachedEvaluation(db, c, year))) : evaluateBalance([]);
    return {
      ...base,
      schools: e.schools,
      excluded: e.excluded,
      stages: e.stages,
      summary: e.summary,
      detail: 'schools',
      counties: c ? [countySummary(c, r.computed.get(c.county_code))] : [],
    };
  }
  const { primary, junior } = await regionStages(db, regionPrefix(regionCode), year, r);
  const counties = r.counties.map((c) => countySummary(c, r.computed.get(c.county_code)));
  return {
    ...base,
    schools: [],
    excluded: [],
    stages: { primary, junior },
    summary: {
      schools: counties.reduce((n, c) => n + c.schools, 0),
      meeting: counties.reduce((n, c) => n + c.meeting, 0),
      primaryPasses: stagePasses(primary),
      juniorPasses: stagePasses(junior),
    },
    detail: 'counties',
    counties,
  };
}

async function cachedEvaluation(db: Db, c: CachedCounty, year: number): Promise<Omit<BalanceEvaluation, 'sums'>> {
  const rows = await db
    .selectFrom('balance_school_results')
    .select('detail')
    .where('county_code', '=', c.county_code)
    .where('school_year', '=', year)
    .orderBy('ord')
    .execute();
  return {
    schools: rows.map((x) => x.detail),
    excluded: await countyExcluded(db, c.county_code, year),
    stages: c.stages!,
    summary: c.summary!,
  };
}

export interface BalanceSchoolsQuery {
  region: string;
  year: number;
  county?: string | undefined;
  stage?: 'primary' | 'junior' | undefined;
  meets?: boolean | undefined;
  q?: string | undefined;
  sort: (typeof BALANCE_SORTS)[number];
  page: number;
  pageSize: number;
}

async function schoolFilter(db: Db, actor: Actor, q: BalanceSchoolsQuery): Promise<SchoolFilter> {
  if (!assessmentPolicy.readBalance(actor, q.region)) throw new ForbiddenError();
  if (q.county && !assessmentPolicy.readBalance(actor, q.county)) throw new ForbiddenError();
  const region = q.county && q.county.startsWith(regionPrefix(q.region)) ? q.county : q.region;
  const r = await regionCounties(db, region, q.year, regionLevel(region) >= 3);
  return {
    counties: r.counties.map((c) => c.county_code),
    year: q.year,
    stage: q.stage,
    meets: q.meets,
    q: q.q,
  };
}

/** One page of a region's school sections, filtered and sorted in SQL. */
export async function balanceSchools(db: Db, actor: Actor, q: BalanceSchoolsQuery): Promise<BalanceSchoolPage> {
  const f = await schoolFilter(db, actor, q);
  const page = await pageSchools(db, f, q.sort, (q.page - 1) * q.pageSize, q.pageSize);
  return { items: page.items.map((x) => ({ ...x.detail, countyCode: x.county_code })), total: page.total };
}

/** Every school section matching the filter, in batches (for the streamed xlsx). */
export async function* balanceSchoolBatches(
  db: Db,
  actor: Actor,
  q: Omit<BalanceSchoolsQuery, 'page' | 'pageSize'>,
): AsyncGenerator<(BalanceSchool & { countyCode: string })[]> {
  const f = await schoolFilter(db, actor, { ...q, page: 1, pageSize: 1 });
  const size = 1000;
  for (let offset = 0; ; offset += size) {
    const page = await pageSchools(db, f, q.sort, offset, size);
    yield page.items.map((x) => ({ ...x.detail, countyCode: x.county_code }));
    if (page.items.length < size) return;
  }
}
