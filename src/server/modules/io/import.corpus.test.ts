import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchool, buildUser, HAINING } from '../../test/factories.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';
import type { Actor, Caller } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import { QualityImportService } from '../quality/import.service.js';
import { mathExam } from '../quality/quality.fixtures.js';
import { CORPUS, CORPUS_SCHOOLS, type CorpusKind } from './import-corpus.js';

/**
 * Every file of the corpus (fixtures/corpus/, written by scripts/make-import-corpus.ts), imported
 * as every kind it applies to: the rows stored, or the exact message shown. Nothing is written
 * for a refused file.
 */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/corpus');
let t: TestApp;
let admin: Client;
let bureau: Actor;
let examId: number;

beforeAll(async () => {
  t = await createTestApp({ worker: true });
  admin = await loginAdmin(t.app);
  const ids: number[] = [];
  for (const code of CORPUS_SCHOOLS) ids.push((await buildSchool(t.ctx.db, { code })).id);
  const user = await buildUser(t.ctx.db, 'bureau_admin', { kind: 'region', id: HAINING });
  bureau = {
    userId: user.id,
    username: user.username,
    displayName: user.username,
    role: 'bureau_admin',
    scope: { kind: 'region', id: HAINING },
    teacherId: null,
  };
  await admin.post('/api/v1/quality/classes', { schoolId: ids[0], schoolYear: 2025, grade: 6, name: '1班' });
  const res = await admin.post('/api/v1/quality/exams', mathExam(ids));
  expect(res.statusCode, res.body).toBe(201);
  examId = res.json().id;
});
afterAll(async () => {
  await t.close();
});

type Outcome = { rows: number } | { message: string };

async function importRegistry(kind: CorpusKind, name: string, content: Buffer): Promise<Outcome> {
  const boundary = '----gongjin-corpus';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/imports?kind=${kind}`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin.cookie },
    payload,
  });
  if (res.statusCode !== 201) {
    expect(res.statusCode, res.body).toBeLessThan(500);
    return { message: res.json().details?.[0]?.message ?? res.json().message };
  }
  const job = res.json();
  expect(job.errors, name).toEqual([]);
  const done = (await admin.post(`/api/v1/imports/${job.id}/commit`)).json();
  expect(done.status, name).toBe('committed');
  return { rows: done.result.created + done.result.updated };
}

async function importScores(name: string, content: Buffer): Promise<Outcome> {
  const service = new QualityImportService(t.ctx.dbh, t.ctx.storage);
  const caller: Caller = { actor: bureau, requestId: 'corpus', ip: '127.0.0.1' };
  let jobId: string;
  try {
    jobId = (
      await service.upload(caller, examId, 'student', name, Readable.from([content]), undefined, { queue: false })
    ).id;
  } catch (e) {
    if (e instanceof AppError) return { message: String((e.params as { reason?: string }).reason) };
    throw e;
  }
  const checked = await service.check(bureau, jobId);
  try {
    if (checked.status === 'checked') return { rows: checked.rowsTotal };
    const errors = await service.errors(bureau, jobId, { page: 1, pageSize: 5 });
    return { message: checked.message?.split(' / ')[0] ?? errors.items.map((e) => e.message).join('; ') };
  } finally {
    await service.discard(caller, jobId);
  }
}

describe('the import corpus', () => {
  it('has at least 30 files, as the script writes them', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
    for (const f of CORPUS)
      expect(
        readFileSync(path.join(dir, f.name)).equals(f.build()),
        `${f.name}: run npx tsx scripts/make-import-corpus.ts`,
      ).toBe(true);
  });

  for (const file of CORPUS) {
    for (const kind of file.kinds) {
      it(`${file.name} as ${kind}`, async () => {
        const content = readFileSync(path.join(dir, file.name));
        const outcome =
          kind === 'scores' ? await importScores(file.name, content) : await importRegistry(kind, file.name, content);
        expect(outcome).toEqual(file.expect);
      });
    }
  }
});
