import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobKind } from '../../contracts/job.js';
import { buildSchool, buildUser, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type TestApp } from '../../test/harness.js';
import { enqueueJob } from '../jobs/index.js';
import { JobWorker } from '../jobs/worker.js';
import { notify } from './index.js';
import { deliverNotifications } from './notifications.deliver.js';

/**
 * Delivery against real receivers on random local ports: an SMTP server (smtp-server), a DingTalk
 * robot that checks the signature as DingTalk does, and a WeCom robot. Each can be told to refuse
 * or to never answer, to prove a failure is recorded, retried by the queue and finally delivered.
 */
const SECRET = 'SEC-test-secret-0123456789';
// the hung robot costs one wait of this long; an answering receiver on a loaded machine must never
// come near it (500 ms failed two tests on a machine with a load average of 8)
const TIMEOUT_MS = 5000;

interface Mail {
  to: string[];
  raw: string;
  subject: string;
  text: string;
}
const mails: Mail[] = [];
let smtpRefuses = false;
const robots = { dingtalk: [] as Record<string, unknown>[], wecom: [] as Record<string, unknown>[] };
let dingtalkMode: 'ok' | 'hang' = 'ok';
let wecomMode: 'ok' | 'errcode' = 'ok';

/** RFC 2047 words (=?UTF-8?B?…?=) and folded lines, as nodemailer writes Chinese subjects. */
function decodeHeader(v: string): string {
  return v
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}
function parseMail(raw: string, to: string[]): Mail {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const header = (name: string) => new RegExp(`^${name}:(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            body
              .replace(/=\r?\n/g, '')
              .replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : body;
  return { to, raw, subject: decodeHeader(header('Subject')), text };
}

const smtp = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  onRcptTo(address, _session, cb) {
    if (smtpRefuses) {
      const err = new Error('mailbox unavailable, try later') as Error & { responseCode: number };
      err.responseCode = 450;
      return cb(err);
    }
    cb();
  },
  onData(stream, session, cb) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      mails.push(
        parseMail(
          Buffer.concat(chunks).toString('utf8'),
          session.envelope.rcptTo.map((r) => r.address),
        ),
      );
      cb();
    });
  },
});

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>));
    req.on('error', reject);
  });
}
const reply = (res: http.ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** Checks the signature as DingTalk does: HMAC-SHA256(secret, timestamp + "\n" + secret), base64. */
const dingtalk = http.createServer((req, res) => {
  void readJson(req).then((body) => {
    if (dingtalkMode === 'hang') return; // never answers
    const url = new URL(req.url ?? '/', 'http://x');
    const timestamp = url.searchParams.get('timestamp') ?? '';
    const given = Buffer.from(url.searchParams.get('sign') ?? '', 'base64');
    const expected = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest();
    const valid =
      url.searchParams.get('access_token') === 'ding-token' &&
      given.length === expected.length &&
      timingSafeEqual(given, expected);
    if (!valid) return reply(res, 200, { errcode: 310000, errmsg: 'sign not match' });
    robots.dingtalk.push(body);
    reply(res, 200, { errcode: 0, errmsg: 'ok' });
  });
});
/** A WeCom group robot: the key in the URL, no signature. */
const wecom = http.createServer((req, res) => {
  void readJson(req).then((body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/cgi-bin/webhook/send' || url.searchParams.get('key') !== 'wecom-key')
      return reply(res, 200, { errcode: 93000, errmsg: 'invalid webhook url' });
    if (wecomMode === 'errcode') return reply(res, 200, { errcode: 45009, errmsg: 'api freq out of limit' });
    robots.wecom.push(body);
    reply(res, 200, { errcode: 0, errmsg: 'ok' });
  });
});

const listen = (s: { listen: (port: number, host: string, cb: () => void) => unknown }, addr: () => AddressInfo) =>
  new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve(addr().port)));

let t: TestApp;
/** 10:00 in Beijing; tests move it */
let clock = new Date('2026-11-10T02:00:00Z');
const users: Record<string, { id: number; username: string }> = {};

beforeAll(async () => {
  const smtpPort = await listen(smtp, () => smtp.server.address() as AddressInfo);
  const dingPort = await listen(dingtalk, () => dingtalk.address() as AddressInfo);
  const wecomPort = await listen(wecom, () => wecom.address() as AddressInfo);
  t = await createTestApp({
    now: () => clock,
    env: {
      GONGJIN_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      GONGJIN_SMTP_FROM: 'gongjin@bureau.example',
      GONGJIN_DINGTALK_WEBHOOK: `http://127.0.0.1:${dingPort}/robot/send?access_token=ding-token`,
      GONGJIN_DINGTALK_SECRET: SECRET,
      GONGJIN_WECOM_WEBHOOK: `http://127.0.0.1:${wecomPort}/cgi-bin/webhook/send?key=wecom-key`,
      GONGJIN_NOTIFY_TIMEOUT_MS: String(TIMEOUT_MS),
      GONGJIN_PUBLIC_URL: 'https://gongjin.example',
    },
  });
  const school = await buildSchool(t.ctx.db);
  users.x = await buildUser(t.ctx.db, 'school_admin', { kind: 'school', id: school.id });
  users.y = await buildUser(t.ctx.db, 'teacher', { kind: 'school', id: school.id });
  const kinds = ['minutes_signature', 'action_item_due'];
  const x = await login(t.app, users.x.username, USER_PASSWORD);
  expect(
    (
      await x.request('PUT', '/api/v1/notifications/preferences', {
        channels: [
          { channel: 'email', kinds, digest: 'immediate', address: 'principal@school.example' },
          { channel: 'dingtalk', kinds },
          { channel: 'wecom', kinds },
        ],
      })
    ).statusCode,
  ).toBe(200);
  const y = await login(t.app, users.y.username, USER_PASSWORD);
  expect(
    (
      await y.request('PUT', '/api/v1/notifications/preferences', {
        channels: [{ channel: 'email', kinds, digest: 'daily', address: 'teacher@school.example' }],
      })
    ).statusCode,
  ).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  for (const s of [dingtalk, wecom]) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const send = (userId: number, key: string, kind: 'minutes_signature' | 'action_item_due' = 'minutes_signature') =>
  notify(t.ctx.db, {
    userId,
    kind,
    dedupeKey: key,
    title: `纪要待签 ${key}`,
    titleEn: `Minutes to sign ${key}`,
    body: `请签署 ${key}`,
    bodyEn: `Please sign ${key}`,
    link: '/meetings/7',
  });
