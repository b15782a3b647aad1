import { describe, expect, it } from 'vitest';
import { schoolYearOfDate as schoolYearOf } from '../../../shared/beijing-time.js';
import {
  computeHours,
  itinerantHours,
  postingHours,
  schoolDaysBetween,
  weekdayOccurrences,
} from '../../../shared/exchange.hours.js';
import { ageAt, cycleWindow, dueState, isSubject, type CycleRule } from './exchange.due.js';
import { directionOf, fullTimeOverlap, honourLevel, promotionCredit, timetableProblems } from './exchange.rules.js';
import { compliance } from './mentorship.compliance.js';
import { belowFloor, share, shares } from './structure.rules.js';

describe('school days and hours', () => {
  it.each([
    ['a Mon–Fri week across 29 Feb 2024', '2024-02-26', '2024-03-01', 5],
    ['28 Feb – 1 Mar in a leap year (Wed, Thu 29th, Fri)', '2024-02-28', '2024-03-01', 3],
    ['28 Feb – 1 Mar in a common year (Tue, Wed)', '2023-02-28', '2023-03-01', 2],
    ['February 2024 has 21 school days (29 days)', '2024-02-01', '2024-02-29', 21],
    ['February 2023 has 20 school days', '2023-02-01', '2023-02-28', 20],
    ['school year 2024–2025 (365 days, Sunday to Sunday)', '2024-09-01', '2025-08-31', 260],
    ['school year 2023–2024 (366 days, leap)', '2023-09-01', '2024-08-31', 261],
    ['a weekend only', '2025-11-22', '2025-11-23', 0],
    ['one Monday', '2025-11-24', '2025-11-24', 1],
    ['end before start', '2025-11-28', '2025-11-24', 0],
  ])('%s', (_, start, end, days) => {
    expect(schoolDaysBetween(start, end)).toBe(days);
  });

  it('counts a weekday in a range', () => {
    expect(weekdayOccurrences('2025-09-01', '2026-01-16', 5)).toBe(20); // Fridays of the autumn term
    expect(weekdayOccurrences('2025-09-06', '2025-09-06', 6)).toBe(1);
    expect(weekdayOccurrences('2025-09-01', '2025-09-04', 5)).toBe(0);
  });

  it.each([
    ['full-time week, 8-hour day', '2024-02-26', '2024-03-01', 8, 1, 40],
    ['part-time half days', '2024-02-26', '2024-03-01', 8, 0.5, 20],
    ['leap-day span, 6-hour day, 0.5', '2024-02-28', '2024-03-01', 6, 0.5, 9],
    ['a leap school year full-time', '2023-09-01', '2024-08-31', 8, 1, 2088],
    ['a third of a day rounds to cents', '2025-11-24', '2025-11-26', 7, 1 / 3, 7],
  ])('%s', (_, start, end, dayHours, fraction, hours) => {
    expect(postingHours(start, end, dayHours, fraction)).toBe(hours);
  });

  it('itinerant hours are slots × the weeks they recur', () => {
    // every Friday 13:30–15:00 of the autumn term: 20 Fridays × 1.5 h
    expect(itinerantHours('2025-09-01', '2026-01-16', [{ weekday: 5, startTime: '13:30', endTime: '15:00' }])).toBe(30);
    // plus Tuesday 08:00–08:40 (40 min) over the same dates: 20 Tuesdays
    expect(
      itinerantHours('2025-09-01', '2026-01-16', [
        { weekday: 5, startTime: '13:30', endTime: '15:00' },
        { weekday: 2, startTime: '08:00', endTime: '08:40' },
      ]),
    ).toBe(43.33);
  });

  it('computes per kind', () => {
    const base = {
      workload: 'full_time' as const,
      partTimeFraction: null,
      startDate: '2024-02-26',
      endDate: '2024-03-01',
      dayHours: 8,
      slots: [],
      sessionHours: [],
    };
    expect(computeHours({ ...base, kind: 'support_teaching' })).toBe(40);
    expect(computeHours({ ...base, kind: 'rotation', workload: 'part_time', partTimeFraction: 0.25 })).toBe(10);
    expect(computeHours({ ...base, kind: 'send_lesson', sessionHours: [2, 1.5] })).toBe(3.5);
    expect(
      computeHours({ ...base, kind: 'itinerant', slots: [{ weekday: 3, startTime: '09:00', endTime: '10:00' }] }),
    ).toBe(1);
  });

  it.each([
    ['2025-09-01', 2025],
    ['2026-08-31', 2025],
    ['2026-01-15', 2025],
    ['2026-11-23', 2026],
  ])('%s is in school year %i', (d, y) => {
    expect(schoolYearOf(d)).toBe(y);
  });
});

