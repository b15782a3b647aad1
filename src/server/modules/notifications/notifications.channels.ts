import type { Transporter } from 'nodemailer';
import { once } from '../../lazy.js';
import type { NotifyChannelsConfig } from '../../config.js';
import { dingtalkSignedUrl, type OutgoingMessage } from './notifications.rules.js';

/**
 * The network edge of the delivery job: one function per channel that sends one message or throws
 * with the reason (SMTP refusal, HTTP status, robot errcode, timeout). Nothing here touches the database.
 */
export interface Sender {
  send(message: OutgoingMessage, address: string | null): Promise<void>;
  close(): void;
}

function withTimeout(signal: AbortSignal, ms: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(ms)]);
}

/** POSTs JSON to a robot; fails on a timeout, a non-2xx answer or an errcode other than 0. */
async function postRobot(url: string, payload: unknown, signal: AbortSignal, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: withTimeout(signal, timeoutMs),
    });
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError' || err.name === 'AbortError')
      throw new Error(`no answer within ${timeoutMs} ms`, { cause: e });
    throw new Error(`request failed: ${err.message}`, { cause: e });
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  let body: { errcode?: number; errmsg?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`not a JSON answer: ${text.slice(0, 200)}`);
  }
  if (body.errcode !== undefined && body.errcode !== 0)
    throw new Error(`errcode ${body.errcode}: ${body.errmsg ?? ''}`);
}

export function emailSender(smtp: NonNullable<NotifyChannelsConfig['smtp']>, timeoutMs: number): Sender {
  // nodemailer is loaded when the first e-mail goes out, not at start-up
  let transport: Transporter | undefined;
  const open = once(async () => {
    const nodemailer = (await import('nodemailer')).default;
    transport = nodemailer.createTransport(smtp.url, {
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    return transport;
  });
  return {
    async send(m, address) {
      if (!address) throw new Error('no e-mail address chosen');
      await (await open()).sendMail({ from: smtp.from, to: address, subject: m.subject, text: m.text });
    },
    close: () => transport?.close(),
  };
}

export function dingtalkSender(
  cfg: NonNullable<NotifyChannelsConfig['dingtalk']>,
  timeoutMs: number,
  signal: AbortSignal,
  now: () => Date,
): Sender {
  return {
    send: (m) =>
      postRobot(
        dingtalkSignedUrl(cfg.webhook, cfg.secret, now().getTime()),
        { msgtype: 'markdown', markdown: { title: m.subject, text: m.markdown } },
        signal,
        timeoutMs,
      ),
    close: () => undefined,
  };
}

export function wecomSender(
  cfg: NonNullable<NotifyChannelsConfig['wecom']>,
  timeoutMs: number,
  signal: AbortSignal,
): Sender {
  return {
    send: (m) => postRobot(cfg.webhook, { msgtype: 'markdown', markdown: { content: m.markdown } }, signal, timeoutMs),
    close: () => undefined,
  };
}
