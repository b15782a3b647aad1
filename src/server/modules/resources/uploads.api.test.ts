import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CHUNK_BYTES } from '../../../shared/resources.enums.js';
import { buildCommunity, buildSchool, buildUser, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { putChunk, resourceBody, SAMPLES, uploadFile } from './resources.test-helpers.js';

/** Chunked uploads: resumable state in the database, type checks, limits, and nothing half-written. */
let t: TestApp;
let teacher: Client, other: Client, viewer: Client;
let schoolId = 0,
  communityId = 0;
const filesDir = () => path.join(t.ctx.config.dataDir, 'files');
/** Every stored file, relative to the storage root. */
function storedFiles(): string[] {
  const root = filesDir();
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((p) =>
    fs.statSync(path.join(root, p)).isFile(),
  );
}

beforeAll(async () => {
  t = await createTestApp();
  const A = await buildSchool(t.ctx.db);
  const B = await buildSchool(t.ctx.db);
  communityId = (
    await buildCommunity(t.ctx.db, [
      { schoolId: A.id, role: 'core' },
      { schoolId: B.id, role: 'member' },
    ])
  ).id;
  schoolId = A.id;
  teacher = await login(
    t.app,
    (await buildUser(t.ctx.db, 'teacher', { kind: 'school', id: A.id })).username,
    USER_PASSWORD,
  );
  other = await login(
    t.app,
    (await buildUser(t.ctx.db, 'teacher', { kind: 'school', id: B.id })).username,
    USER_PASSWORD,
  );
  viewer = await login(
    t.app,
    (await buildUser(t.ctx.db, 'viewer', { kind: 'school', id: A.id })).username,
    USER_PASSWORD,
  );
});
afterAll(async () => {
  await t.close();
});

describe('chunked upload', () => {
  it('resumes from receivedBytes after a lost chunk and refuses a wrong offset', async () => {
    const bytes = SAMPLES.mp4(1000);
    const id = (
      await teacher.post('/api/v1/resource-uploads', {
        fileName: '微课.mp4',
        mimeType: 'video/mp4',
        size: bytes.length,
      })
    ).json().id as string;
    expect((await putChunk(t.app, teacher, id, 0, bytes.subarray(0, 400))).json()).toMatchObject({
      receivedBytes: 400,
      status: 'open',
    });
    // a retry of the same chunk (the client missed the answer) and a gap are both refused with the offset to use
    const dup = await putChunk(t.app, teacher, id, 0, bytes.subarray(0, 400));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().message).toContain('400');
    expect((await putChunk(t.app, teacher, id, 800, bytes.subarray(800))).statusCode).toBe(409);
    // the client asks where to continue
    const state = await teacher.get(`/api/v1/resource-uploads/${id}`);
    expect(state.json().receivedBytes).toBe(400);
    expect((await teacher.post(`/api/v1/resource-uploads/${id}/complete`)).statusCode).toBe(409);
    expect((await putChunk(t.app, teacher, id, 400, bytes.subarray(400))).json()).toMatchObject({
      receivedBytes: bytes.length,
    });
    const done = await teacher.post(`/api/v1/resource-uploads/${id}/complete`);
    expect(done.json()).toMatchObject({ status: 'complete', size: bytes.length });
    const row = await t.ctx.db
      .selectFrom('resource_uploads')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.storage_key).toMatch(/^resources\/\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
    expect(await t.ctx.storage.stat(row.storage_key!)).toEqual({ size: bytes.length });
    // chunks are gone once assembled
    expect(
      await t.ctx.db.selectFrom('resource_upload_chunks').selectAll().where('upload_id', '=', id).execute(),
    ).toEqual([]);
    expect(storedFiles().filter((f) => f.startsWith('uploads'))).toEqual([]);
  });

  it('keeps uploads private to their owner', async () => {
    const id = (
      await teacher.post('/api/v1/resource-uploads', { fileName: 'a.pdf', mimeType: 'application/pdf', size: 10 })
    ).json().id as string;
    expect((await other.get(`/api/v1/resource-uploads/${id}`)).statusCode).toBe(404);
    expect((await putChunk(t.app, other, id, 0, Buffer.from('%PDF-1.4\n'))).statusCode).toBe(404);
    const mine = await uploadFile(t.app, teacher, 'b.pdf', 'application/pdf', SAMPLES.pdf());
    const stolen = await other.post('/api/v1/resources', resourceBody({ schoolId, communityId, uploadId: mine }));
    expect(stolen.statusCode).toBe(403); // other teacher cannot publish for this school either
    expect(
      (await viewer.post('/api/v1/resource-uploads', { fileName: 'a.pdf', mimeType: 'application/pdf', size: 10 }))
        .statusCode,
    ).toBe(403);
  });
});

