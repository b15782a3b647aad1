import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import { ROUND_TRIP_EXPORTS, roundTripSnapshot, seedRoundTrip } from '../../test/round-trip-seed.js';

/**
 * Issue 15 "Round trip": our exports of schools, teachers and annual statistics, re-saved by
 * LibreOffice Calc (fixtures/libreoffice/, made by scripts/make-libreoffice-fixtures.ts from the
 * same seed), import back through preview and commit and leave the database exactly as it was.
 */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/libreoffice');
let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp({ worker: true });
  admin = await loginAdmin(t.app);
  await seedRoundTrip(t, admin);
});
afterAll(async () => {
  await t.close();
});

/** One entry of a zip, found through its central directory. */
function zipEntry(zip: Buffer, name: string): string {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const local = zip.readUInt32LE(at + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + zip.readUInt32LE(at + 20));
      return (zip.readUInt16LE(at + 10) === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`${name} not found`);
}

async function upload(kind: string, fileName: string, content: Buffer) {
  const boundary = '----gongjin-libreoffice';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/imports?kind=${kind}`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie },
    payload,
  });
}

describe('LibreOffice round trip', () => {
  it('imports schools, teachers and annual statistics re-saved by LibreOffice and finds the database unchanged', async () => {
    const before = await roundTripSnapshot(t);
    expect(before.schools.length).toBeGreaterThanOrEqual(2);
    expect(before.teachers).toHaveLength(2);
    expect(before.stats).toHaveLength(1);
    const rowsOf = {
      schools: before.schools.length,
      teachers: before.teachers.length,
      'school-year-stats': before.stats.length,
    };
    for (const [kind] of ROUND_TRIP_EXPORTS) {
      const file = readFileSync(path.join(dir, `${kind}.xlsx`));
      // really LibreOffice's file, not our own export
      expect(zipEntry(file, 'docProps/app.xml'), kind).toContain('<Application>LibreOffice/');
      const job = (await upload(kind, `${kind}.xlsx`, file)).json();
      expect(job.errors, kind).toEqual([]);
      expect(job.status, kind).toBe('validated');
      expect(job.totalRows, kind).toBe(rowsOf[kind]);
      // display-only export columns (区县, 所属教共体 …) are ignored; nothing LibreOffice added is
      expect(
        job.mapping.ignored.filter((i: { unnamed?: true }) => i.unnamed),
        kind,
      ).toEqual([]);
      expect(
        job.mapping.used.map((u: { key: string }) => u.key),
        kind,
      ).toContain(kind === 'schools' ? 'code' : 'schoolCode');
      const done = (await admin.post(`/api/v1/imports/${job.id}/commit`)).json();
      expect(done.status, kind).toBe('committed');
      expect(done.result, kind).toEqual({ created: 0, updated: rowsOf[kind] });
    }
    const after = await roundTripSnapshot(t);
    expect(after.schools).toEqual(before.schools);
    expect(after.teachers).toEqual(before.teachers);
    expect(after.stats).toEqual(before.stats);
  });
});
