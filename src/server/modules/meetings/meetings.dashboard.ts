import { label } from '../../../shared/dashboard.schemas.js';
import { RemindersService } from './reminders.service.js';
import type { AlertSource } from '../../contracts/dashboard-panel.js';

/**
 * Alerts from the meetings module's reminder rules: communities that have not met within six
 * months, minutes waiting for a principal's co-signature, action items past their due date.
 */
const meetings: AlertSource = {
  key: 'meetings.reminders',
  module: 'meetings',
  // which communities are active, their members and principals
  alsoReads: ['registry'],
  async load(ctx) {
    const r = await new RemindersService(ctx.db).get(ctx.actor, {
      activeOnly: true,
      asOf: ctx.today,
      ...(ctx.scope.communityId ? { communityId: ctx.scope.communityId } : {}),
    });
    return [
      ...r.meetingsDue.map((d) => ({
        key: `meetingDue-${d.communityId}`,
        kind: 'meetingOverdue',
        kindLabel: label('联席会议逾期', 'Joint meeting overdue'),
        severity: d.daysSince === null || d.daysSince > 240 ? ('high' as const) : ('medium' as const),
        title: d.lastMeetingAt ? `已 ${d.daysSince} 天未召开联席会议` : '尚未召开过联席会议',
        titleEn: d.lastMeetingAt ? `No joint meeting for ${d.daysSince} days` : 'No joint meeting held yet',
        owner: null,
        communityId: d.communityId,
        communityName: d.communityName,
        link: `/meetings?communityId=${d.communityId}`,
        since: d.lastMeetingAt,
      })),
      ...r.pendingSignatures.map((p) => ({
        key: `signature-${p.meetingId}-${p.revision}-${p.schoolId}`,
        kind: 'signaturePending',
        kindLabel: label('会议纪要待会签', 'Minutes awaiting signature'),
        severity: p.daysWaiting > 14 ? ('high' as const) : ('low' as const),
        title: `${p.meetingTitle}：${p.schoolName} 待会签（${p.daysWaiting} 天）`,
        titleEn: `${p.meetingTitle}: ${p.schoolName} to sign (${p.daysWaiting} days)`,
        owner: p.signerName,
        communityId: p.communityId,
        communityName: p.communityName,
        link: `/meetings/${p.meetingId}`,
        since: p.circulatedAt,
      })),
      ...r.overdueItems.map((o) => ({
        key: `actionItem-${o.id}`,
        kind: 'actionItemOverdue',
        kindLabel: label('决议事项逾期', 'Action item overdue'),
        severity: o.daysOverdue > 30 ? ('high' as const) : ('medium' as const),
        title: `${o.title}（逾期 ${o.daysOverdue} 天）`,
        titleEn: `${o.title} (${o.daysOverdue} days overdue)`,
        owner: o.ownerName,
        communityId: o.communityId,
        communityName: o.communityName,
        link: `/meetings/${o.meetingId}`,
        since: o.dueDate,
      })),
    ];
  },
};

export const meetingsAlerts: AlertSource[] = [meetings];
