import { sql } from 'kysely';
import { parse, parseUnit, seriesOf } from '../../../shared/assessment.formula.js';
import type { SchemeDefinition } from '../../../shared/assessment.schemas.js';
import type { LocationClass } from '../../../shared/enums.js';
import type { Db } from '../../db/connection.js';
import {
  computeResult,
  type DataRecord,
  type EngineOutput,
  type EngineSchool,
  type ManualScore,
  type Values,
} from './assessment.engine.js';
import type { SeriesCatalogue } from './assessment.validate.js';
import type { SourceCatalog } from './assessment.sources.js';
import { memberIn } from '../../contracts/assessment-source.js';

/**
 * Loads what the engine needs for many communities at once: one SQL query per series and scope
 * (not per community), the member schools of the year, and a few records per series for the
 * explanation tree.
 */
export async function seriesCatalogue(db: Db, catalog: SourceCatalog): Promise<SeriesCatalogue> {
  const available = await catalog.availableKeys(db);
  return Object.fromEntries(
    catalog.all.map((s) => [
      s.key,
      { unit: parseUnit(s.unit), schoolScope: s.schoolScope, available: available.has(s.key) },
    ]),
  );
}

export function seriesUsed(def: SchemeDefinition): string[] {
  const used = new Set<string>();
  for (const d of def.dimensions)
    for (const i of d.indicators)
      // data-driven bonus and deduction items read series too
      if (i.kind !== 'manual' && i.formula !== undefined) seriesOf(parse(i.formula), used);
  return [...used];
}

export interface MemberSchool {
  communityId: number;
  schoolId: number;
  schoolName: string;
  role: string;
  locationClass: LocationClass;
}

export async function membersOf(db: Db, communityIds: number[], year: number): Promise<MemberSchool[]> {
  if (!communityIds.length) return [];
  const rows = await sql<{
    community_id: number;
    school_id: number;
    name: string;
    role: string;
    location_class: string;
  }>`
    select distinct on (m.community_id, m.school_id) m.community_id, m.school_id, s.name, m.role, s.location_class
    from community_memberships m join schools s on s.id = m.school_id
    where m.community_id = any(${communityIds}::int[]) and ${memberIn(year)}
    order by m.community_id, m.school_id, m.start_date desc`.execute(db);
  return rows.rows.map((r) => ({
    communityId: r.community_id,
    schoolId: r.school_id,
    schoolName: r.name,
    role: r.role,
    locationClass: r.location_class as LocationClass,
  }));
}

export interface SeriesValues {
  community: Map<number, Values>;
  school: Map<number, Values>;
}

/** Values of the named series for the communities and their member schools. */
export async function loadSeries(
  db: Db,
  catalog: SourceCatalog,
  keys: string[],
  year: number,
  communityIds: number[],
  schoolIds: number[],
  /** the catalog's available keys, when the caller has them already */
  available?: Set<string>,
): Promise<SeriesValues> {
  available ??= await catalog.availableKeys(db);
  const community = new Map<number, Values>(communityIds.map((id) => [id, {}]));
  const school = new Map<number, Values>(schoolIds.map((id) => [id, {}]));
  const queries: (() => Promise<void>)[] = [];
  for (const key of keys) {
    const src = catalog.source(key);
    if (!src || !available.has(key)) continue; // unavailable: the value stays missing and scores 0 with a note
    queries.push(async () => {
      const c = await src.compute(db, { year, scope: 'community', ids: communityIds });
      for (const [id, v] of c) community.get(id)![key] = v;
    });
    if (src.schoolScope && schoolIds.length)
      queries.push(async () => {
        const s = await src.compute(db, { year, scope: 'school', ids: schoolIds });
        for (const [id, v] of s) school.get(id)![key] = v;
      });
  }
  await runAtMost(SERIES_CONNECTIONS, queries);
  return { community, school };
}

/**
 * How many series queries run at once: a province's series are a few dozen independent
 * aggregates, and the database server answers them side by side on its cores; the rest of the
 * pool stays free for other requests. (PGlite has one connection: there they queue.)
 */
const SERIES_CONNECTIONS = 3;

async function runAtMost(n: number, tasks: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, lane));
}

async function recordsFor(
  db: Db,
  catalog: SourceCatalog,
  available: Set<string>,
  keys: string[],
  year: number,
  communityId: number,
): Promise<Record<string, DataRecord[]>> {
  const out: Record<string, DataRecord[]> = {};
  for (const key of keys) {
    const src = catalog.source(key);
    if (src?.records && available.has(key)) out[key] = await src.records(db, { year, communityId, limit: 8 });
  }
  return out;
}

export interface CommunityRef {
  id: number;
  name: string;
}

export interface CommunityResult {
  communityId: number;
  output: EngineOutput;
  values: Values;
}

/**
 * Runs the engine for each community, in the order given, one result at a time: the series are
 * loaded for all of them at once, but a province's results (about 15 KB of explanation each) never
 * sit in memory together when the caller stores each and moves on. `scores` holds the effective
 * manual scores per community.
 */
export async function* communityResults(
  db: Db,
  catalog: SourceCatalog,
  def: SchemeDefinition,
  year: number,
  communities: CommunityRef[],
  scores: Map<number, Map<string, ManualScore>>,
  opts: { records?: boolean } = {},
): AsyncGenerator<CommunityResult> {
  const keys = seriesUsed(def);
  const ids = communities.map((c) => c.id);
  const members = await membersOf(db, ids, year);
  // which sources can run is asked once, not once per community
  const available = await catalog.availableKeys(db);
  const series = await loadSeries(
    db,
    catalog,
    keys,
    year,
    ids,
    [...new Set(members.map((m) => m.schoolId))],
    available,
  );
  const labels = Object.fromEntries(
    keys.flatMap((k) => {
      const s = catalog.source(k);
      return s ? [[k, { zh: s.label.zh, en: s.label.en, unit: s.unitLabel.zh }]] : [];
    }),
  );
  const membersByCommunity = new Map<number, MemberSchool[]>();
  for (const m of members) {
    const list = membersByCommunity.get(m.communityId);
    if (list) list.push(m);
    else membersByCommunity.set(m.communityId, [m]);
  }
  for (const c of communities) {
    const communityValues = series.community.get(c.id) ?? {};
    const schools: EngineSchool[] = (membersByCommunity.get(c.id) ?? []).map((m) => ({
      schoolId: m.schoolId,
      schoolName: m.schoolName,
      role: m.role,
      locationClass: m.locationClass,
      // community-only series carry the community's value at school scope
      values: { ...communityValues, ...series.school.get(m.schoolId) },
    }));
    const records = opts.records ? await recordsFor(db, catalog, available, keys, year, c.id) : {};
    const output = computeResult({
      definition: def,
      communityName: c.name,
      communityValues,
      schools,
      scores: scores.get(c.id) ?? new Map(),
      records,
      seriesLabels: labels,
    });
    yield { communityId: c.id, output, values: communityValues };
  }
}

/** Every community's result at once (a few communities: a preview, one publication). */
export async function computeCommunities(
  ...args: Parameters<typeof communityResults>
): Promise<Map<number, { output: EngineOutput; values: Values }>> {
  const out = new Map<number, { output: EngineOutput; values: Values }>();
  for await (const r of communityResults(...args)) out.set(r.communityId, { output: r.output, values: r.values });
  return out;
}