describe('full-time overlap', () => {
  const a = (id: number, startDate: string, endDate: string, workload = 'full_time', status = 'active') => ({
    id,
    startDate,
    endDate,
    workload,
    status,
  });
  it.each([
    ['overlapping full-time postings', a(0, '2025-09-01', '2026-01-31'), [a(1, '2026-01-01', '2026-07-15')], 1],
    ['touching on one day', a(0, '2025-09-01', '2026-01-31'), [a(1, '2026-01-31', '2026-07-15')], 1],
    ['back to back', a(0, '2025-09-01', '2026-01-31'), [a(1, '2026-02-01', '2026-07-15')], null],
    ['the other is part-time', a(0, '2025-09-01', '2026-01-31'), [a(1, '2025-10-01', '2025-12-31', 'part_time')], null],
    [
      'the candidate is part-time',
      a(0, '2025-09-01', '2026-01-31', 'part_time'),
      [a(1, '2025-10-01', '2025-12-31')],
      null,
    ],
    [
      'the other was cancelled',
      a(0, '2025-09-01', '2026-01-31'),
      [a(1, '2025-10-01', '2025-12-31', 'full_time', 'cancelled')],
      null,
    ],
    ['itself (an edit)', a(1, '2025-09-01', '2026-01-31'), [a(1, '2025-10-01', '2025-12-31')], null],
    ['inside another', a(0, '2025-10-01', '2025-10-31'), [a(2, '2025-09-01', '2026-07-15')], 2],
  ])('%s', (_, candidate, existing, hit) => {
    expect(fullTimeOverlap(candidate, existing)?.id ?? null).toBe(hit);
  });
});

describe('itinerant timetable', () => {
  const home = [{ id: 7, weekday: 5, startTime: '08:00', endTime: '08:40', schoolName: '城区小学' }];
  it.each([
    ['clear of the home timetable', [{ weekday: 5, startTime: '13:30', endTime: '15:00' }], []],
    ['clashes with a home lesson', [{ weekday: 5, startTime: '08:30', endTime: '09:10' }], ['home_clash']],
    ['adjacent to a home lesson is fine', [{ weekday: 5, startTime: '08:40', endTime: '09:20' }], []],
    ['same time on another day is fine', [{ weekday: 4, startTime: '08:00', endTime: '08:40' }], []],
    ['before school', [{ weekday: 2, startTime: '06:30', endTime: '07:10' }], ['outside_hours']],
    ['after school', [{ weekday: 2, startTime: '17:00', endTime: '18:00' }], ['outside_hours']],
    ['on Saturday', [{ weekday: 6, startTime: '09:00', endTime: '10:00' }], ['weekend']],
    ['ends before it starts', [{ weekday: 2, startTime: '10:00', endTime: '09:00' }], ['end_before_start']],
    [
      'two slots clash',
      [
        { weekday: 3, startTime: '09:00', endTime: '10:00' },
        { weekday: 3, startTime: '09:30', endTime: '10:10' },
      ],
      ['self_clash'],
    ],
  ])('%s', (_, slots, reasons) => {
    expect(timetableProblems(slots, home, '07:30', '17:30').map((p) => p.reason)).toEqual(reasons);
  });
});

describe('direction, honour level, promotion credit', () => {
  it.each([
    ['urban', 'rural', 'to_rural'],
    ['urban', 'town', 'to_rural'],
    ['town', 'rural', 'to_rural'],
    ['rural', 'urban', 'to_urban'],
    ['town', 'town', 'level'],
  ] as const)('%s → %s is %s', (a, b, d) => expect(directionOf(a, b)).toBe(d));
  it.each([
    [['famous_city', 'backbone_county'], 'master'],
    [['leader_county'], 'master'],
    [['backbone_city'], 'backbone'],
    [['rising_star'], 'rising_star'],
    [[], 'none'],
  ])('%j is %s', (h, level) => expect(honourLevel(h)).toBe(level));

  it('credits completed full-time postings to more rural schools', () => {
    const base = { status: 'completed', workload: 'full_time', direction: 'to_rural' as const };
    const year = { ...base, kind: 'support_teaching', startDate: '2024-09-01', endDate: '2025-08-31' };
    expect(promotionCredit([year], 12)).toEqual({ months: 12, meets: true });
    const term = { ...base, kind: 'rotation', startDate: '2025-09-01', endDate: '2026-01-31' };
    expect(promotionCredit([term], 12)).toEqual({ months: 5, meets: false });
    // shadowing, part-time, towards the city, or not finished: no credit
    expect(
      promotionCredit(
        [
          { ...term, kind: 'shadowing' },
          { ...term, workload: 'part_time' },
          { ...term, direction: 'to_urban' },
          { ...term, status: 'active' },
        ],
        12,
      ).months,
    ).toBe(0);
  });
});

