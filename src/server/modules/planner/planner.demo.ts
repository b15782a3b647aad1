import type { DbHandle } from '../../db/connection.js';
import {
  exchangeSettings,
  pairingSettings,
  type ExchangeResult,
  type PairingResult,
} from '../../../shared/planner.schemas.js';
import { recordAudit } from '../audit/index.js';
import { DEMO_COUNTY } from '../../demo/demo.generator.js';
import { Random } from '../../demo/demo.random.js';
import { PlannerService } from './planner.service.js';

/** The spring term of 2026–2027, when the demo's accepted exchange plan takes effect. */
export const DEMO_EXCHANGE_START = '2027-02-20';

/**
 * Demo plans for the demo county, computed from the registry rows already seeded: a draft 1+X
 * pairing for next year (with one locked pair, as an administrator would leave it), a tree-mode
 * variant (urban school → township centre → villages), and an accepted teacher-exchange plan whose
 * itinerant and support-teaching assignments start in the spring term.
 */
export async function seedPlannerDemo(dbh: DbHandle, opts: { seed?: number } = {}): Promise<Record<string, number>> {
  const db = dbh.db;
  const rng = new Random(opts.seed ?? 20261123);
  const present = await db
    .selectFrom('schools')
    .select('id')
    .where('region_code', '=', DEMO_COUNTY)
    .where('quality_tier', '=', 'strong')
    .executeTakeFirst();
  if (!present) return { plans: 0, plannedExchanges: 0 };
  const planner = new PlannerService(db);

  // first solve freely, then lock one of the pairs kept from today (the bureau confirmed it)
  const base = pairingSettings.parse({ defaultCapacity: 2, changePenalty: 5 });
  const draft = await planner.create(null, {
    kind: 'pairing',
    name: '2027学年教共体结对方案（草案）',
    regionCode: DEMO_COUNTY,
    settings: base,
  });
  const kept = (draft.result as PairingResult | null)?.assignments.filter((a) => a.change === 'kept') ?? [];
  if (kept.length) {
    const pick = rng.pick(kept);
    const locked = pairingSettings.parse({ ...base, locks: [{ memberId: pick.memberId, coreId: pick.coreId }] });
    await db
      .updateTable('planner_plans')
      .set({ settings: JSON.stringify(locked) })
      .where('id', '=', draft.id)
      .execute();
  }
  await planner.create(null, {
    kind: 'pairing',
    name: '树状结对方案：城区校—乡镇中心校—村小',
    regionCode: DEMO_COUNTY,
    settings: pairingSettings.parse({ mode: 'tree', defaultCapacity: 4, villageCapacity: 3 }),
  });

  const exchange = await planner.create(null, {
    kind: 'exchange',
    name: '2026学年第二学期走教与支教安排',
    regionCode: DEMO_COUNTY,
    settings: exchangeSettings.parse({}),
  });
  const assignments = (exchange.result as ExchangeResult | null)?.assignments ?? [];
  await db.transaction().execute(async (tx) => {
    if (assignments.length) {
      await tx
        .insertInto('planner_exchange_assignments')
        .values(
          assignments.map((a) => ({
            plan_id: exchange.id,
            from_school_id: a.supplierSchoolId,
            to_school_id: a.schoolId,
            subject: a.subject,
            kind: a.kind,
            weekly_slots: a.slots,
            teacher_id: a.suggestedTeacherId,
            start_date: DEMO_EXCHANGE_START,
          })),
        )
        .execute();
    }
    await tx
      .updateTable('planner_plans')
      .set({ status: 'accepted', accepted_at: '2026-11-20T02:00:00.000Z', effective_date: DEMO_EXCHANGE_START })
      .where('id', '=', exchange.id)
      .execute();
    await recordAudit(tx, null, {
      action: 'accept',
      entity: 'planner_plan',
      entityId: exchange.id,
      after: { effectiveDate: DEMO_EXCHANGE_START, plannedExchanges: assignments.length },
    });
  });
  return { plans: 3, plannedExchanges: assignments.length };
}
