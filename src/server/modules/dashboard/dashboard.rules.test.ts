import { describe, expect, it } from 'vitest';
import { chartIsEmpty, chartOption, mapOption } from '../../../shared/dashboard.charts.js';
import { formatFigure, formatNumber, formatPercent, percentOf } from '../../../shared/dashboard.format.js';
import type { Chart } from '../../../shared/dashboard.schemas.js';
import type { Actor } from '../../http/actor.js';
import { dashboardPolicy } from './dashboard.policy.js';
import { schoolYearOfDate as schoolYearOf, todayShanghai as shanghaiToday } from '../../../shared/beijing-time.js';
import { periodOf } from './dashboard.period.js';
import { resolveFilters } from './dashboard.scope.js';

describe('Chinese number formatting', () => {
  it.each([
    [0, 'zh', '0'],
    [1110, 'zh', '1,110'],
    [49950, 'zh', '49,950'],
    [99999, 'zh', '99,999'],
    [100000, 'zh', '10万'],
    [440000, 'zh', '44万'],
    [123456, 'zh', '12.35万'],
    [230000000, 'zh', '2.3亿'],
    [-440000, 'zh', '-44万'],
    [12.5, 'zh', '12.5'],
    [440000, 'en', '440,000'],
    [2500000, 'en', '2.5M'],
    [null, 'zh', '—'],
    [Number.NaN, 'zh', '—'],
    [Number.POSITIVE_INFINITY, 'en', '—'],
  ] as const)('%s (%s) → %s', (v, lang, out) => {
    expect(formatNumber(v, lang)).toBe(out);
  });
  it('shares: one decimal, nothing to divide by is no data', () => {
    expect(percentOf(2, 3)).toBe(66.7);
    expect(percentOf(0, 5)).toBe(0);
    expect(percentOf(1, 0)).toBeNull();
    expect(formatPercent(15)).toBe('15%');
    expect(formatPercent(null)).toBe('—');
  });
  it('figures with units', () => {
    expect(formatFigure(49950, 'times')).toBe('49,950人次');
    expect(formatFigure(440000, 'hours')).toBe('44万小时');
    expect(formatFigure(440000, 'hours', 'en')).toBe('440,000 hours');
    expect(formatFigure(3, 'rank')).toBe('第 3 名');
    expect(formatFigure(null, 'schools')).toBe('—');
  });
  it('gaps in percentage points, and changes with their sign', () => {
    expect(formatFigure(60, 'pp')).toBe('60个百分点');
    expect(formatFigure(4.32, 'pp', 'en')).toBe('4.3 pp');
    expect(formatFigure(-4.33, 'scoreChange')).toBe('-4.3分');
    expect(formatFigure(6.67, 'ppChange')).toBe('+6.7个百分点');
    expect(formatFigure(2.09, 'scoreChange', 'en')).toBe('+2.1 points');
    expect(formatFigure(0.04, 'scoreChange')).toBe('0分'); // no sign on what reads as 0
    expect(formatFigure(null, 'ppChange')).toBe('—');
    expect(formatFigure(Number.NaN, 'scoreChange')).toBe('—');
  });
});

