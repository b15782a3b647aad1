import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, staticCacheControl } from '../app.js';
import type { AppContext } from '../context.js';
import { buildAlliance, multipart, pdfBytes, photo } from '../modules/activities/activities.test-helpers.js';
import { SAMPLES, uploadFile, resourceBody } from '../modules/resources/resources.test-helpers.js';
import { HAINING } from '../test/factories.js';
import { ADMIN_PASSWORD, Client, createTestContext } from '../test/harness.js';
import { contentDisposition, encodeRfc5987, fileHeaders } from './file-response.js';

/**
 * What a browser sees of the server: security headers on the app, the API, files and the display
 * page; how stored files are handed out; and the refusal of state-changing requests from other sites.
 */
let ctx: AppContext & { cleanup: () => Promise<void> };
let app: FastifyInstance;
let framed: FastifyInstance;
let admin: Client;
let webRoot: string;
const HOST = '127.0.0.1:3000';
const SELF = `http://${HOST}`;
const PUBLIC = 'https://gongjin.example.gov.cn';
const SCREEN = 'https://screen.example.cn';

beforeAll(async () => {
  webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gongjin-web-'));
  fs.writeFileSync(
    path.join(webRoot, 'index.html'),
    '<!doctype html><html lang="zh-CN"><head><title>共进</title><script type="module" src="/assets/app.js"></script></head><body><div id="root"></div></body></html>',
  );
  fs.mkdirSync(path.join(webRoot, 'assets'));
  fs.writeFileSync(path.join(webRoot, 'assets/app.js'), 'console.log(1)');
  // the copies scripts/compress-web.mjs writes at build time
  fs.writeFileSync(path.join(webRoot, 'assets/app.js.br'), zlib.brotliCompressSync('console.log(1)'));
  fs.writeFileSync(path.join(webRoot, 'assets/app.js.gz'), zlib.gzipSync('console.log(1)'));
  // what vite-plugin-pwa builds: the service worker, its Workbox runtime, the manifest, the icons
  fs.writeFileSync(path.join(webRoot, 'sw.js'), 'importScripts("./workbox-1a2b3c4d.js")');
  fs.writeFileSync(path.join(webRoot, 'workbox-1a2b3c4d.js'), 'self.x = 1');
  fs.writeFileSync(path.join(webRoot, 'manifest.webmanifest'), JSON.stringify({ name: '共进', start_url: '/' }));
  fs.mkdirSync(path.join(webRoot, 'icons'));
  fs.writeFileSync(path.join(webRoot, 'icons/icon-192.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  ctx = await createTestContext();
  ctx.config.publicOrigins = [PUBLIC];
  app = await buildApp(ctx, { logger: false, webRoot });
  framed = await buildApp({ ...ctx, config: { ...ctx.config, frameAncestors: [SCREEN] } }, { logger: false, webRoot });
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'admin', password: ADMIN_PASSWORD },
  });
  admin = new Client(app, `gongjin_session=${res.cookies.find((c) => c.name === 'gongjin_session')!.value}`);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await framed?.close();
  await ctx?.cleanup();
  fs.rmSync(webRoot, { recursive: true, force: true });
});