describe('bad files: clear 4xx, nothing stored', () => {
  it('refuses content that does not match the declared type, at the first chunk', async () => {
    const before = storedFiles();
    const pdf = SAMPLES.pdf();
    const id = (
      await teacher.post('/api/v1/resource-uploads', { fileName: '伪装.mp4', mimeType: 'video/mp4', size: pdf.length })
    ).json().id as string;
    const res = await putChunk(t.app, teacher, id, 0, pdf);
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0]).toMatchObject({ code: 'content_mismatch' });
    expect(res.json().details[0].message).toContain('video/mp4');
    expect((await teacher.get(`/api/v1/resource-uploads/${id}`)).json().status).toBe('failed');
    expect(storedFiles()).toEqual(before);
  });

  it('refuses a mislabelled file whose first chunk was too short to judge, at completion', async () => {
    const before = storedFiles();
    const png = SAMPLES.png();
    const id = (
      await teacher.post('/api/v1/resource-uploads', {
        fileName: 'x.pdf',
        mimeType: 'application/pdf',
        size: png.length,
      })
    ).json().id as string;
    expect((await putChunk(t.app, teacher, id, 0, png.subarray(0, 5))).statusCode).toBe(200);
    expect((await putChunk(t.app, teacher, id, 5, png.subarray(5))).statusCode).toBe(200);
    const res = await teacher.post(`/api/v1/resource-uploads/${id}/complete`);
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0].messageEn).toContain('image/png');
    expect(storedFiles()).toEqual(before);
    const use = await teacher.post('/api/v1/resources', resourceBody({ schoolId, communityId, uploadId: id }));
    expect(use.statusCode).toBe(409);
    expect(await t.ctx.db.selectFrom('resources').selectAll().execute()).toEqual([]);
  });

  it.each([
    [
      'a path-traversal name',
      { fileName: '../../etc/passwd.pdf', mimeType: 'application/pdf', size: 10 },
      422,
      'bad_file_name',
    ],
    [
      'a Windows path',
      { fileName: '..\\..\\boot.ini.pdf', mimeType: 'application/pdf', size: 10 },
      422,
      'bad_file_name',
    ],
    [
      'an executable',
      { fileName: 'setup.exe', mimeType: 'application/x-msdownload', size: 10 },
      422,
      'unsupported_type',
    ],
    [
      'an extension that contradicts the type',
      { fileName: 'a.exe', mimeType: 'video/mp4', size: 10 },
      422,
      'extension_mismatch',
    ],
    ['an oversized video', { fileName: 'a.mp4', mimeType: 'video/mp4', size: 3 * 1024 ** 3 }, 413, 'file_too_large'],
    [
      'an oversized PDF',
      { fileName: 'a.pdf', mimeType: 'application/pdf', size: 300 * 1024 ** 2 },
      413,
      'file_too_large',
    ],
  ])('refuses %s', async (_what, body, status, code) => {
    const res = await teacher.post('/api/v1/resource-uploads', body);
    expect(res.statusCode).toBe(status);
    expect(res.json().details[0]).toMatchObject({ code });
    expect(res.json().message).toMatch(/[\u4e00-\u9fff]/);
    expect(res.json().messageEn).toMatch(/[a-z]/);
  });

  it('refuses more bytes than declared, and chunks above the chunk limit, without storing them', async () => {
    const before = storedFiles();
    const id = (
      await teacher.post('/api/v1/resource-uploads', { fileName: 'a.pdf', mimeType: 'application/pdf', size: 20 })
    ).json().id as string;
    const res = await putChunk(t.app, teacher, id, 0, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(40, 32)]));
    expect(res.statusCode).toBe(413);
    expect((await teacher.get(`/api/v1/resource-uploads/${id}`)).json().receivedBytes).toBe(0);
    const big = (
      await teacher.post('/api/v1/resource-uploads', {
        fileName: 'b.mp4',
        mimeType: 'video/mp4',
        size: MAX_CHUNK_BYTES * 2,
      })
    ).json().id as string;
    const tooBig = await putChunk(
      t.app,
      teacher,
      big,
      0,
      Buffer.concat([SAMPLES.mp4(), Buffer.alloc(MAX_CHUNK_BYTES, 1)]),
    );
    expect(tooBig.statusCode).toBe(413);
    expect(storedFiles()).toEqual(before);
  });

  it('refuses a chunk without the octet-stream type and an empty chunk', async () => {
    const id = (
      await teacher.post('/api/v1/resource-uploads', { fileName: 'a.pdf', mimeType: 'application/pdf', size: 20 })
    ).json().id as string;
    const json = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/resource-uploads/${id}/chunks?offset=0`,
      headers: { cookie: teacher.cookie, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(json.statusCode).toBeGreaterThanOrEqual(400);
    expect(json.statusCode).toBeLessThan(500);
    expect((await putChunk(t.app, teacher, id, 0, Buffer.alloc(0))).statusCode).toBe(400);
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: `/api/v1/resource-uploads/not-a-uuid/chunks?offset=0`,
          headers: { cookie: teacher.cookie, 'content-type': 'application/octet-stream' },
          payload: Buffer.from('x'),
        })
      ).statusCode,
    ).toBe(400);
  });
});
