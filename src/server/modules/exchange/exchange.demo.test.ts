import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestContext } from '../../test/harness.js';
import { seedExchangeDemo } from './exchange.demo.js';
import { fullTimeOverlap } from './exchange.rules.js';

let ctx: Awaited<ReturnType<typeof createTestContext>>;
let summary: Record<string, number>;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.dbh, {});
  summary = await seedExchangeDemo(ctx.dbh, {});
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('seedExchangeDemo', () => {
  it('brings every kind of exchange, mentor pairs and studios to the demo county', async () => {
    expect(summary.assignments).toBeGreaterThan(150);
    expect(summary.mentorships).toBeGreaterThan(10);
    expect(summary.pairObservations).toBeGreaterThan(summary.mentorships!);
    expect(summary.studios).toBeGreaterThanOrEqual(2);
    const kinds = await ctx.db.selectFrom('exchange_assignments').select('kind').distinct().execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual([
      'itinerant',
      'rotation',
      'secondment',
      'send_lesson',
      'shadowing',
      'support_teaching',
    ]);
    const statuses = await ctx.db.selectFrom('exchange_assignments').select('status').distinct().execute();
    expect(statuses.map((k) => k.status).sort()).toEqual(['active', 'completed', 'planned']);
  });

  it('keeps the rules: no overlapping full-time postings, hours on every posting', async () => {
    const rows = await ctx.db
      .selectFrom('exchange_assignments')
      .select(['id', 'teacher_id', 'start_date', 'end_date', 'workload', 'status', 'computed_hours', 'kind'])
      .execute();
    const byTeacher = new Map<number, typeof rows>();
    for (const r of rows) byTeacher.set(r.teacher_id, [...(byTeacher.get(r.teacher_id) ?? []), r]);
    const toDated = (r: (typeof rows)[number]) => ({
      id: r.id,
      startDate: r.start_date,
      endDate: r.end_date,
      workload: r.workload,
      status: r.status,
    });
    for (const list of byTeacher.values())
      for (const r of list) expect(fullTimeOverlap(toDated(r), list.map(toDated))).toBeNull();
    expect(rows.filter((r) => r.kind !== 'send_lesson' && r.computed_hours <= 0)).toEqual([]);
  });

  it('is deterministic for a seed', async () => {
    const again = await createTestContext();
    try {
      await seedDemo(again.dbh, {});
      expect(await seedExchangeDemo(again.dbh, {})).toEqual(summary);
    } finally {
      await again.cleanup();
    }
  });
});
