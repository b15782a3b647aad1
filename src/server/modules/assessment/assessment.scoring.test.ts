import { describe, expect, it } from 'vitest';
import type { ScoringRule } from '../../../shared/assessment.schemas.js';
import { boundCommunityScore, carryCommunityScore } from './assessment.bound.js';
import { rankWithTies, regionIndex } from './assessment.ranking.js';
import { applyRule, meanOf } from './assessment.scoring.js';

describe('scoring rules, against hand-computed points', () => {
  const linear: ScoringRule = { type: 'linear', target: 20 };
  const bands: ScoringRule = {
    type: 'bands',
    bands: [
      { min: 0.15, points: 10 },
      { min: 0.1, points: 7 },
      { min: 0.06, points: 4 },
    ],
  };
  const gte: ScoringRule = { type: 'threshold', threshold: 2, direction: 'gte' };
  const lte: ScoringRule = { type: 'threshold', threshold: 0, direction: 'lte' };
  const deduction: ScoringRule = { type: 'deduction', perUnit: 1.5 };
  it.each([
    // linear: 10 × min(v / 20, 1)
    [linear, 10, 15, 7.5],
    [linear, 10, 20, 10],
    [linear, 10, 35, 10], // capped
    [linear, 10, -3, 0],
    [linear, 8, 1, 0.4],
    // bands: the highest band whose floor the value reaches
    [bands, 10, 0.2, 10],
    [bands, 10, 0.15, 10],
    [bands, 10, 0.12, 7],
    [bands, 10, 0.06, 4],
    [bands, 10, 0.05, 0],
    [bands, 5, 0.2, 5], // a band never gives more than the indicator's points
    // thresholds
    [gte, 6, 2, 6],
    [gte, 6, 1.99, 0],
    [lte, 4, 0, 4],
    [lte, 4, 1, 0],
    // deduction: full points minus 1.5 per occurrence, never below zero
    [deduction, 6, 0, 6],
    [deduction, 6, 2, 3],
    [deduction, 6, 5, 0],
  ] as const)('%j (max %d) on %d → %d points', (rule, max, value, points) => {
    expect(applyRule(value, rule, max).points).toBe(points);
  });
  it('scores a missing value as 0 and says so', () => {
    expect(applyRule(null, linear, 10)).toMatchObject({ points: 0, text: '无可用数据，记 0 分' });
  });
  it('explains in plain Chinese', () => {
    expect(applyRule(15, linear, 10).text).toBe('实际 15，目标 20，完成 75%，得 7.5 分，失 2.5 分');
  });
  it('averages per member school, skipping schools without data', () => {
    expect(meanOf([4, null, 8])).toBe(6);
    expect(meanOf([null])).toBeNull();
  });
});

describe('bound scoring (捆绑考核)', () => {
  const config = { enabled: true, weights: { urban: 1, town: 1.5, rural: 2 }, principalShare: 0.3 };
  it('weights rural schools most: (1×90 + 2×60) / 3 = 70', () => {
    const schools = [
      { schoolId: 1, locationClass: 'urban' as const, ownScore: 90 },
      { schoolId: 2, locationClass: 'rural' as const, ownScore: 60 },
    ];
    const community = boundCommunityScore(config, schools);
    expect(community).toBe(70);
    const carried = carryCommunityScore(config, schools, community);
    // every school carries 70; the principal's appraisal is 0.3 × 70 + 0.7 × own
    expect(carried.map((c) => c.communityScore)).toEqual([70, 70]);
    expect(carried.map((c) => c.principalAppraisal)).toEqual([84, 63]);
  });
  it('falls back to the plain mean when every weight is zero', () => {
    expect(
      boundCommunityScore({ ...config, weights: { urban: 0, town: 0, rural: 0 } }, [
        { schoolId: 1, locationClass: 'urban', ownScore: 80 },
        { schoolId: 2, locationClass: 'rural', ownScore: 60 },
      ]),
    ).toBe(70);
  });
});

describe('rankings with ties', () => {
  it('gives equal totals the same rank and skips the next', () => {
    const r = rankWithTies(
      [
        { n: 'a', t: 80 },
        { n: 'b', t: 92 },
        { n: 'c', t: 80 },
        { n: 'd', t: 70.001 },
        { n: 'e', t: 70 },
      ],
      (x) => x.t,
    );
    expect(r.map((x) => `${x.item.n}${x.rank}`)).toEqual(['b1', 'a2', 'c2', 'd4', 'e4']);
  });
  it('rolls communities up into the region index', () => {
    expect(regionIndex([89, 91, 87.5])).toBe(89.17);
    expect(regionIndex([])).toBeNull();
  });
});
