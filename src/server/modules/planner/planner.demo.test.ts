import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PairingResult } from '../../../shared/planner.schemas.js';
import { createTestContext } from '../../test/harness.js';
import { seedDemo } from '../../demo/demo.service.js';
import { seedPlannerDemo } from './planner.demo.js';

let ctx: Awaited<ReturnType<typeof createTestContext>>;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.dbh, {});
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('seedPlannerDemo', () => {
  it('adds solved plans and planned exchanges for the demo county', async () => {
    const counts = await seedPlannerDemo(ctx.dbh, {});
    expect(counts.plans).toBe(3);
    expect(counts.plannedExchanges).toBeGreaterThan(0);
    const plans = await ctx.db.selectFrom('planner_plans').selectAll().orderBy('id').execute();
    expect(plans.map((p) => [p.kind, p.status, p.result_status])).toEqual([
      ['pairing', 'draft', 'optimal'],
      ['pairing', 'draft', 'optimal'],
      ['exchange', 'accepted', 'optimal'],
    ]);
    const flat = plans[0]!.result as unknown as PairingResult;
    expect(flat.assignments.length).toBeGreaterThan(10);
    expect(flat.totals.kept).toBeGreaterThan(0);
    expect((plans[0]!.settings as { locks: unknown[] }).locks).toHaveLength(1);
    const rows = await ctx.db.selectFrom('planner_exchange_assignments').selectAll().execute();
    expect(rows.length).toBe(counts.plannedExchanges);
    expect(new Set(rows.map((r) => r.subject)).size).toBeGreaterThan(1);
  });
});
