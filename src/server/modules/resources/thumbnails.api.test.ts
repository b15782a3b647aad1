import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobKind } from '../../contracts/job.js';
import { buildCommunity, buildSchool, buildUser, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { JobWorker } from '../jobs/worker.js';
import { resourcesModule } from './resources.module.js';
import { resourceBody, SAMPLES, uploadFile } from './resources.test-helpers.js';

/**
 * Image thumbnails: made on the job queue after an upload or a new version, stored like the
 * resource's file, served under the resource's own visibility. World: community C = school A + B.
 */
let t: TestApp;
let teacherA: Client, teacherB: Client;
const ids = { A: 0, B: 0, C: 0 };

/** A photo-like PNG (noise does not compress), so its thumbnail is much smaller. */
const bigPng = (w: number, h: number) =>
  sharp(Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * 7919) % 251)), {
    raw: { width: w, height: h, channels: 3 },
  })
    .png()
    .toBuffer();

const drain = () => new JobWorker(t.ctx, (resourcesModule.jobs?.kinds ?? []) as JobKind<unknown>[]).drain();

async function publishFile(c: Client, fileName: string, mime: string, bytes: Buffer, body: Record<string, unknown>) {
  const uploadId = await uploadFile(t.app, c, fileName, mime, bytes, 256 * 1024);
  const res = await c.post(
    '/api/v1/resources',
    resourceBody({ schoolId: ids.A, communityId: ids.C, uploadId, ...body }),
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; hasThumbnail: boolean };
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const A = await buildSchool(db, { name: '海宁市第一中学' });
  const B = await buildSchool(db, { name: '袁花镇中学', location_class: 'rural' });
  const C = await buildCommunity(
    db,
    [
      { schoolId: A.id, role: 'core' },
      { schoolId: B.id, role: 'member' },
    ],
    { name: '一中教共体' },
  );
  Object.assign(ids, { A: A.id, B: B.id, C: C.id });
  const ua = await buildUser(db, 'teacher', { kind: 'school', id: A.id });
  const ub = await buildUser(db, 'teacher', { kind: 'school', id: B.id });
  teacherA = await login(t.app, ua.username, USER_PASSWORD);
  teacherB = await login(t.app, ub.username, USER_PASSWORD);
});
afterAll(async () => {
  await t.close();
});

describe('image thumbnails', () => {
  it('are made by the job for an uploaded PNG and served to readers in scope only', async () => {
    const original = await bigPng(800, 600);
    const r = await publishFile(teacherA, '板书.png', 'image/png', original, {
      title: '板书照片',
      visibility: 'school',
    });
    expect(r.hasThumbnail).toBe(false);
    // none yet: the job has not run
    expect((await teacherA.get(`/api/v1/resources/${r.id}/thumbnail`)).statusCode).toBe(404);

    await drain();
    const thumb = await teacherA.get(`/api/v1/resources/${r.id}/thumbnail`);
    expect(thumb.statusCode, thumb.body).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const bytes = thumb.rawPayload;
    expect(bytes.length).toBeLessThan(original.length);
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.width).toBe(320);
    expect(meta.height).toBe(240);
    expect((await teacherA.get(`/api/v1/resources/${r.id}`)).json().hasThumbnail).toBe(true);

    // another school's teacher cannot see a school-visible resource, nor its thumbnail
    const other = await teacherB.get(`/api/v1/resources/${r.id}/thumbnail`);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('not_found');
  });

  it('neither the thumbnail nor a HEAD of the file counts as a view', async () => {
    const r = await publishFile(teacherA, '示意图.png', 'image/png', await bigPng(400, 300), {
      title: '示意图',
      visibility: 'community',
    });
    await drain();
    expect((await teacherB.get(`/api/v1/resources/${r.id}/thumbnail`)).statusCode).toBe(200);
    const head = await t.app.inject({
      method: 'HEAD',
      url: `/api/v1/resources/${r.id}/file`,
      headers: { cookie: teacherB.cookie },
    });
    expect(head.statusCode).toBe(200);
    expect((await teacherB.get(`/api/v1/resources/${r.id}`)).json().viewCount).toBe(0);
  });

  it('a new image version gets its own thumbnail; a PDF gets none', async () => {
    const r = await publishFile(teacherA, '图一.png', 'image/png', await bigPng(640, 640), {
      title: '版本图',
      visibility: 'community',
    });
    await drain();
    const first = (await teacherA.get(`/api/v1/resources/${r.id}/thumbnail`)).rawPayload;
    const uploadId = await uploadFile(t.app, teacherA, '图二.png', 'image/png', await bigPng(640, 320), 256 * 1024);
    const v2 = await teacherA.post(`/api/v1/resources/${r.id}/versions`, { uploadId, note: '横版' });
    expect(v2.statusCode, v2.body).toBe(201);
    // until the job runs for the new version, the current version has no thumbnail
    expect(v2.json().hasThumbnail).toBe(false);
    await drain();
    const second = await teacherA.get(`/api/v1/resources/${r.id}/thumbnail`);
    expect(second.statusCode).toBe(200);
    expect(Buffer.compare(second.rawPayload, first)).not.toBe(0);
    expect((await sharp(second.rawPayload).metadata()).height).toBe(160);

    const pdf = await publishFile(teacherA, '教案.pdf', 'application/pdf', SAMPLES.pdf(), { title: '教案' });
    await drain();
    expect((await teacherA.get(`/api/v1/resources/${pdf.id}/thumbnail`)).statusCode).toBe(404);
  });

  it('an image sharp cannot decode ends the job done, without a thumbnail', async () => {
    // a PNG signature and header, no image data: accepted by the upload check, undecodable
    const r = await publishFile(teacherA, '残缺.png', 'image/png', SAMPLES.png(), { title: '残缺图片' });
    await drain();
    expect((await teacherA.get(`/api/v1/resources/${r.id}/thumbnail`)).statusCode).toBe(404);
    const job = await t.ctx.db
      .selectFrom('jobs')
      .select(['status', 'result'])
      .where('kind', '=', 'resources.thumbnail')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', result: { outcome: 'undecodable' } });
  });

  it('deleting the resource deletes its thumbnails from storage', async () => {
    const r = await publishFile(teacherA, '删除.png', 'image/png', await bigPng(400, 300), { title: '将删除' });
    await drain();
    const row = await t.ctx.db
      .selectFrom('resource_versions')
      .select('thumb_key')
      .where('resource_id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(row.thumb_key).not.toBeNull();
    expect(await t.ctx.storage.stat(row.thumb_key!)).not.toBeNull();
    expect((await teacherA.delete(`/api/v1/resources/${r.id}`)).statusCode).toBe(204);
    expect(await t.ctx.storage.stat(row.thumb_key!)).toBeNull();
  });
});
