import { describe, expect, it } from 'vitest';
import { exchangeSettings, type ExchangeSettingsInput } from '../../../shared/planner.schemas.js';
import { exchangeKind, shortagesOf, supplyOf, type StaffedSchool, type StaffTeacher } from './exchange.rules.js';
import { matchExchanges } from './exchange.match.js';

let tid = 0;
const teacher = (subject: string, major: string | null = subject, o: Partial<StaffTeacher> = {}): StaffTeacher => ({
  id: ++tid,
  name: `T${tid}`,
  subjects: [subject],
  majorSubject: major,
  posts: ['teacher'],
  honours: [],
  ...o,
});
const school = (
  id: number,
  lng: number,
  classes: number,
  teachers: StaffTeacher[],
  o: Partial<StaffedSchool> = {},
): StaffedSchool => ({
  id,
  name: `S${id}`,
  level: 'primary',
  classes,
  latitude: 30.5,
  longitude: 120 + lng,
  regionCode: '330481',
  teachers,
  ...o,
});
const settings = (s: ExchangeSettingsInput = {}) => exchangeSettings.parse({ subjects: ['english', 'music'], ...s });

describe('exchange rules', () => {
  it.each([
    {
      name: 'no English teacher',
      teachers: [teacher('chinese')],
      expect: [{ subject: 'english', reason: 'no_teacher', slotsNeeded: 2 }],
    },
    {
      name: 'English taught by a Chinese major (非专业代课)',
      teachers: [teacher('english', 'chinese')],
      expect: [{ subject: 'english', reason: 'non_specialist', slotsNeeded: 2 }],
    },
    { name: 'a specialist: no shortage', teachers: [teacher('english')], expect: [] },
  ])('$name', ({ teachers, expect: expected }) => {
    expect(shortagesOf(school(1, 0, 6, teachers), ['english'])).toEqual(expected);
  });

  it("spare specialists are those above the school's own need, never school leaders", () => {
    // 24 classes × 2 English periods ÷ 16 = 3 needed of 5 specialists: 2 spare, the principal never among them
    const star = teacher('english', 'english', { honours: ['backbone_county'] });
    const s = school(1, 0, 24, [
      teacher('english'),
      teacher('english'),
      teacher('english'),
      star,
      teacher('english', 'english', { posts: ['principal'] }),
    ]);
    const [supply] = supplyOf(s, ['english'], { periodsPerTeacher: 16, slotsPerTeacher: 2 });
    expect(supply).toMatchObject({ subject: 'english', spareTeachers: 2, slots: 4 });
    expect(supply!.candidates[0]!.id).toBe(star.id); // the backbone teacher first
  });

  it('support teaching for most of a week, itinerant otherwise', () => {
    expect(exchangeKind(5, 4)).toBe('support_teaching');
    expect(exchangeKind(1, 4)).toBe('itinerant');
  });
});

describe('matchExchanges', () => {
  // 12 classes need 2 English and 2 music specialists of their own (12 × 2 ÷ 16)
  const strongNear = () =>
    school(10, 0.05, 12, [
      teacher('english'),
      teacher('english'),
      teacher('english'),
      teacher('english'),
      teacher('music'),
      teacher('music'),
      teacher('music'),
    ]);
  const strongFar = () => school(11, 0.3, 12, [teacher('english'), teacher('english'), teacher('english')]);

  it('covers shortages from the nearest spare teachers within the travel limit', () => {
    const rural = school(1, 0, 6, [teacher('chinese')]);
    const r = matchExchanges({ receivers: [rural], senders: [strongNear(), strongFar()] }, settings());
    expect(r.status).toBe('optimal');
    const english = r.assignments.find((a) => a.subject === 'english')!;
    expect(english).toMatchObject({ supplierSchoolId: 10, slots: 2, kind: 'itinerant', why: { code: 'nearest' } });
    expect(r.totals).toMatchObject({ shortageSlots: 4, matchedSlots: 4 });
  });

  it('maximises covered days first, then distance', () => {
    // two rural schools need English; the near supplier has 2 days (1 spare teacher × 2), the far one 2 more
    const a = school(1, 0.04, 6, [teacher('chinese')]);
    const b = school(2, 0.06, 6, [teacher('chinese')]);
    const near = school(10, 0.05, 12, [teacher('english'), teacher('english'), teacher('english')]);
    const far = school(11, 0.5, 12, [teacher('english'), teacher('english'), teacher('english')]);
    const r = matchExchanges(
      { receivers: [a, b], senders: [near, far] },
      settings({ subjects: ['english'], maxDistanceKm: 100 }),
    );
    expect(r.totals.matchedSlots).toBe(4);
    expect(r.assignments.map((x) => x.supplierSchoolId).sort()).toEqual([10, 11]);
    expect(r.assignments.find((x) => x.supplierSchoolId === 11)?.why.code).toBe('capacity');
  });

  it('says why a shortage stays open, and obeys locks and forbidden pairs', () => {
    const rural = school(1, 0, 6, [teacher('chinese')]);
    const tooFar = matchExchanges(
      { receivers: [rural], senders: [strongFar()] },
      settings({ subjects: ['english'], maxDistanceKm: 5 }),
    );
    expect(tooFar.shortages[0]).toMatchObject({ slotsMatched: 0, unmatchedReason: 'no_supply_in_range' });
    const forbidden = matchExchanges(
      { receivers: [rural], senders: [strongNear()] },
      settings({ subjects: ['english'], forbidden: [{ shortageKey: '1:english', supplierSchoolId: 10 }] }),
    );
    expect(forbidden.shortages[0]!.unmatchedReason).toBe('all_forbidden');
    const locked = matchExchanges(
      { receivers: [rural], senders: [strongNear(), strongFar()] },
      settings({ subjects: ['english'], locks: [{ shortageKey: '1:english', supplierSchoolId: 11 }] }),
    );
    expect(locked.assignments[0]).toMatchObject({ supplierSchoolId: 11, locked: true, why: { code: 'locked' } });
  });
});
