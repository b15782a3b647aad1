import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../../db/migrate.js';
import { allMigrations } from '../index.js';
import { loadRegions } from '../registry/regions.service.js';
import { createTestApp, login, loginAdmin, openTestDatabase, type Client, type TestApp } from '../../test/harness.js';
import {
  buildCommunity,
  buildSchool,
  buildTeacher,
  buildUser,
  HAINING,
  TONGXIANG,
  USER_PASSWORD,
} from '../../test/factories.js';
import { recordAudit } from './audit.service.js';

/**
 * The audit log by reader: a bureau reads only entries about entities inside its scope; personal
 * fields in before/after only where it may read that entity; credentials never.
 */
let t: TestApp;
const clients: Record<string, Client> = {};
const marks: Record<string, string> = {}; // entry name → `${entity}:${entityId}:${action}`

interface Entry {
  entity: string;
  entityId: string | null;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
const key = (e: Pick<Entry, 'entity' | 'entityId' | 'action'>) => `${e.entity}:${e.entityId}:${e.action}`;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const hnSchool = await buildSchool(db, { name: '海宁学校' });
  const txSchool = await buildSchool(db, { name: '桐乡学校', region_code: TONGXIANG });
  // a Haining-run community with a Tongxiang partner
  const cross = await buildCommunity(db, [{ schoolId: hnSchool.id, role: 'core' }], {
    is_cross_region: true,
    partner_region_code: TONGXIANG,
  });
  const membership = await db
    .selectFrom('community_memberships')
    .select('id')
    .where('community_id', '=', cross.id)
    .executeTakeFirstOrThrow();

  clients.admin = await loginAdmin(t.app);
  const spec = {
    province: await buildUser(db, 'bureau_admin', { kind: 'region', id: '330000' }),
    county: await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }),
    otherCounty: await buildUser(db, 'bureau_admin', { kind: 'region', id: TONGXIANG }),
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: cross.id }),
    principal: await buildUser(db, 'school_admin', { kind: 'school', id: hnSchool.id }),
    teacher: await buildUser(db, 'teacher', { kind: 'school', id: hnSchool.id }),
    viewer: await buildUser(db, 'viewer', { kind: 'region', id: HAINING }),
  };
  for (const [k, u] of Object.entries(spec)) clients[k] = await login(t.app, u.username, USER_PASSWORD);

  const teacher = (schoolId: number, name: string) => ({
    teacherCode: `T-${name}-${schoolId}`,
    schoolId,
    name,
    gender: 'F',
    birthYear: 1985,
    phone: '13800000001',
  });
  const hnT = (await clients.admin.post('/api/v1/teachers', teacher(hnSchool.id, 'hn'))).json();
  const txT = (await clients.admin.post('/api/v1/teachers', teacher(txSchool.id, 'tx'))).json();
  const gone = (await clients.admin.post('/api/v1/teachers', teacher(hnSchool.id, 'gone'))).json();
  expect((await clients.admin.delete(`/api/v1/teachers/${gone.id}`)).statusCode).toBe(204);
  const newUser = (
    await clients.county!.post('/api/v1/users', {
      username: 'hn_viewer',
      displayName: '海宁只读',
      password: 'hn-viewer-1',
      role: 'viewer',
      scope: { kind: 'region', id: HAINING },
    })
  ).json();
  expect((await clients.county!.patch('/api/v1/users/1', { password: 'take-over-1' })).statusCode).toBe(403);
  await recordAudit(db, null, {
    action: 'update',
    entity: 'membership',
    entityId: membership.id,
    after: { note: '跨区域', contact_phone: '13900000002', id_number: '330481198501010011' },
  });
  await recordAudit(db, null, { action: 'poke', entity: 'mystery', entityId: 'x1', after: { phone: '13700000003' } });
  await recordAudit(db, null, {
    action: 'rehash',
    entity: 'user',
    entityId: newUser.id,
    after: { password_hash: '$argon2id$secret' },
  });

  Object.assign(marks, {
    hnTeacher: key({ entity: 'teacher', entityId: String(hnT.id), action: 'create' }),
    txTeacher: key({ entity: 'teacher', entityId: String(txT.id), action: 'create' }),
    deletedTeacher: key({ entity: 'teacher', entityId: String(gone.id), action: 'delete' }),
    userCreate: key({ entity: 'user', entityId: String(newUser.id), action: 'create' }),
    deniedOnAdmin: key({ entity: 'user', entityId: '1', action: 'denied' }),
    adminLogin: key({ entity: 'user', entityId: '1', action: 'login' }),
    crossMembership: key({ entity: 'membership', entityId: String(membership.id), action: 'update' }),
    unplaced: key({ entity: 'mystery', entityId: 'x1', action: 'poke' }),
    rehash: key({ entity: 'user', entityId: String(newUser.id), action: 'rehash' }),
  });
});
afterAll(async () => {
  await t.close();
});

async function read(who: string): Promise<Map<string, Entry>> {
  const res = await clients[who]!.get('/api/v1/audit-log?pageSize=200');
  expect(res.statusCode).toBe(200);
  const byKey = new Map<string, Entry>();
  for (const e of res.json().items as Entry[]) if (!byKey.has(key(e))) byKey.set(key(e), e);
  return byKey;
}

