import { sql } from 'kysely';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestApp, DEMO_TEST_PASSWORD, login, type TestApp } from '../../test/harness.js';
import { seedResourcesDemo } from './resources.demo.js';

describe('seedResourcesDemo', () => {
  let t: TestApp;
  let counts: Record<string, number>;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemo(t.ctx.dbh, { password: DEMO_TEST_PASSWORD });
    counts = await seedResourcesDemo(t.ctx.dbh, { storage: t.ctx.storage });
  });
  afterAll(() => t.close());

  it('writes what it reports, near the reported Haining figures', async () => {
    const n = async (table: 'resources' | 'shared_courses' | 'shared_course_sessions' | 'shared_course_enrolments') =>
      (
        await t.ctx.db
          .selectFrom(table)
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    expect(await n('resources')).toBe(counts.resources);
    expect(await n('shared_courses')).toBe(counts.courses);
    expect(counts.resources).toBeGreaterThan(300);
    expect(counts.classHours2025).toBeGreaterThan(450);
    expect(counts.classHours2025).toBeLessThan(900);
    expect(counts.students2025).toBeGreaterThan(2000);
    expect(counts.students2025).toBeLessThan(4500);
    const usage = await t.ctx.db
      .selectFrom('resource_usage_daily')
      .select(sql<number>`sum(views)::int`.as('v'))
      .executeTakeFirstOrThrow();
    expect(usage.v).toBe(counts.views);
  });

  it('is deterministic for a seed', async () => {
    const again = await createTestApp();
    try {
      await seedDemo(again.ctx.dbh, {});
      expect(await seedResourcesDemo(again.ctx.dbh, { storage: again.ctx.storage })).toEqual(counts);
    } finally {
      await again.close();
    }
  });

  it('comes alive for the demo accounts: search, totals and most-used', async () => {
    const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    const totals = await bureau.get('/api/v1/shared-courses/totals?groupBy=region&schoolYear=2025');
    // the seed reports enrolments (人次); a class taking two courses is one set of pupils
    expect(totals.json().total).toMatchObject({ classHours: counts.classHours2025, studentTimes: counts.students2025 });
    expect(totals.json().total.students).toBeLessThan(counts.students2025!);
    const teacher = await login(t.app, 'teacher', DEMO_TEST_PASSWORD);
    const found = await teacher.get(`/api/v1/resources?q=${encodeURIComponent('数学')}`);
    expect(found.json().total).toBeGreaterThan(5);
    const top = await bureau.get('/api/v1/resources/most-used?regionCode=330481&days=365');
    expect(top.json().items.length).toBe(10);
  });

  it('gives documents and images real stored files, and the images thumbnails', async () => {
    const bytes = async (key: string) => {
      const chunks: Buffer[] = [];
      for await (const c of (await t.ctx.storage.get(key)) as Readable) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    const versions = await t.ctx.db
      .selectFrom('resource_versions')
      .select(['resource_id', 'storage_key', 'mime_type', 'size_bytes', 'thumb_key'])
      .where('storage_key', 'is not', null)
      .execute();
    expect(versions.length).toBe(counts.files);
    const pdfs = versions.filter((v) => v.mime_type === 'application/pdf');
    const pngs = versions.filter((v) => v.mime_type === 'image/png');
    const videos = versions.filter((v) => v.mime_type === 'video/webm');
    expect(pdfs.length).toBeGreaterThan(100);
    expect(pngs.length).toBeGreaterThan(10);
    expect(videos.length).toBeGreaterThan(50);
    expect(pdfs.length + pngs.length + videos.length).toBe(counts.resources);
    expect(pngs.length).toBe(counts.thumbnails);
    const MAGIC: Record<string, Buffer> = {
      'application/pdf': Buffer.from('%PDF'),
      'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      'video/webm': Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), // EBML
    };
    for (const v of [...pdfs.slice(0, 3), ...pngs.slice(0, 3), ...videos.slice(0, 3)]) {
      const b = await bytes(v.storage_key!);
      expect(b.length).toBe(Number(v.size_bytes));
      expect(b.subarray(0, 4)).toEqual(MAGIC[v.mime_type!]);
    }
    for (const v of pdfs) expect(v.thumb_key).toBeNull();
    const thumb = await bytes(pngs[0]!.thumb_key!);
    expect((await sharp(thumb).metadata()).format).toBe('webp');

    // served like an uploaded file: the demo teacher previews a PDF and sees an image's thumbnail
    const teacher = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
    const file = await teacher.get(`/api/v1/resources/${pdfs[0]!.resource_id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    const r = await teacher.get(`/api/v1/resources/${pngs[0]!.resource_id}`);
    expect(r.json().hasThumbnail).toBe(true);
    const served = await teacher.get(`/api/v1/resources/${pngs[0]!.resource_id}/thumbnail`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
  });
});