/** one delivery run on the queue, as the schedule would start it */
async function deliver() {
  await enqueueJob(t.ctx.db, deliverNotifications, {});
  await new JobWorker(t.ctx, [deliverNotifications] as JobKind<unknown>[]).drain();
}
const lastJob = () =>
  t.ctx.db
    .selectFrom('jobs')
    .select(['id', 'status', 'attempts', 'last_error'])
    .where('kind', '=', 'notifications.deliver')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
const deliveries = async (id: number) =>
  (
    await sql<{ channel: string; status: string; attempts: number; last_error: string | null }>`
    select channel, status, attempts, last_error from notification_deliveries where notification_id = ${id} order by channel`.execute(
      t.ctx.db,
    )
  ).rows;

describe('sending', () => {
  it('mails through SMTP and posts to a signed DingTalk robot and to a WeCom robot', async () => {
    const id = (await send(users.x!.id, 'ok-1'))!;
    await deliver();
    expect((await lastJob()).status).toBe('done');
    expect(await deliveries(id)).toEqual([
      { channel: 'dingtalk', status: 'sent', attempts: 1, last_error: null },
      { channel: 'email', status: 'sent', attempts: 1, last_error: null },
      { channel: 'wecom', status: 'sent', attempts: 1, last_error: null },
    ]);
    const mail = mails.find((m) => m.to.includes('principal@school.example'))!;
    expect(mail.subject).toBe('【共进】纪要待签 ok-1 / Minutes to sign ok-1');
    expect(mail.text).toContain('请签署 ok-1');
    expect(mail.text).toContain('https://gongjin.example/meetings/7');
    expect(mail.raw).toMatch(/^From: gongjin@bureau\.example/im);
    expect(robots.dingtalk).toEqual([
      {
        msgtype: 'markdown',
        markdown: {
          title: '【共进】纪要待签 ok-1 / Minutes to sign ok-1',
          text: expect.stringContaining('请签署 ok-1'),
        },
      },
    ]);
    expect(robots.wecom).toEqual([
      { msgtype: 'markdown', markdown: { content: expect.stringContaining('请签署 ok-1') } },
    ]);
  });

  it('a notification of a kind the user did not choose for a channel is not sent there', async () => {
    const before = mails.length;
    const id = (await notify(t.ctx.db, {
      userId: users.x!.id,
      kind: 'exchange_ending',
      dedupeKey: 'not-chosen',
      title: '交流即将结束',
      titleEn: 'Exchange ending',
      body: '…',
      bodyEn: '…',
    }))!;
    await deliver();
    expect(await deliveries(id)).toEqual([]);
    expect(mails.length).toBe(before);
  });
});

