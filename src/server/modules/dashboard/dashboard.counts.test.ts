import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, Figure } from '../../../shared/dashboard.schemas.js';
import { buildCommunity, buildSchool, HAINING } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';

/** Issue 16: figures counted in 人次 say so and show the distinct count beside them. */
let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
  const db = t.ctx.db;
  const a = await buildSchool(db, { name: '教研主办校' });
  const b = await buildSchool(db, { name: '教研参与校' });
  const c = await buildCommunity(db, [
    { schoolId: a.id, role: 'core' },
    { schoolId: b.id, role: 'member' },
  ]);
  // the same two schools' teachers meet twice: 12 teacher-times, 2 schools
  for (const day of ['2025-10-15', '2025-11-12']) {
    const act = await db
      .insertInto('activities')
      .values({
        community_id: c.id,
        organizer_school_id: a.id,
        kind: 'research',
        title: `联合教研 ${day}`,
        description: null,
        starts_at: `${day}T06:00:00Z`,
        ends_at: `${day}T08:00:00Z`,
        semester: '2025-2026-1',
        teacher_count: 6,
        student_count: 0,
        details: '{}',
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('activity_schools')
      .values([
        { activity_id: act.id, school_id: a.id, role: 'organizer' },
        { activity_id: act.id, school_id: b.id, role: 'participant' },
      ])
      .execute();
  }
});
afterAll(async () => {
  await t.close();
});

describe('person-time figures carry the distinct count', () => {
  it('教研参与教师人次 is labelled 人次 and shows the distinct schools beside it', async () => {
    const res = await admin.get(`/api/v1/dashboard?region=${HAINING}&schoolYear=2025`);
    expect(res.statusCode, res.body).toBe(200);
    const d = JSON.parse(res.body) as Dashboard;
    const f = d.panels.flatMap((p) => p.figures as Figure[]).find((x) => x.key === 'researchTeacherTimes')!;
    expect(f).toMatchObject({ value: 12, unit: 'times' });
    expect(f.label.zh).toContain('人次');
    expect(f.hint?.zh).toContain('涉及 2 所学校（去重）');
  });
});
