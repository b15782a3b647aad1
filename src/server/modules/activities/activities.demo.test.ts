import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestContext } from '../../test/harness.js';
import { findConflicts } from './calendar.conflicts.js';
import { syncSlots } from './activities.repo.js';
import { activityStats } from './activities.stats.js';
import { seedActivitiesDemo } from './activities.demo.js';

let ctx: Awaited<ReturnType<typeof createTestContext>>;
let summary: Record<string, number>;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.dbh, {});
  summary = await seedActivitiesDemo(ctx.dbh, {});
});
afterAll(async () => {
  await ctx.cleanup();
});

describe('seedActivitiesDemo', () => {
  it('brings every community of the demo county to life for the school year', async () => {
    expect(summary.activities).toBeGreaterThan(1000);
    expect(summary.workPlans).toBeGreaterThanOrEqual(30);
    expect(summary.supportEntries).toBeGreaterThan(10);
    // every recorded sync class is in its community's library, pointing back at the class
    const recorded = await ctx.db
      .selectFrom('activities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'sync_class')
      .where(sql<boolean>`coalesce(details->>'recordingUrl', '') <> ''`)
      .executeTakeFirstOrThrow();
    const inLibrary = await ctx.db
      .selectFrom('resources')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'recorded_lesson')
      .where('visibility', '=', 'community')
      .where('activity_id', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(recorded.n)).toBeGreaterThan(0);
    expect(summary.libraryRecordings).toBe(Number(recorded.n));
    expect(Number(inLibrary.n)).toBe(Number(recorded.n));
    const byKind = await activityStats(ctx.db, ['kind'], { semester: '2025-2026-1' });
    expect(byKind.map((r) => r.kind).sort()).toEqual([
      'culture',
      'demo_lesson',
      'joint_prep',
      'lecture',
      'management_visit',
      'observation',
      'research',
      'shared_course',
      'student_exchange',
      'sync_class',
      'training',
    ]);
    const sync = byKind.find((r) => r.kind === 'sync_class')!;
    expect(sync.studentTimes / sync.sessions).toBeGreaterThan(25); // a class of pupils per session
  });

  it('is valid: every record inside its term, sync classes without double booking', async () => {
    const outside = await ctx.db
      .selectFrom('activities')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('semester', '=', '2025-2026-1').and('starts_at', '<', '2025-08-31T16:00:00Z'),
          eb('semester', '=', '2025-2026-2').and('starts_at', '>=', '2026-07-31T16:00:00Z'),
        ]),
      )
      .execute();
    expect(outside).toEqual([]);
    const schools = (await ctx.db.selectFrom('schools').select('id').execute()).map((s) => s.id);
    const slots = await syncSlots(ctx.db, '2026-11-01T00:00:00Z', '2026-12-10T00:00:00Z', schools);
    expect(slots.length).toBeGreaterThan(20);
    expect(findConflicts(slots).filter((c) => c.reason === 'teacher')).toEqual([]);
  });

  it('is deterministic for a seed', async () => {
    const again = await createTestContext();
    await seedDemo(again.dbh, {});
    expect(await seedActivitiesDemo(again.dbh, {})).toEqual(summary);
    await again.cleanup();
  });
});