describe('the daily digest', () => {
  it('groups a user’s open notifications into one message, once a day', async () => {
    const a = (await send(users.y!.id, 'digest-a'))!;
    const b = (await send(users.y!.id, 'digest-b', 'action_item_due'))!;
    await deliver();
    const digests = mails.filter((m) => m.to.includes('teacher@school.example'));
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toBe('【共进】今日提醒 2 条 / 2 notifications today');
    expect(digests[0]!.text).toContain('请签署 digest-a');
    expect(digests[0]!.text).toContain('请签署 digest-b');
    expect((await deliveries(a))[0]!.status).toBe('sent');
    expect((await deliveries(b))[0]!.status).toBe('sent');

    // later the same day: kept for tomorrow's digest
    const c = (await send(users.y!.id, 'digest-c'))!;
    clock = new Date('2026-11-10T09:00:00Z');
    await deliver();
    expect((await lastJob()).status).toBe('done');
    expect((await deliveries(c))[0]!.status).toBe('pending');
    expect(mails.filter((m) => m.to.includes('teacher@school.example'))).toHaveLength(1);

    // next morning at 08:30 Beijing
    clock = new Date('2026-11-11T00:30:00Z');
    await deliver();
    expect((await deliveries(c))[0]!.status).toBe('sent');
    const next = mails.filter((m) => m.to.includes('teacher@school.example'));
    expect(next).toHaveLength(2);
    expect(next[1]!.subject).toBe('【共进】今日提醒 1 条 / 1 notifications today');
  });
});

describe('failures', () => {
  it('SMTP refusing, a robot that never answers and one answering an errcode: failed with the reason, then retried to success', async () => {
    smtpRefuses = true;
    dingtalkMode = 'hang';
    wecomMode = 'errcode';
    const sentBefore = { mails: mails.length, ding: robots.dingtalk.length, wecom: robots.wecom.length };
    const id = (await send(users.x!.id, 'fail-1'))!;
    await deliver();

    const job = await lastJob();
    expect(job.status).toBe('queued'); // the queue retries it
    expect(job.attempts).toBe(1);
    expect(job.last_error).toContain('450');
    expect(job.last_error).toContain(`no answer within ${TIMEOUT_MS} ms`);
    expect(job.last_error).toContain('errcode 45009');
    const failed = await deliveries(id);
    expect(failed.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['dingtalk', 'failed', 1],
      ['email', 'failed', 1],
      ['wecom', 'failed', 1],
    ]);
    expect(failed[0]!.last_error).toContain(`no answer within ${TIMEOUT_MS} ms`);
    expect(failed[1]!.last_error).toMatch(/mailbox unavailable/);
    expect(failed[2]!.last_error).toContain('api freq out of limit');

    // visible to the user
    const x = await login(t.app, users.x!.username, USER_PASSWORD);
    const mine = (await x.get('/api/v1/notifications')).json();
    const shown = mine.items.find((n: { id: number }) => n.id === id);
    expect(shown.deliveries.map((d: { status: string }) => d.status)).toEqual(['failed', 'failed', 'failed']);
    expect(shown.deliveries[1].lastError).toMatch(/mailbox unavailable/);

    // the receivers recover; the queue's retry (its back-off skipped) delivers
    smtpRefuses = false;
    dingtalkMode = 'ok';
    wecomMode = 'ok';
    await sql`update jobs set run_at = now() where status = 'queued'`.execute(t.ctx.db);
    await new JobWorker(t.ctx, [deliverNotifications] as JobKind<unknown>[]).drain();
    const retried = await t.ctx.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(retried).toEqual({ status: 'done', attempts: 2 });
    expect((await deliveries(id)).map((d) => [d.channel, d.status, d.attempts, d.last_error])).toEqual([
      ['dingtalk', 'sent', 2, null],
      ['email', 'sent', 2, null],
      ['wecom', 'sent', 2, null],
    ]);
    expect(mails.length).toBe(sentBefore.mails + 1);
    expect(robots.dingtalk.length).toBe(sentBefore.ding + 1);
    expect(robots.wecom.length).toBe(sentBefore.wecom + 1);
    expect(mails.at(-1)!.text).toContain('请签署 fail-1');
  });
});
