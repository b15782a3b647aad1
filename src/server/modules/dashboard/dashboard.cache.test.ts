import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildTeacher, HAINING } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { sourceVersion } from './dashboard.cache.js';
import { trackedModules } from './change-tracking.js';
import { modules } from '../index.js';

const tracked = trackedModules(modules);

/** Snapshots follow the data: a change moves its module's version and the figure catches up. */
let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
});
afterAll(async () => {
  await t.close();
});

const teachers = async () => {
  const d = (await admin.get(`/api/v1/dashboard?region=${HAINING}`)).json();
  return d.panels
    .flatMap((p: { figures: { key: string; value: number }[] }) => p.figures)
    .find((f: { key: string }) => f.key === 'teachers').value as number;
};

describe('dashboard snapshots', () => {
  it('a write to a source table moves only its module’s version', async () => {
    const before = {
      registry: await sourceVersion(t.ctx.db, tracked, 'registry'),
      activities: await sourceVersion(t.ctx.db, tracked, 'activities'),
    };
    const s = await buildSchool(t.ctx.db);
    const after = {
      registry: await sourceVersion(t.ctx.db, tracked, 'registry'),
      activities: await sourceVersion(t.ctx.db, tracked, 'activities'),
    };
    expect(after.registry).not.toBe(before.registry);
    // the activities panel reads the registry too, so its version moves with it; not the reverse
    expect(after.activities).not.toBe(before.activities);
    expect(await sourceVersion(t.ctx.db, tracked, 'some-module-without-triggers')).toBeNull();
    await t.ctx.db.deleteFrom('schools').where('id', '=', s.id).execute();
  });

  it('serves the snapshot, then catches up with a change', async () => {
    const school = await buildSchool(t.ctx.db);
    await buildTeacher(t.ctx.db, school.id);
    expect(await teachers()).toBe(1);
    expect(await teachers()).toBe(1); // from the snapshot
    await buildTeacher(t.ctx.db, school.id);
    await expect.poll(teachers, { timeout: 90_000, interval: 200 }).toBe(2);
    const rows = await t.ctx.db.selectFrom('dashboard_snapshots').select('cache_key').execute();
    expect(rows.length).toBeGreaterThan(0);
  });
});
