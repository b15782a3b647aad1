import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import {
  buildCommunity,
  buildSchool,
  buildSchoolYearStats,
  buildTeacher,
  buildUser,
  HAINING,
  TONGXIANG,
  USER_PASSWORD,
  YUNHE,
} from '../../test/factories.js';

/**
 * Scope matrix: a user of one school cannot read or change another's private data; a community lead
 * only their community; a county bureau only its county.
 */
let t: TestApp;
let ids: Record<string, number>;
const clients: Record<string, Client> = {};

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const core = await buildSchool(db, { name: '核心校' });
  const member = await buildSchool(db, { name: '成员校', location_class: 'rural' });
  const other = await buildSchool(db, { name: '他校' });
  const elsewhere = await buildSchool(db, { name: '桐乡学校', region_code: TONGXIANG });
  const c1 = await buildCommunity(db, [
    { schoolId: core.id, role: 'core' },
    { schoolId: member.id, role: 'member' },
  ]);
  const c2 = await buildCommunity(db, [{ schoolId: other.id, role: 'core' }]);
  const tCore = await buildTeacher(db, core.id, { name: '核心校教师' });
  const tMember = await buildTeacher(db, member.id, { name: '成员校教师' });
  const tOther = await buildTeacher(db, other.id, { name: '他校教师' });
  const tElsewhere = await buildTeacher(db, elsewhere.id, { name: '桐乡教师' });
  ids = {
    core: core.id,
    member: member.id,
    other: other.id,
    elsewhere: elsewhere.id,
    c1: c1.id,
    c2: c2.id,
    tCore: tCore.id,
    tMember: tMember.id,
    tOther: tOther.id,
    tElsewhere: tElsewhere.id,
  };
  const users = {
    bureau: await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }),
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: c1.id }),
    principal: await buildUser(db, 'school_admin', { kind: 'school', id: member.id }),
    teacher: await buildUser(db, 'teacher', { kind: 'school', id: member.id }, { teacherId: tMember.id }),
    viewer: await buildUser(db, 'viewer', { kind: 'region', id: HAINING }),
  };
  for (const [k, u] of Object.entries(users)) clients[k] = await login(t.app, u.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

const names = (res: { json: () => { items: { name: string }[] } }) =>
  res
    .json()
    .items.map((i) => i.name)
    .sort();

describe('reading', () => {
  it('a county bureau sees its county only', async () => {
    const schools = names(await clients.bureau!.get('/api/v1/schools?pageSize=100'));
    expect(schools).toEqual(['他校', '成员校', '核心校']);
    expect((await clients.bureau!.get(`/api/v1/teachers/${ids.tElsewhere}`)).statusCode).toBe(403);
    expect((await clients.bureau!.get(`/api/v1/schools/${ids.elsewhere}`)).statusCode).toBe(403);
  });

  it('a community lead sees their community and its schools, not another community', async () => {
    expect(names(await clients.lead!.get('/api/v1/schools'))).toEqual(['成员校', '核心校']);
    expect(names(await clients.lead!.get('/api/v1/teachers'))).toEqual(['成员校教师', '核心校教师']);
    expect((await clients.lead!.get('/api/v1/communities')).json().items.map((c: { id: number }) => c.id)).toEqual([
      ids.c1,
    ]);
    expect((await clients.lead!.get(`/api/v1/communities/${ids.c2}`)).statusCode).toBe(403);
  });

  it("a school admin reads their own teachers and their community's schools, never another school's teachers", async () => {
    expect(names(await clients.principal!.get('/api/v1/teachers'))).toEqual(['成员校教师']);
    expect((await clients.principal!.get(`/api/v1/teachers/${ids.tCore}`)).statusCode).toBe(403);
    expect((await clients.principal!.get(`/api/v1/teachers/${ids.tOther}`)).statusCode).toBe(403);
    expect((await clients.principal!.get(`/api/v1/teachers?schoolId=${ids.other}`)).json().total).toBe(0);
    expect(names(await clients.principal!.get('/api/v1/schools'))).toEqual(['成员校', '核心校']);
    expect((await clients.principal!.get(`/api/v1/schools/${ids.other}`)).statusCode).toBe(403);
  });

  it('exports respect scope too', async () => {
    const res = await clients.principal!.get('/api/v1/teachers/export.xlsx');
    expect(res.statusCode).toBe(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = wb.worksheets[0]!.getSheetValues()
      .slice(2)
      .map((r) => (r as unknown[])[2]);
    expect(rows).toEqual(['成员校教师']);
  });

  it('only bureau admins read users and the audit log', async () => {
    for (const k of ['lead', 'principal', 'teacher', 'viewer']) {
      expect((await clients[k]!.get('/api/v1/users')).statusCode).toBe(403);
      expect((await clients[k]!.get('/api/v1/audit-log')).statusCode).toBe(403);
    }
    expect((await clients.bureau!.get('/api/v1/audit-log')).statusCode).toBe(200);
  });
});

describe('writing', () => {
  it("a school admin edits their own school and teachers, not another school's", async () => {
    expect(
      (await clients.principal!.patch(`/api/v1/schools/${ids.member}`, { phone: '0573-1234567' })).statusCode,
    ).toBe(200);
    expect((await clients.principal!.patch(`/api/v1/schools/${ids.core}`, { phone: '0573-1234567' })).statusCode).toBe(
      403,
    );
    expect(
      (await clients.principal!.patch(`/api/v1/teachers/${ids.tMember}`, { phone: '13900000000' })).statusCode,
    ).toBe(200);
    const foreign = await clients.principal!.patch(`/api/v1/teachers/${ids.tCore}`, { name: '被篡改' });
    expect(foreign.statusCode).toBe(403);
    expect(
      (await t.ctx.db.selectFrom('teachers').select('name').where('id', '=', ids.tCore!).executeTakeFirstOrThrow())
        .name,
    ).toBe('核心校教师');
    // and cannot move a teacher into another school
    expect((await clients.principal!.patch(`/api/v1/teachers/${ids.tMember}`, { schoolId: ids.core })).statusCode).toBe(
      403,
    );
    // nor re-classify the school
    expect(
      (await clients.principal!.patch(`/api/v1/schools/${ids.member}`, { qualityTier: 'strong' })).statusCode,
    ).toBe(403);
  });

  it('a community lead edits their community, not another', async () => {
    expect(
      (await clients.lead!.patch(`/api/v1/communities/${ids.c1}`, { description: '2025 学年工作重点' })).statusCode,
    ).toBe(200);
    expect((await clients.lead!.patch(`/api/v1/communities/${ids.c2}`, { description: 'x' })).statusCode).toBe(403);
    expect(
      (
        await clients.lead!.post(`/api/v1/communities/${ids.c2}/leadership`, {
          personName: 'x',
          role: 'member',
          startDate: '2024-09-01',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await clients.lead!.post('/api/v1/schools', {
          code: '3304818888',
          name: 'x',
          regionCode: HAINING,
          level: 'primary',
          locationClass: 'rural',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('teachers and viewers cannot change the registry', async () => {
    for (const k of ['teacher', 'viewer']) {
      expect((await clients[k]!.patch(`/api/v1/schools/${ids.member}`, { phone: '1' })).statusCode).toBe(403);
      expect((await clients[k]!.patch(`/api/v1/teachers/${ids.tMember}`, { phone: '1' })).statusCode).toBe(403);
      expect((await clients[k]!.delete(`/api/v1/teachers/${ids.tMember}`)).statusCode).toBe(403);
    }
  });

  it('a county bureau cannot create schools in another county', async () => {
    const res = await clients.bureau!.post('/api/v1/schools', {
      code: '3304838888',
      name: 'x',
      regionCode: TONGXIANG,
      level: 'primary',
      locationClass: 'rural',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('out_of_scope');
  });
});

describe('cross-region pairs', () => {
  // last in the file: it adds schools the lists above do not expect
  it("a county bureau's school and statistics lists hold the partner school of a pair it runs, and no other county's", async () => {
    const db = t.ctx.db;
    const partner = await buildSchool(db, { name: '云和山区学校', region_code: YUNHE, location_class: 'rural' });
    const unrelated = await buildSchool(db, { name: '云和他校', region_code: YUNHE });
    await buildCommunity(
      db,
      [
        { schoolId: ids.core!, role: 'core' },
        { schoolId: partner.id, role: 'member' },
      ],
      {
        is_cross_region: true,
        partner_region_code: YUNHE,
      },
    );
    for (const id of [partner.id, unrelated.id, ids.elsewhere!, ids.core!]) await buildSchoolYearStats(db, id);

    const schools = names(await clients.bureau!.get('/api/v1/schools?pageSize=100'));
    expect(schools).toEqual(['云和山区学校', '他校', '成员校', '核心校']);
    const stats = await clients.bureau!.get('/api/v1/school-year-stats?pageSize=100');
    expect(stats.statusCode).toBe(200);
    expect(
      stats
        .json()
        .items.map((r: { schoolId: number }) => r.schoolId)
        .sort(),
    ).toEqual([ids.core!, partner.id].sort());
  });
});
