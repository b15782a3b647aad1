import { z } from 'zod';
import type { JobContext, JobKind } from '../../contracts/job.js';
import type { ExternalChannel } from '../../../shared/notifications.schemas.js';
import { dingtalkSender, emailSender, wecomSender, type Sender } from './notifications.channels.js';
import * as repo from './notifications.repo.js';
import { beijingDate, digestDue, digestMessage, singleMessage } from './notifications.rules.js';

/** At most this many deliveries per run; the next run takes the rest. */
const BATCH = 500;

function senders(ctx: JobContext): Partial<Record<ExternalChannel, Sender>> {
  const n = ctx.config.notify;
  const out: Partial<Record<ExternalChannel, Sender>> = {};
  if (n.smtp) out.email = emailSender(n.smtp, n.timeoutMs);
  if (n.dingtalk) out.dingtalk = dingtalkSender(n.dingtalk, n.timeoutMs, ctx.signal, ctx.now);
  if (n.wecom) out.wecom = wecomSender(n.wecom, n.timeoutMs, ctx.signal);
  return out;
}

/**
 * Sends what is not yet sent on the channels this deployment configured: each notification on its
 * own, or, for users who chose the daily digest, everything open as one message once a day. A
 * failed send is recorded on its deliveries (status failed, the reason) and the job then fails with
 * the reasons, so the queue retries it; nothing is dropped — a delivery leaves the open set only when
 * sent. Channels the deployment does not configure keep their deliveries pending.
 */
export async function deliverPending(ctx: JobContext): Promise<Record<string, number>> {
  const channels = senders(ctx);
  const now = ctx.now();
  const open = await repo.openDeliveries(ctx.db, Object.keys(channels), BATCH);
  const groups = new Map<string, repo.OpenDelivery[]>();
  for (const d of open) {
    const key = `${d.user_id}|${d.channel}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  const failures: string[] = [];
  let sent = 0;
  let waiting = 0;
  const baseUrl = ctx.config.publicUrl;
  try {
    for (const items of groups.values()) {
      if (ctx.signal.aborted) break;
      const first = items[0]!;
      const channel = first.channel as ExternalChannel;
      const sender = channels[channel]!;
      const attempt = async (ids: number[], send: () => Promise<void>) => {
        try {
          await send();
          await repo.recordDeliveryOutcome(ctx.db, channel, ids, null);
          sent += ids.length;
          return true;
        } catch (e) {
          const reason = `${channel} → ${first.display_name}: ${(e as Error).message}`.slice(0, 1000);
          await repo.recordDeliveryOutcome(ctx.db, channel, ids, reason);
          failures.push(reason);
          return false;
        }
      };
      if (first.digest === 'daily') {
        if (!digestDue(now, first.digest_sent_on)) {
          waiting += items.length;
          continue;
        }
        const ok = await attempt(
          items.map((d) => d.notification_id),
          () => sender.send(digestMessage(items.map(item), first.display_name, baseUrl), first.address),
        );
        if (ok) await repo.recordDigestSent(ctx.db, first.user_id, channel, beijingDate(now));
      } else {
        for (const d of items)
          await attempt([d.notification_id], () =>
            sender.send(singleMessage(item(d), d.display_name, baseUrl), d.address),
          );
      }
    }
  } finally {
    for (const s of Object.values(channels)) s.close();
  }
  if (failures.length) throw new Error(`${failures.length} delivery(ies) failed: ${failures.join('; ')}`);
  return { sent, waiting };
}

const item = (d: repo.OpenDelivery) => ({
  kind: d.kind,
  title: d.title,
  titleEn: d.title_en,
  body: d.body,
  bodyEn: d.body_en,
  link: d.link,
});

export const deliverNotifications: JobKind<Record<string, never>> = {
  name: 'notifications.deliver',
  payload: z.object({}).strict(),
  timeoutSeconds: 300,
  run: (_p, ctx) => deliverPending(ctx),
};