describe('cycle rules and the due list', () => {
  // Enshi: rural and town teachers, men under 50 and women under 45, shadow once in three years
  const enshi: CycleRule = {
    kinds: ['shadowing'],
    cycleYears: 3,
    cycleStartYear: 2024,
    maleMaxAge: 50,
    femaleMaxAge: 45,
    locationClasses: ['rural', 'town'],
  };
  it.each([
    ['2026-11-23', { firstYear: 2024, lastYear: 2026, start: '2024-09-01', end: '2027-08-31' }],
    ['2027-09-01', { firstYear: 2027, lastYear: 2029, start: '2027-09-01', end: '2030-08-31' }],
    ['2026-08-31', { firstYear: 2024, lastYear: 2026, start: '2024-09-01', end: '2027-08-31' }],
    ['2024-09-01', { firstYear: 2024, lastYear: 2026, start: '2024-09-01', end: '2027-08-31' }],
    ['2023-10-01', { firstYear: 2021, lastYear: 2023, start: '2021-09-01', end: '2024-08-31' }],
  ])('on %s the cycle is %j', (on, w) => expect(cycleWindow(enshi, on)).toEqual(w));

  const t = (gender: string, birthYear: number | null, locationClass = 'rural', status = 'active') => ({
    gender,
    birthYear,
    locationClass,
    status,
  });
  it.each([
    ['a man of 49', t('M', 1977), true],
    ['a man of 50', t('M', 1976), false],
    ['a woman of 44', t('F', 1982), true],
    ['a woman of 45', t('F', 1981), false],
    ['a woman of 47 (a man of 47 would be due)', t('F', 1979), false],
    ['a man of 47', t('M', 1979), true],
    ['an urban teacher', t('M', 1990, 'urban'), false],
    ['a town teacher', t('F', 1990, 'town'), true],
    ['a retired teacher', t('M', 1990, 'rural', 'retired'), false],
    ['unknown birth year', t('M', null), false],
  ])('%s', (_, teacher, expected) => expect(isSubject(enshi, teacher, '2026-11-23')).toBe(expected));

  it('has no limit for a gender the rule leaves open', () => {
    expect(isSubject({ ...enshi, femaleMaxAge: null }, t('F', 1960), '2026-11-23')).toBe(true);
    expect(ageAt(1977, '2026-11-23')).toBe(49);
  });

  it.each([
    [[], 'due'],
    [['cancelled'], 'due'],
    [['planned'], 'scheduled'],
    [['planned', 'active'], 'done'],
    [['completed'], 'done'],
  ])('%j → %s', (s, state) => {
    expect(dueState(s)).toBe(state);
  });
});

describe('mentor quota compliance', () => {
  const counts = [
    { month: '2026-06', observations: 2 },
    { month: '2026-07', observations: 0 },
    { month: '2026-08', observations: 0 },
    { month: '2026-09', observations: 1 },
    { month: '2026-10', observations: 0 },
    { month: '2026-11', observations: 0 },
  ];
  it('judges closed term months against the quota, skipping summer and the open month', () => {
    const c = compliance(counts, 1, '2026-11');
    expect(c.months.map((m) => m.judged)).toEqual([true, false, false, true, true, false]);
    expect(c).toMatchObject({ monthsJudged: 3, monthsMet: 2, rate: 0.667, behind: true });
  });
  it('a higher quota', () => {
    expect(compliance(counts, 2, '2026-11')).toMatchObject({ monthsMet: 1, behind: true });
  });
  it('up to date when the last closed month met the quota', () => {
    expect(compliance(counts.slice(0, 4), 1, '2026-10')).toMatchObject({
      monthsJudged: 2,
      monthsMet: 2,
      rate: 1,
      behind: false,
    });
  });
  it('a pair signed this month has nothing judged yet', () => {
    expect(compliance([{ month: '2026-11', observations: 0 }], 1, '2026-11')).toMatchObject({
      monthsJudged: 0,
      rate: null,
      behind: false,
    });
  });
});

describe('structure shares', () => {
  it.each([
    [3, 20, 0.15],
    [1, 3, 0.3333],
    [0, 0, null],
    [6, 100, 0.06],
  ])('%i of %i', (n, total, s) => expect(share(n, total)).toBe(s));
  it('flags a community below the floor by its backbone share', () => {
    expect(belowFloor(shares({ total: 100, master: 2, backbone: 14 }), 0.15)).toBe(true);
    expect(belowFloor(shares({ total: 100, master: 2, backbone: 15 }), 0.15)).toBe(false);
    expect(belowFloor(shares({ total: 0, master: 0, backbone: 0 }), 0.15)).toBe(false);
  });
});
