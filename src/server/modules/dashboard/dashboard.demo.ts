import type { DbHandle } from '../../db/connection.js';
import { Random } from '../../demo/demo.random.js';
import { DEMO_COUNTY } from '../../demo/demo.generator.js';
import { hashDisplayToken } from './display.service.js';

/**
 * The dashboard owns no figures (it reads the other modules'), only display links: the demo gets
 * one meeting-room screen for the demo county, created by its bureau account. The token comes from
 * the seeded PRNG so a demo is reproducible; it opens aggregates of demo data and nothing else.
 */
export async function seedDashboardDemo(dbh: DbHandle, opts: { seed?: number }): Promise<Record<string, number>> {
  const db = dbh.db;
  const bureau = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'bureau_admin')
    .where('scope_kind', '=', 'region')
    .orderBy((eb) => eb.case().when('username', '=', 'bureau').then(0).else(1).end())
    .orderBy('id')
    .executeTakeFirst();
  const county = await db.selectFrom('regions').select('code').where('code', '=', DEMO_COUNTY).executeTakeFirst();
  if (!bureau || !county) return { displayLinks: 0 };
  const token = demoDisplayToken(opts.seed);
  const exists = await db
    .selectFrom('dashboard_display_links')
    .select('id')
    .where('token_hash', '=', hashDisplayToken(token))
    .executeTakeFirst();
  if (exists) return { displayLinks: 0 };
  await db
    .insertInto('dashboard_display_links')
    .values({
      token_hash: hashDisplayToken(token),
      label: '局会议室大屏（演示）',
      scope_kind: 'region',
      scope_id: county.code,
      created_by: bureau.id,
      expires_at: '2027-08-31T23:59:59+08:00',
    })
    .execute();
  return { displayLinks: 1 };
}

/** The demo screen's token (address /display/<token>), reproducible from the demo seed. */
export function demoDisplayToken(seed = 20261124): string {
  const rnd = new Random(seed ^ 0x5ca1ab1e);
  return Buffer.from(Array.from({ length: 32 }, () => rnd.int(0, 255))).toString('base64url');
}
