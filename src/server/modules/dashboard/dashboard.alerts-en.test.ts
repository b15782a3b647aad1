import { describe, expect, it, vi } from 'vitest';
import { ACTIVITY_KINDS } from '../../../shared/activities.schemas.js';
import type { PanelContext } from '../../contracts/dashboard-panel.js';
import { modules } from '../index.js';

/**
 * Every alert source writes its title in English too: the English dashboard shows `titleEn`. The
 * sources' services are stood in for with one of each thing they report, named in Chinese as the
 * data is; the English title may quote those names, and nothing else in it is Chinese.
 */
const NAMES = ['共进学校', '甲乙教共体', '联席会议第一次', '完善听课制度', '张老师', '李老师', '王校长'];

vi.mock('../meetings/reminders.service.js', () => ({
  RemindersService: class {
    get() {
      return Promise.resolve({
        asOf: '2026-12-05',
        meetingsDue: [
          { communityId: 1, communityName: '甲乙教共体', lastMeetingAt: '2026-03-01', daysSince: 279 },
          { communityId: 2, communityName: '甲乙教共体', lastMeetingAt: null, daysSince: null },
        ],
        pendingSignatures: [
          {
            meetingId: 3,
            meetingTitle: '联席会议第一次',
            communityId: 1,
            communityName: '甲乙教共体',
            revision: 1,
            schoolId: 4,
            schoolName: '共进学校',
            signerName: '王校长',
            circulatedAt: '2026-11-01T00:00:00Z',
            daysWaiting: 34,
          },
        ],
        overdueItems: [
          {
            id: 5,
            meetingId: 3,
            title: '完善听课制度',
            communityId: 1,
            communityName: '甲乙教共体',
            ownerName: '王校长',
            dueDate: '2026-11-01',
            daysOverdue: 34,
          },
        ],
      });
    }
  },
}));
vi.mock('../exchange/mentorships.service.js', () => ({
  MentorshipsService: class {
    list() {
      return Promise.resolve({
        items: [
          {
            id: 6,
            mentorName: '张老师',
            mentorSchoolName: '共进学校',
            apprenticeName: '李老师',
            monthsMet: 1,
            monthsJudged: 3,
            complianceRate: 0.33,
            communityId: 1,
            communityName: '甲乙教共体',
            signedOn: '2026-09-01',
          },
        ],
      });
    }
  },
}));
vi.mock('../activities/plans.service.js', () => ({
  PlansService: class {
    reminders() {
      return Promise.resolve(
        ACTIVITY_KINDS.flatMap((kind) =>
          [null, '共进学校'].map((schoolName) => ({
            planId: 7,
            kind,
            schoolName,
            month: '2026-11',
            grade: null,
            subject: null,
            due: 4,
            done: 1,
            missing: 3,
            communityId: 1,
            communityName: '甲乙教共体',
            semester: '2026-2027-1',
          })),
        ),
      );
    }
  },
}));

const ctx = {
  db: null,
  actor: null,
  scope: { view: 'region', regionCode: '330481', communityId: null, schoolId: null },
  filters: {},
  today: '2026-12-05',
} as unknown as PanelContext;

describe('alert titles in English', () => {
  const sources = modules.flatMap((m) => m.dashboard?.alerts ?? []);

  it('covers every alert source of the installed modules', () => {
    // a new source: stand in for its service above, so its English title is checked too
    expect(sources.map((s) => s.key).sort()).toEqual([
      'activities.behindPlan',
      'exchange.mentorsBehind',
      'meetings.reminders',
    ]);
  });

  it.each(sources.map((s) => [s.key, s] as const))('%s: every alert has an English title', async (_key, source) => {
    const alerts = await source.load(ctx);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a.titleEn, a.title).toBeTruthy();
      const words = NAMES.reduce((s, n) => s.split(n).join(''), a.titleEn);
      expect(words, a.titleEn).not.toMatch(/\p{Script=Han}/u);
      // the names the Chinese title quotes are in the English one too
      for (const n of NAMES) if (a.title.includes(n)) expect(a.titleEn, a.title).toContain(n);
    }
  });
});