/** The CSP as a map of directive → sources. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(header, `no CSP on ${res.raw.req.url}`).toBeTypeOf('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [k, ...v] = d.split(/\s+/);
        return [k!, v];
      }),
  );
}

async function displayToken(): Promise<string> {
  const res = await admin.post('/api/v1/dashboard/display-links', { label: '会议室大屏', regionCode: HAINING });
  expect(res.statusCode, res.body).toBe(201);
  return String(res.json().url).split('/').pop()!;
}

describe('security headers', () => {
  it('serves the app shell under a strict CSP with a fresh style nonce that the page can read', async () => {
    const a = await app.inject({ url: '/' });
    const b = await app.inject({ url: '/schools?page=2' }); // a client-side route gets the same shell
    for (const res of [a, b]) {
      expect(res.statusCode).toBe(200);
      const p = csp(res);
      expect(p.get('default-src')).toEqual(["'self'"]);
      expect(p.get('script-src')).toEqual(["'self'"]);
      expect(p.get('script-src-attr')).toEqual(["'none'"]);
      expect(p.get('object-src')).toEqual(["'none'"]);
      expect(p.get('frame-ancestors')).toEqual(["'none'"]);
      expect(p.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
      const nonce = /<meta name="csp-nonce" content="([^"]+)"/.exec(res.body)?.[1];
      expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
      expect(p.get('style-src')).toEqual(["'self'", `'nonce-${nonce}'`]);
      expect(String(res.headers['content-security-policy'])).not.toContain("'unsafe-eval'");
    }
    expect(csp(a).get('style-src')).not.toEqual(csp(b).get('style-src'));
  });

  it('puts nosniff, no-framing and a CSP on API answers, errors, assets and the docs', async () => {
    const answers = [
      await app.inject({ url: '/api/health' }),
      await app.inject({ url: '/api/v1/schools' }), // 401
      await app.inject({ url: '/api/v1/nothing-here' }), // 404
      await app.inject({ url: '/assets/app.js' }),
      await app.inject({ url: '/api/openapi.json' }),
    ];
    for (const res of answers) {
      expect(res.headers['x-content-type-options'], res.raw.req.url).toBe('nosniff');
      expect(res.headers['x-frame-options'], res.raw.req.url).toBe('DENY');
      expect(csp(res).get('frame-ancestors')).toEqual(["'none'"]);
    }
    const docs = await app.inject({ url: '/api/docs/' });
    const page = docs.statusCode === 302 ? await app.inject({ url: String(docs.headers.location) }) : docs;
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const p = csp(page);
    expect(p.get('script-src')).toEqual(["'self'"]);
    expect(p.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('sends the precompressed copy a browser accepts, with the file’s type and caching', async () => {
    const br = await app.inject({ url: '/assets/app.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toContain('immutable');
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe('console.log(1)');
    const gz = await app.inject({ url: '/assets/app.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({ url: '/assets/app.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('console.log(1)');
    // a compressed service worker is still checked on every load
    expect(staticCacheControl(path.join(webRoot, 'sw.js.br'))).toBe('no-cache');
  });

  it('serves the service worker and the manifest with their types, and never lets a browser keep an old sw.js', async () => {
    const sw = await app.inject({ url: '/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    // a cached sw.js would keep phones on an old app for a year: the browser asks every time
    expect(sw.headers['cache-control']).toBe('no-cache');
    const manifest = await app.inject({ url: '/manifest.webmanifest' });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(manifest.headers['cache-control']).toBe('no-cache');
    // hashed files (assets, the Workbox runtime) are kept; an icon's name has no hash: a day
    expect((await app.inject({ url: '/assets/app.js' })).headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/workbox-1a2b3c4d.js' })).headers['cache-control']).toContain('immutable');
    const icon = await app.inject({ url: '/icons/icon-192.png' });
    expect(icon.headers['content-type']).toBe('image/png');
    expect(icon.headers['cache-control']).toBe('public, max-age=86400');
    // the app's policy lets it register its own worker and read its own manifest
    const p = csp(await app.inject({ url: '/' }));
    expect(p.get('worker-src')).toContain("'self'");
    expect(p.get('manifest-src')).toEqual(["'self'"]);
  });

  it('lets nobody frame the display page unless GONGJIN_FRAME_ANCESTORS names them, and runs it without script', async () => {
    const token = await displayToken();
    const closed = await app.inject({ url: `/display/${token}` });
    expect(closed.statusCode).toBe(200);
    expect(closed.body).toContain('数据大屏');
    expect(closed.headers['x-frame-options']).toBe('DENY');
    expect(closed.headers['x-content-type-options']).toBe('nosniff');
    expect(csp(closed).get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp(closed).get('default-src')).toEqual(["'none'"]);
    expect(csp(closed).has('script-src')).toBe(false); // default-src 'none' forbids every script

    const open = await framed.inject({ url: `/display/${token}` });
    expect(open.statusCode).toBe(200);
    expect(csp(open).get('frame-ancestors')).toEqual([SCREEN]);
    expect(open.headers['x-frame-options']).toBeUndefined();
    expect(open.headers['x-content-type-options']).toBe('nosniff');
    // the configured origins may frame the display page only, never the app
    const shell = await framed.inject({ url: '/' });
    expect(shell.headers['x-frame-options']).toBe('DENY');
    expect(csp(shell).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('reads GONGJIN_FRAME_ANCESTORS and GONGJIN_PUBLIC_ORIGIN as lists of origins and refuses anything else', async () => {
    const { loadConfig } = await import('../config.js');
    const c = loadConfig({
      GONGJIN_FRAME_ANCESTORS: 'https://screen.example.cn, http://10.1.2.3:8080/',
      GONGJIN_PUBLIC_ORIGIN: 'https://Gongjin.Example.gov.cn',
    });
    expect(c.frameAncestors).toEqual(['https://screen.example.cn', 'http://10.1.2.3:8080']);
    expect(c.publicOrigins).toEqual(['https://gongjin.example.gov.cn']);
    expect(loadConfig({}).frameAncestors).toEqual([]);
    expect(() => loadConfig({ GONGJIN_FRAME_ANCESTORS: "'self' *" })).toThrow(/GONGJIN_FRAME_ANCESTORS/);
    expect(() => loadConfig({ GONGJIN_PUBLIC_ORIGIN: 'https://gongjin.example.gov.cn/app' })).toThrow(
      /GONGJIN_PUBLIC_ORIGIN/,
    );
  });
});

describe('stored files', () => {
  let activityId = 0;
  let w: Awaited<ReturnType<typeof buildAlliance>>;
  beforeAll(async () => {
    w = await buildAlliance(ctx.db);
    const res = await admin.post('/api/v1/activities', {
      kind: 'culture',
      communityId: w.community.id,
      organizerSchoolId: w.core.id,
      title: '主题活动',
      startsAt: '2025-12-01T14:00:00+08:00',
      endsAt: '2025-12-01T16:00:00+08:00',
      teacherCount: 3,
      details: { format: 'party', theme: '教育家精神' },
    });
    expect(res.statusCode, res.body).toBe(201);
    activityId = res.json().id;
  });
  const uploadEvidence = async (name: string, data: Buffer) => {
    const m = multipart(name, data);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/activities/${activityId}/attachments`,
      payload: m.payload,
      headers: { ...m.headers, cookie: admin.cookie },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as number;
  };
  const expectFileHeaders = (
    res: LightMyRequestResponse,
    type: string,
    kind: 'inline' | 'attachment',
    name: string,
  ) => {
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`^${kind}; filename="[\\x20-\\x7e]+"; filename\\*=UTF-8''`),
    );
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeRfc5987(name)}`);
    const p = csp(res);
    expect(p.get('default-src')).toEqual(["'none'"]);
    expect(p.has('script-src')).toBe(false);
    expect(p.get('frame-ancestors')).toEqual(kind === 'inline' ? ["'self'"] : ["'none'"]);
    expect(res.headers['x-frame-options']).toBe(kind === 'inline' ? 'SAMEORIGIN' : 'DENY');
  };

  it('previews photos and PDFs inline with their checked type, and downloads them on request', async () => {
    const photoId = await uploadEvidence('活动合影(1).jpg', await photo());
    expectFileHeaders(
      await admin.get(`/api/v1/activity-attachments/${photoId}/file`),
      'image/jpeg',
      'inline',
      '活动合影(1).jpg',
    );
    expectFileHeaders(
      await admin.get(`/api/v1/activity-attachments/${photoId}/thumb`),
      'image/jpeg',
      'inline',
      '活动合影(1).jpg',
    );
    expectFileHeaders(
      await admin.get(`/api/v1/activity-attachments/${photoId}/file?download=1`),
      'image/jpeg',
      'attachment',
      '活动合影(1).jpg',
    );
    const pdfId = await uploadEvidence('方案 终稿(2).pdf', pdfBytes());
    expectFileHeaders(
      await admin.get(`/api/v1/activity-attachments/${pdfId}/file`),
      'application/pdf',
      'inline',
      '方案 终稿(2).pdf',
    );
  });

  it('serves support-ledger evidence the same way', async () => {
    const entry = await admin.post('/api/v1/support-ledger', {
      communityId: w.community.id,
      recipientSchoolId: w.m1.id,
      donorType: 'core_school',
      donorSchoolId: w.core.id,
      givenOn: '2025-10-08',
      category: 'books',
      item: '课外读物',
      quantity: 200,
      unit: '册',
      valueYuan: 6500,
    });
    expect(entry.statusCode, entry.body).toBe(201);
    const m = multipart('捐赠清单.pdf', pdfBytes());
    const up = await app.inject({
      method: 'POST',
      url: `/api/v1/support-ledger/${entry.json().id}/evidence`,
      payload: m.payload,
      headers: { ...m.headers, cookie: admin.cookie },
    });
    expect(up.statusCode, up.body).toBe(201);
    expectFileHeaders(
      await admin.get(`/api/v1/support-ledger/${entry.json().id}/evidence`),
      'application/pdf',
      'inline',
      '捐赠清单.pdf',
    );
  });

  it('never shows an Office file or a text file inline, whatever the request asks', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('s').addRow(['a']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const id = await uploadEvidence('签到表.xlsx', xlsx);
    expectFileHeaders(
      await admin.get(`/api/v1/activity-attachments/${id}/file`),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'attachment',
      '签到表.xlsx',
    );

    // a "text" resource whose content is HTML: served as text/plain, attachment, nosniff
    const uploadId = await uploadFile(
      app,
      admin,
      'notes.txt',
      'text/plain',
      Buffer.from('<html><script>alert(document.cookie)</script></html>'),
    );
    const created = await admin.post(
      '/api/v1/resources',
      resourceBody({
        title: '备注',
        schoolId: w.core.id,
        communityId: null,
        visibility: 'region',
        uploadId,
        url: undefined,
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    expectFileHeaders(
      await admin.get(`/api/v1/resources/${created.json().id}/file`),
      'text/plain',
      'attachment',
      'notes.txt',
    );

    // a resource PDF previews inline (the preview iframe), a video plays inline
    const pdfUpload = await uploadFile(app, admin, '课件.pdf', 'application/pdf', SAMPLES.pdf());
    const pdf = await admin.post(
      '/api/v1/resources',
      resourceBody({
        title: '课件',
        schoolId: w.core.id,
        communityId: null,
        visibility: 'region',
        uploadId: pdfUpload,
        url: undefined,
      }),
    );
    expectFileHeaders(
      await admin.get(`/api/v1/resources/${pdf.json().id}/file`),
      'application/pdf',
      'inline',
      '课件.pdf',
    );
    expectFileHeaders(
      await admin.get(`/api/v1/resources/${pdf.json().id}/file?download=true`),
      'application/pdf',
      'attachment',
      '课件.pdf',
    );
  });

  it('never previews HTML or SVG inline, and encodes names per RFC 5987', () => {
    for (const mime of [
      'text/html',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/xml',
      'text/plain',
      'application/octet-stream',
      'text/html; charset=utf-8',
      'image/png\r\nx-evil: 1',
      '',
    ]) {
      const h = fileHeaders({ mime, fileName: 'x', inline: true });
      expect(h['content-disposition'], mime).toMatch(/^attachment;/);
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['content-type']).toMatch(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/);
    }
    expect(fileHeaders({ mime: 'image/png\r\nx-evil: 1', fileName: 'x', inline: true })['content-type']).toBe(
      'application/octet-stream',
    );
    expect(contentDisposition('attachment', "教案(终稿)'v2'*.docx")).toBe(
      `attachment; filename="__(__)'v2'*.docx"; filename*=UTF-8''%E6%95%99%E6%A1%88%28%E7%BB%88%E7%A8%BF%29%27v2%27%2A.docx`,
    );
    expect(contentDisposition('inline', 'a"b\\c%20;d\r\n.pdf')).toBe(
      `inline; filename="a_b_c_20_d.pdf"; filename*=UTF-8''a%22b%5Cc%2520%3Bd.pdf`,
    );
  });
});

describe('cross-site requests', () => {
  const BODIES = {
    'multipart/form-data': () => multipart('x.jpg', Buffer.from('xx')),
    'application/x-www-form-urlencoded': () => ({
      payload: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    'text/plain': () => ({ payload: '{"username":"admin"}', headers: { 'content-type': 'text/plain' } }),
    'application/json': () => ({ payload: '{}', headers: { 'content-type': 'application/json' } }),
  } as const;
  const CROSS: Record<string, Record<string, string>> = {
    'another site': { origin: 'https://evil.example.com', 'sec-fetch-site': 'cross-site' },
    'a sibling origin of the same site': { origin: 'http://127.0.0.1:4000', 'sec-fetch-site': 'same-site' },
    'a foreign Origin from an older browser': { origin: 'https://evil.example.com' },
    'an opaque (null) Origin': { origin: 'null' },
    'a cross-site fetch without Origin': { 'sec-fetch-site': 'cross-site' },
  };
  const TARGETS = () => [
    { method: 'POST' as const, url: '/api/v1/auth/logout' },
    { method: 'POST' as const, url: `/api/v1/activities/1/attachments` },
    { method: 'POST' as const, url: '/api/v1/auth/login' },
    { method: 'PATCH' as const, url: '/api/v1/users/1' },
    { method: 'DELETE' as const, url: '/api/v1/schools/1' },
  ];

  it('refuses every state-changing request from another origin, whatever its content type, with a clear 403', async () => {
    const attachmentsBefore = await ctx.db
      .selectFrom('activity_attachments')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    for (const [who, headers] of Object.entries(CROSS)) {
      for (const [type, body] of Object.entries(BODIES)) {
        for (const target of TARGETS()) {
          const b = body();
          const res = await app.inject({
            ...target,
            payload: b.payload,
            headers: { ...b.headers, ...headers, host: HOST, cookie: admin.cookie },
          });
          expect(res.statusCode, `${who} ${type} ${target.method} ${target.url}: ${res.body}`).toBe(403);
          expect(res.json()).toMatchObject({ code: 'cross_origin_request' });
          expect(res.json().message).toContain('其他网站');
          expect(res.json().messageEn).toContain('another site');
        }
      }
    }
    // nothing happened: the session survived the refused logouts, no file was stored
    expect((await admin.get('/api/v1/auth/me')).statusCode).toBe(200);
    const attachmentsAfter = await ctx.db
      .selectFrom('activity_attachments')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(attachmentsAfter.n).toBe(attachmentsBefore.n);
  });

  it('lets the app itself, the configured public origin and non-browser clients through', async () => {
    const SAME: Record<string, Record<string, string>> = {
      'the app (fetch metadata)': { origin: SELF, 'sec-fetch-site': 'same-origin' },
      'the app behind a proxy that rewrote Host': { origin: PUBLIC, 'sec-fetch-site': 'same-origin' },
      'the app in an older browser': { origin: SELF },
      'the configured public origin without fetch metadata': { origin: PUBLIC },
      'a typed-in navigation': { 'sec-fetch-site': 'none' },
      'a script or curl (no browser headers)': {},
    };
    for (const [who, headers] of Object.entries(SAME)) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: ADMIN_PASSWORD },
        headers: { ...headers, host: HOST },
      });
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      const cookie = `gongjin_session=${res.cookies.find((c) => c.name === 'gongjin_session')!.value}`;
      const out = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { ...headers, host: HOST, cookie },
      });
      expect(out.statusCode, `${who}: ${out.body}`).toBe(204);
    }
    // a same-origin multipart upload is accepted
    const activity = await ctx.db.selectFrom('activities').select('id').executeTakeFirstOrThrow();
    const m = multipart('合影.jpg', await photo());
    const up = await app.inject({
      method: 'POST',
      url: `/api/v1/activities/${activity.id}/attachments`,
      payload: m.payload,
      headers: { ...m.headers, origin: SELF, 'sec-fetch-site': 'same-origin', host: HOST, cookie: admin.cookie },
    });
    expect(up.statusCode, up.body).toBe(201);
    // reading is never refused: links from other sites still open pages and files
    const read = await app.inject({
      url: '/api/health',
      headers: { origin: 'https://evil.example.com', 'sec-fetch-site': 'cross-site', host: HOST },
    });
    expect(read.statusCode).toBe(200);
  });
});
