import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING, TONGXIANG, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import type { PairingResult } from '../../../shared/planner.schemas.js';

/**
 * 通行时间表: a bureau imports member → core travel times through the import page (preview of every
 * bad row, all-or-nothing commit); a region's pairing then costs pairs in minutes, not kilometres.
 * The village north of the city is nearest to the north core by distance, but the river puts it ten
 * minutes from the south core and ninety from the north one.
 */
let t: TestApp;
let bureau: Client;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  const db = t.ctx.db;
  const north = await buildSchool(db, {
    code: '3304818801',
    name: '城北核心校',
    quality_tier: 'strong',
    latitude: 30.52,
    longitude: 120.68,
  });
  const south = await buildSchool(db, {
    code: '3304818802',
    name: '城南核心校',
    quality_tier: 'strong',
    latitude: 30.45,
    longitude: 120.7,
  });
  const village = await buildSchool(db, {
    code: '3304818803',
    name: '北村小学',
    quality_tier: 'weak',
    location_class: 'rural',
    latitude: 30.56,
    longitude: 120.69,
  });
  await buildSchool(db, { code: '3304838801', name: '桐乡学校', region_code: TONGXIANG });
  Object.assign(ids, { north: north.id, south: south.id, village: village.id });
  const u = await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING });
  bureau = await login(t.app, u.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

async function upload(rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('通行时间');
  ws.addRow(['成员校代码', '核心校代码', '通行时间（分钟）']);
  for (const r of rows) ws.addRow(r);
  const boundary = '----gongjin-travel';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="通行时间.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    Buffer.from(await wb.xlsx.writeBuffer()),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/imports?kind=travel-times',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: bureau.cookie },
    payload,
  });
}
const solve = async () => {
  const res = await bureau.post('/api/v1/planner/pairings', { region: HAINING });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as PairingResult;
};
const coreOfVillage = (r: PairingResult) => r.assignments.find((a) => a.memberId === String(ids.village))?.coreId;

describe('travel-time import for the pairing planner', () => {
  it('without travel times the pairing costs kilometres', async () => {
    const r = await solve();
    expect(r.costUnit).toBe('km');
    expect(coreOfVillage(r)).toBe(String(ids.north));
  });

  it('previews every bad row and writes nothing; the fixed file is committed and used', async () => {
    const bad = (
      await upload([
        ['3304818803', '3304818801', 90],
        ['3304818803', '9999999999', 10],
        ['3304838801', '3304818802', 10],
        ['3304818803', '3304818802', -5],
        ['3304818803', '3304818803', 0],
      ])
    ).json();
    expect(bad).toMatchObject({ status: 'invalid', totalRows: 5, errorCount: 4 });
    expect(bad.errors).toEqual([
      expect.objectContaining({ row: 3, column: '核心校代码', message: expect.stringContaining('不存在') }),
      expect.objectContaining({ row: 4, column: '成员校代码', message: expect.stringContaining('规划范围') }),
      expect.objectContaining({ row: 5, column: '通行时间（分钟）', message: expect.stringContaining('不能小于 0') }),
      expect.objectContaining({ row: 6, column: '核心校代码', message: expect.stringContaining('同一所学校') }),
    ]);
    expect((await bureau.post(`/api/v1/imports/${bad.id}/commit`)).statusCode).toBe(422);
    expect(await t.ctx.db.selectFrom('planner_travel_times').select('minutes').execute()).toHaveLength(0);

    const ok = (
      await upload([
        ['3304818803', '3304818801', 90],
        ['3304818803', '3304818802', 10],
      ])
    ).json();
    expect(ok).toMatchObject({ status: 'validated', errorCount: 0 });
    const done = await bureau.post(`/api/v1/imports/${ok.id}/commit`);
    expect(done.json()).toMatchObject({ status: 'committed', result: { created: 2, updated: 0 } });

    const r = await solve();
    expect(r.costUnit).toBe('min');
    expect(coreOfVillage(r)).toBe(String(ids.south));
  });

  it('offers its template', async () => {
    const res = await bureau.get('/api/v1/imports/templates/travel-times.xlsx');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect((wb.worksheets[0]!.getRow(1).values as string[]).slice(1)).toEqual([
      '*成员校代码',
      '*核心校代码',
      '*通行时间（分钟）',
    ]);
  });
});
