import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMessage } from '../../shared/messages.js';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../test/harness.js';
import { registerErrorHandler } from './error-handler.js';
import {
  AppError,
  ConflictError,
  ERROR_STATUS,
  ForbiddenError,
  NotFoundError,
  OutOfScopeError,
  UnauthenticatedError,
  ValidationError,
  badRequest,
  entityErrors,
  fieldIssue,
  nothingFound,
  notPermitted,
  payloadTooLarge,
  ruleViolation,
  unsupportedMediaType,
} from './errors.js';

/** Every `new AppError(<status>, '<code>'`, `super(<status>, '<code>'` and `ruleViolation(<status>` written in the server's source. */
function raisedInSource(): { file: string; status: number; code: string }[] {
  const root = join(import.meta.dirname, '..');
  const found: { file: string; status: number; code: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/(?:new AppError|super)\((\d{3}),\s*'(\w+)'/g))
          found.push({ file: path, status: Number(m[1]), code: m[2]! });
        for (const m of text.matchAll(/ruleViolation\((\d{3}),/g))
          found.push({
            file: path,
            status: Number(m[1]),
            code: Number(m[1]) === 409 ? 'state_conflict' : 'rule_violation',
          });
      }
    }
  };
  walk(root);
  return found;
}

describe('one error taxonomy', () => {
  it('gives each error class its one (code, status) through the real error handler, worded in both languages', async () => {
    const app = Fastify();
    registerErrorHandler(app);
    const cases: [AppError, string, number][] = [
      [new NotFoundError('school', 7), 'not_found', 404],
      [entityErrors({ plan: { zh: '规划方案', en: 'plan' } }).notFound('plan', 3), 'not_found', 404],
      [nothingFound('没有成绩', 'No scores'), 'nothing_found', 404],
      [new ForbiddenError(), 'forbidden', 403],
      [new OutOfScopeError('school'), 'out_of_scope', 403],
      [notPermitted('只有负责人可以', 'Only the lead may'), 'not_permitted', 403],
      [new UnauthenticatedError(), 'unauthenticated', 401],
      [new ConflictError('duplicate', { field: '代码', fieldEn: 'code', value: 'x' }), 'duplicate', 409],
      [ruleViolation(409, '已签署', 'Already signed'), 'state_conflict', 409],
      [ruleViolation(422, '结束早于开始', 'Ends before it starts'), 'rule_violation', 422],
      [new ValidationError([fieldIssue('body.x', 'too_small', '太小', 'Too small')]), 'invalid_fields', 422],
      [badRequest('缺少文件', 'The file is missing'), 'bad_request', 400],
      [payloadTooLarge('分块过大', 'Chunk too large'), 'payload_too_large', 413],
      [unsupportedMediaType('不支持的类型', 'Unsupported type'), 'unsupported_media_type', 415],
    ];
    cases.forEach(([err], i) =>
      app.get(`/e${i}`, async () => {
        throw err;
      }),
    );
    for (const [i, [, code, status]] of cases.entries()) {
      const zh = await app.inject({ method: 'GET', url: `/e${i}` });
      const en = await app.inject({ method: 'GET', url: `/e${i}`, headers: { 'accept-language': 'en' } });
      expect([zh.statusCode, zh.json().code], code).toEqual([status, code]);
      expect((ERROR_STATUS as Record<string, number>)[code] ?? status).toBe(status);
      for (const body of [zh.json(), en.json()]) {
        expect(body.message, code).not.toMatch(/\{\w+\}/);
        expect(body.messageEn, code).not.toMatch(/\{\w+\}/);
      }
      expect(en.json().message).toBe(en.json().messageEn);
    }
    await app.close();
  });

  it('refuses to raise a taxonomy code with another status', () => {
    expect(() => new AppError(404, 'rule_violation', { reason: 'x', reasonEn: 'x' })).toThrow(/rule_violation is 422/);
    expect(() => new AppError(403, 'not_found')).toThrow(/not_found is 404/);
  });

  it('has a worded template for every taxonomy code', () => {
    for (const code of Object.keys(ERROR_STATUS)) {
      expect(formatMessage(code, {}, 'zh'), code).not.toBe(code);
      expect(formatMessage(code, {}, 'en'), code).not.toBe(code);
    }
  });

  it('raises every code in the source with one status only', () => {
    const raised = raisedInSource();
    expect(raised.length).toBeGreaterThan(40);
    const statusOf = new Map<string, Set<number>>();
    for (const r of raised) statusOf.set(r.code, (statusOf.get(r.code) ?? new Set()).add(r.status));
    for (const [code, statuses] of statusOf) {
      expect([...statuses], `${code} is raised with several statuses`).toHaveLength(1);
      const expected = (ERROR_STATUS as Record<string, number>)[code];
      expect(expected, `${code} is missing from ERROR_STATUS`).toBeDefined();
      expect([...statuses][0], code).toBe(expected);
    }
  });
});

describe('every route documents its error responses, and answers with them', () => {
  let t: TestApp;
  let admin: Client;
  type Operation = {
    responses: Record<
      string,
      { content?: { 'application/json'?: { schema?: { properties?: Record<string, unknown> } } } }
    >;
  };
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t.app);
    paths = JSON.parse((await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).body).paths;
  });
  afterAll(async () => {
    await t.close();
  });

  const taxonomyStatuses = new Set<number>(Object.values(ERROR_STATUS));
  const operations = () =>
    Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
  const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '987654');

  it('documents only taxonomy statuses, each with the error body', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(100);
    for (const { path, method, op } of ops) {
      const errors = Object.keys(op.responses)
        .map(Number)
        .filter((s) => s >= 400);
      expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const status of errors) {
        expect(taxonomyStatuses.has(status), `${method} ${path} documents ${status}`).toBe(true);
        const props = op.responses[String(status)]?.content?.['application/json']?.schema?.properties ?? {};
        expect(Object.keys(props), `${method} ${path} ${status}`).toEqual(
          expect.arrayContaining(['code', 'message', 'messageEn', 'details', 'requestId']),
        );
      }
    }
  });

  it('answers a stranger and an administrator on every route only with documented statuses and taxonomy codes', async () => {
    const seen = new Set<string>();
    for (const { path, method, op } of operations()) {
      if (path.startsWith('/api/v1/auth/oidc') || path.includes('/display/')) continue; // redirects to an identity provider / serves HTML
      const documented = new Set(Object.keys(op.responses).map(Number));
      const url = concrete(path);
      const body = ['POST', 'PATCH', 'PUT'].includes(method) ? {} : undefined;
      const stranger = await t.app.inject({ method: method as 'GET', url, ...(body ? { payload: body } : {}) });
      const asAdmin = await admin.request(method as 'GET', url, body);
      for (const res of [stranger, asAdmin]) {
        if (res.statusCode < 400) continue;
        const code = res.json().code as string;
        seen.add(code);
        expect(documented.has(res.statusCode), `${method} ${path} answered ${res.statusCode} ${code}`).toBe(true);
        const expected = (ERROR_STATUS as Record<string, number>)[code];
        if (expected !== undefined) expect(res.statusCode, `${method} ${path} ${code}`).toBe(expected);
      }
    }
    // the walk reached the common refusals, not only one of them
    expect([...seen]).toEqual(expect.arrayContaining(['unauthenticated', 'not_found', 'validation_failed']));
  });
});
