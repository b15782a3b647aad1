import { sql } from 'kysely';
import { z } from 'zod';
import { code, decimal, validateWith, type ImportKindDef } from '../io/index.js';
import { plannerPolicy } from './planner.policy.js';

/** Schools the actor plans for, by code; every code, to tell "unknown" from "not yours". */
interface PlanningSchools {
  byCode: Map<string, number>;
  known: Set<string>;
}

const travelInput = z.object({
  memberSchoolId: z.number().int().positive(),
  coreSchoolId: z.number().int().positive(),
  minutes: z.number().min(0).max(10000),
});
type TravelInput = z.infer<typeof travelInput>;

/**
 * 通行时间表: one row per member → core pair with the travel time in minutes. A region's pairing
 * uses the times instead of kilometres once they cover every member × core pair (planner.service).
 */
export const travelTimesImport: ImportKindDef<TravelInput, PlanningSchools> = {
  kind: 'travel-times',
  entity: 'planner_travel_time',
  sheetName: { zh: '通行时间', en: 'Travel times' },
  columns: [
    {
      key: 'memberCode',
      zh: '成员校代码',
      en: 'Member school code',
      required: true,
      parse: code,
      example: '3304810002',
    },
    { key: 'coreCode', zh: '核心校代码', en: 'Core school code', required: true, parse: code, example: '3304810001' },
    {
      key: 'minutes',
      zh: '通行时间（分钟）',
      en: 'Travel time (minutes)',
      required: true,
      parse: decimal,
      aliases: ['通行时间', '分钟'],
      example: 25,
    },
  ],
  async prepare(db, actor) {
    const all = await db.selectFrom('schools').select(['id', 'code', 'region_code']).execute();
    const byCode = new Map<string, number>();
    for (const s of all) if (plannerPolicy.plan(actor, s.region_code)) byCode.set(s.code, s.id);
    return { byCode, known: new Set(all.map((s) => s.code)) };
  },
  toInput(v, schools) {
    const issues = [];
    const ids: Record<string, number | undefined> = {};
    for (const key of ['memberCode', 'coreCode'] as const) {
      const c = v[key];
      if (typeof c !== 'string') continue;
      ids[key] = schools.byCode.get(c);
      if (ids[key] === undefined)
        issues.push(
          schools.known.has(c)
            ? { key, zh: `学校“${c}”不在您的规划范围内`, en: `School ${c} is outside the region you plan for` }
            : { key, zh: `学校代码“${c}”不存在`, en: `Unknown school code ${c}` },
        );
    }
    if (issues.length) return { issues };
    if (ids.memberCode !== undefined && ids.memberCode === ids.coreCode)
      return {
        issues: [{ key: 'coreCode', zh: '成员校与核心校不能是同一所学校', en: 'Member and core are the same school' }],
      };
    return validateWith(
      travelInput,
      { memberSchoolId: ids.memberCode, coreSchoolId: ids.coreCode, minutes: v.minutes ?? undefined },
      { memberSchoolId: 'memberCode', coreSchoolId: 'coreCode' },
    );
  },
  uniqueKey: (t) => `${t.memberSchoolId}/${t.coreSchoolId}`,
  async write(db, batch) {
    if (batch.length === 0) return { created: 0, updated: 0 };
    const rows = await db
      .insertInto('planner_travel_times')
      .values(
        batch.map(({ input }) => ({
          member_school_id: input.memberSchoolId,
          core_school_id: input.coreSchoolId,
          minutes: input.minutes,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['member_school_id', 'core_school_id']).doUpdateSet((eb) => ({
          minutes: eb.ref('excluded.minutes'),
          updated_at: sql<string>`now()`,
        })),
      )
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    const created = rows.filter((r) => r.inserted).length;
    return { created, updated: rows.length - created };
  },
};
