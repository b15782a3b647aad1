import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_TEST_PASSWORD, login, type TestApp } from '../../test/harness.js';
import { seedDemo } from '../../demo/demo.service.js';
import { seedMeetingsDemo } from './meetings.demo.js';
import { sha256Hex } from './meetings.rules.js';

describe('seedMeetingsDemo', () => {
  let t: TestApp;
  let counts: Record<string, number>;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemo(t.ctx.dbh, { password: DEMO_TEST_PASSWORD });
    counts = await seedMeetingsDemo(t.ctx.dbh, {});
  });
  afterAll(() => t.close());

  it('writes what it reports, deterministically realistic', async () => {
    const n = async (table: 'meetings' | 'meeting_action_items' | 'meeting_minutes_revisions') =>
      (
        await t.ctx.db
          .selectFrom(table)
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    expect(await n('meetings')).toBe(counts.meetings);
    expect(await n('meeting_action_items')).toBe(counts.actionItems);
    expect(await n('meeting_minutes_revisions')).toBe(counts.minutes);
    expect(counts.meetings).toBeGreaterThanOrEqual(40);
    // every signature is over the exact text of its revision
    const sigs = await t.ctx.db
      .selectFrom('meeting_minutes_signers as s')
      .innerJoin('meeting_minutes_revisions as r', 'r.id', 's.revision_id')
      .select(['r.body', 's.signed_sha256'])
      .where('s.status', '=', 'signed')
      .execute();
    expect(sigs.length).toBe(counts.signatures);
    for (const s of sigs) expect(s.signed_sha256).toBe(sha256Hex(s.body));
  });

  it('gives the reminders and the demo principal something to do', async () => {
    const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    const r = (await bureau.get('/api/v1/meetings/reminders?asOf=2026-11-23')).json();
    expect(r.meetingsDue.length).toBeGreaterThan(0);
    expect(r.pendingSignatures.length).toBeGreaterThan(0);
    expect(r.overdueItems.length).toBeGreaterThan(0);
    const principal = await login(t.app, 'principal', DEMO_TEST_PASSWORD);
    const list = (await principal.get('/api/v1/meetings?minutesStatus=circulated')).json();
    const details = await Promise.all(
      list.items.map((m: { id: number }) => principal.get(`/api/v1/meetings/${m.id}`).then((x) => x.json())),
    );
    expect(details.some((d: { can: { signForSchoolId: number | null } }) => d.can.signForSchoolId !== null)).toBe(true);
    const upcoming = (await principal.get('/api/v1/meetings?from=2026-12-01&to=2026-12-31')).json();
    expect(upcoming.items.length).toBeGreaterThan(0);
  });
});