describe('calendar', () => {
  it.each([
    ['2026-11-23', 2026],
    ['2026-09-01', 2026],
    ['2026-08-31', 2025],
    ['2027-01-15', 2026],
  ])('%s is in school year %s', (d, y) => expect(schoolYearOf(d)).toBe(y));
  it('periods', () => {
    expect(periodOf(2025, null)).toEqual({ from: '2025-09-01', to: '2026-08-31' });
    expect(periodOf(2025, '2025-2026-1')).toEqual({ from: '2025-09-01', to: '2026-01-31' });
    expect(periodOf(2025, '2025-2026-2')).toEqual({ from: '2026-02-01', to: '2026-07-31' });
    expect(shanghaiToday(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24');
    expect(resolveFilters({ semester: '2025-2026-2' }, '2026-11-23')).toMatchObject({
      schoolYear: 2025,
      from: '2026-02-01',
    });
    expect(resolveFilters({}, '2026-11-23')).toMatchObject({ schoolYear: 2026, semester: null, level: [] });
  });
});

describe('charts at the edges', () => {
  const empty: Chart = { key: 'x', kind: 'bar', title: { zh: '空', en: 'Empty' }, unit: 'schools', points: [] };
  it('an empty or all-zero chart is empty; its option holds no NaN', () => {
    expect(chartIsEmpty(empty)).toBe(true);
    expect(chartIsEmpty({ ...empty, points: [{ name: { zh: 'a', en: 'a' }, value: 0 }] })).toBe(true);
    expect(chartIsEmpty({ ...empty, points: [{ name: { zh: 'a', en: 'a' }, value: 1 }] })).toBe(false);
    for (const kind of ['bar', 'pie', 'line', 'rank'] as const)
      expect(JSON.stringify(chartOption({ ...empty, kind }, 'zh'))).not.toMatch(/NaN|null,null/);
  });
  it('a chart with several lines: empty only without any value; 0 is a value', () => {
    const points = [
      { name: { zh: '2026-01-16', en: '2026-01-16' }, value: null },
      { name: { zh: '2026-06-26', en: '2026-06-26' }, value: null },
    ];
    const lines: Chart = {
      ...empty,
      kind: 'line',
      points,
      series: [{ key: 'math', name: { zh: '数学', en: 'Maths' }, values: [null, null] }],
    };
    expect(chartIsEmpty(lines)).toBe(true);
    expect(
      chartIsEmpty({ ...lines, series: [{ key: 'math', name: { zh: '数学', en: 'Maths' }, values: [null, 0] }] }),
    ).toBe(false);
    const two: Chart = {
      ...lines,
      series: [
        { key: 'math', name: { zh: '数学', en: 'Maths' }, values: [23.33, 19] },
        { key: 'english', name: { zh: '英语', en: 'English' }, values: [null, 17.4] },
      ],
    };
    const o = chartOption(two, 'zh') as { series: { name: string; data: unknown[] }[]; legend: unknown };
    expect(o.legend).toBeTruthy();
    expect(o.series.map((x) => [x.name, x.data])).toEqual([
      ['数学', [23.33, 19]],
      ['英语', [null, 17.4]],
    ]);
    expect(JSON.stringify(o)).not.toMatch(/NaN/);
  });
  it('one school: the map still has a sensible frame', () => {
    const o = mapOption(
      {
        schools: [{ id: 1, name: 'a', lng: 120.6, lat: 30.5, locationClass: 'rural', communityId: null, core: false }],
        links: [],
        communities: [],
        withoutCoordinates: 0,
      },
      'zh',
      {},
    );
    const x = o.xAxis as { min: number; max: number };
    expect(x.max).toBeGreaterThan(x.min);
    expect(Number.isFinite(x.min)).toBe(true);
  });
});

describe('display-link policy (role × scope)', () => {
  const actor = (role: Actor['role'], kind: Actor['scope']['kind'], id: string): Actor => ({
    userId: 1,
    username: 'u',
    displayName: 'u',
    role,
    scope: { kind, id },
    teacherId: null,
  });
  it.each([
    ['bureau of Haining, Haining', actor('bureau_admin', 'region', '330481'), { kind: 'region', id: '330481' }, true],
    ['bureau of Jiaxing, Haining', actor('bureau_admin', 'region', '330400'), { kind: 'region', id: '330481' }, true],
    [
      'bureau of Haining, Tongxiang',
      actor('bureau_admin', 'region', '330481'),
      { kind: 'region', id: '330483' },
      false,
    ],
    [
      'bureau of Haining, a Haining community',
      actor('bureau_admin', 'region', '330481'),
      { kind: 'community', id: '7', regions: ['330481', null] },
      true,
    ],
    [
      'bureau of Haining, a partner community',
      actor('bureau_admin', 'region', '330481'),
      { kind: 'community', id: '7', regions: ['331125', '330481'] },
      true,
    ],
    ['lead, own community', actor('community_lead', 'community', '7'), { kind: 'community', id: '7' }, true],
    ['lead, another community', actor('community_lead', 'community', '7'), { kind: 'community', id: '8' }, false],
    ['lead, the region', actor('community_lead', 'community', '7'), { kind: 'region', id: '330481' }, false],
    ['viewer of the region', actor('viewer', 'region', '330481'), { kind: 'region', id: '330481' }, false],
    ['principal', actor('school_admin', 'school', '3'), { kind: 'community', id: '7' }, false],
  ] as const)('%s → %s', (_n, a, target, allowed) => {
    expect(dashboardPolicy.manageDisplay(a, target)).toBe(allowed);
  });
});