const ALL = [
  'hnTeacher',
  'txTeacher',
  'deletedTeacher',
  'userCreate',
  'deniedOnAdmin',
  'adminLogin',
  'crossMembership',
  'unplaced',
  'rehash',
];
const SEES: Record<string, string[]> = {
  admin: ALL,
  province: ['hnTeacher', 'txTeacher', 'deletedTeacher', 'userCreate', 'crossMembership', 'rehash'],
  county: ['hnTeacher', 'deletedTeacher', 'userCreate', 'crossMembership', 'rehash'],
  otherCounty: ['txTeacher', 'crossMembership'],
};

describe('who reads which entries', () => {
  it.each(Object.keys(SEES))('%s reads exactly the entries about entities inside its scope', async (who) => {
    const entries = await read(who);
    const seen = ALL.filter((m) => entries.has(marks[m]!));
    expect(seen).toEqual(SEES[who]);
  });

  it.each(['lead', 'principal', 'teacher', 'viewer'])('%s may not read the audit log', async (who) => {
    expect((await clients[who]!.get('/api/v1/audit-log')).statusCode).toBe(403);
  });

  it('a county bureau’s total and filters count only its own entries', async () => {
    const res = (await clients.county!.get('/api/v1/audit-log?entity=teacher&pageSize=200')).json();
    expect(res.total).toBe(res.items.length);
    expect(res.items.map((e: Entry) => key(e)).sort()).toEqual(
      [marks.hnTeacher, marks.deletedTeacher, marks.deletedTeacher!.replace(':delete', ':create')].sort(),
    );
    expect((await clients.county!.get('/api/v1/audit-log?entity=user&entityId=1')).json().total).toBe(0);
  });
});

describe('personal fields', () => {
  it('are shown to readers who may read the entity', async () => {
    const county = await read('county');
    expect(county.get(marks.hnTeacher!)!.after).toMatchObject({ phone: '13800000001', birth_year: 1985 });
    expect(county.get(marks.deletedTeacher!)!.before).toMatchObject({ phone: '13800000001' });
    expect(county.get(marks.crossMembership!)!.after).toMatchObject({
      contact_phone: '13900000002',
      id_number: '330481198501010011',
    });
    const province = await read('province');
    expect(province.get(marks.txTeacher!)!.after).toMatchObject({ phone: '13800000001' });
  });

  it('are hidden from a partner region that sees the entry but not the entity’s data', async () => {
    const other = await read('otherCounty');
    expect(other.get(marks.crossMembership!)!.after).toEqual({
      note: '跨区域',
      contact_phone: '***',
      id_number: '***',
    });
    expect(other.get(marks.txTeacher!)!.after).toMatchObject({ phone: '13800000001' });
  });

  it('credentials are never shown, not even to the national administrator', async () => {
    const admin = await read('admin');
    expect(admin.get(marks.rehash!)!.after).toEqual({ password_hash: '***' });
    expect(JSON.stringify([...admin.values()])).not.toContain('take-over-1');
    expect(admin.get(marks.unplaced!)!.after).toEqual({ phone: '13700000003' });
  });
});

describe('the migration that places old entries', () => {
  it('backfills region, school and community from the entity, or from the entry’s data when the row is gone', async () => {
    const { dbh, dropDatabase } = await openTestDatabase();
    try {
      const db = dbh.db;
      const names = Object.keys(allMigrations()).sort();
      const mine = names.indexOf('20261203_1000_users_audit_scope');
      await migrateTo(db, names[mine - 1]!);
      await loadRegions(db);
      const school = await buildSchool(db, { region_code: TONGXIANG });
      const teacher = await buildTeacher(db, school.id);
      const community = await buildCommunity(db, [{ schoolId: school.id, role: 'core' }], { region_code: TONGXIANG });
      await sql`insert into audit_log (action, entity, entity_id, after, before) values
        ('create', 'teacher', ${String(teacher.id)}, '{}'::jsonb, null),
        ('create', 'community', ${String(community.id)}, null, null),
        ('delete', 'teacher', '999999', null, ${JSON.stringify({ school_id: school.id })}::jsonb),
        ('load_townships', 'region', '330481', null, null),
        ('poke', 'mystery', 'x', null, null)`.execute(db);
      expect((await migrateToLatest(db)).applied).toContain('20261203_1000_users_audit_scope');
      const rows = await sql<{
        entity: string;
        entity_id: string;
        region_code: string | null;
        school_id: number | null;
        community_id: number | null;
      }>`
        select entity, entity_id, region_code, school_id, community_id from audit_log order by id`.execute(db);
      expect(rows.rows).toEqual([
        {
          entity: 'teacher',
          entity_id: String(teacher.id),
          region_code: TONGXIANG,
          school_id: school.id,
          community_id: null,
        },
        {
          entity: 'community',
          entity_id: String(community.id),
          region_code: TONGXIANG,
          school_id: null,
          community_id: community.id,
        },
        { entity: 'teacher', entity_id: '999999', region_code: TONGXIANG, school_id: school.id, community_id: null },
        { entity: 'region', entity_id: '330481', region_code: '330481', school_id: null, community_id: null },
        { entity: 'mystery', entity_id: 'x', region_code: null, school_id: null, community_id: null },
      ]);
    } finally {
      await dbh.close();
      await dropDatabase();
    }
  });
});
