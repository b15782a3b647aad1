import { describe, expect, it } from 'vitest';
import { parseUnit } from '../../../shared/assessment.formula.js';
import { schemeDefinition } from '../../../shared/assessment.schemas.js';
import { TWO_DIMENSIONS } from './assessment.test-fixtures.js';
import { computeResult, type EngineSchool, type ManualScore } from './assessment.engine.js';
import { validateDefinition, type SeriesCatalogue } from './assessment.validate.js';

const schools: EngineSchool[] = [
  {
    schoolId: 1,
    schoolName: '城区实验小学',
    role: 'core',
    locationClass: 'urban',
    values: { master_teachers: 1, teachers: 3 },
  },
  {
    schoolId: 2,
    schoolName: '乡村小学',
    role: 'member',
    locationClass: 'rural',
    values: { master_teachers: 0, teachers: 1 },
  },
];
const scores = new Map<string, ManualScore>([
  [
    'plan',
    {
      levelKey: 'good',
      points: 30,
      comment: '章程完备',
      evidence: [{ label: '章程', url: '/files/1' }],
      stage: 'assessor',
    },
  ],
  ['innovation', { levelKey: null, points: 2, comment: null, evidence: [], stage: 'assessor' }],
]);

describe('the indicator engine, against hand-computed totals', () => {
  it('scores a community as a whole: 15 + 30 + 30 + 2 = 77', () => {
    const out = computeResult({
      definition: TWO_DIMENSIONS,
      communityName: '实验教共体',
      communityValues: { master_teachers: 1, teachers: 4 },
      schools,
      scores,
    });
    // masters: 30 × 1/2 = 15; staffing: mean(3, 1) = 2 ≥ 2 → 30; plan: 良好 30; bonus 2
    expect(out.dimensions).toEqual([
      { key: 'teachers', name: '师资联培', weight: 60, points: 45 },
      { key: 'management', name: '管理贯通', weight: 40, points: 32 },
    ]);
    expect(out.total).toBe(77);
    // not bound: every school carries 77; principal = 0.3 × 77 + 0.7 × own
    expect(out.schools.map((s) => s.communityScore)).toEqual([77, 77]);
    expect(out.explanation.text).toContain('发展指数 77 分');
    const masters = out.explanation.children![0]!.children![0]!;
    expect(masters.text).toContain('实际 1，目标 2，完成 50%，得 15 分，失 15 分');
    expect(out.explanation.children![0]!.text).toContain('失分主要在“名师数”（失 15 分）');
    expect(out.explanation.children![1]!.children![0]!.records).toEqual([{ label: '章程', href: '/files/1' }]);
  });

  it('bound scoring weights the rural school double: (77 + 2 × 32) / 3 = 47', () => {
    const def = {
      ...TWO_DIMENSIONS,
      bound: { enabled: true, weights: { urban: 1, town: 1.5, rural: 2 }, principalShare: 0.3 },
    };
    const out = computeResult({
      definition: def,
      communityName: '实验教共体',
      communityValues: { master_teachers: 1, teachers: 4 },
      schools,
      scores,
    });
    // urban school: 15 + 30 + 30 + 2 = 77; rural school: 0 + 0 + 30 + 2 = 32
    expect(out.schools.map((s) => s.ownScore)).toEqual([77, 32]);
    expect(out.total).toBe(47);
    expect(out.schools.map((s) => s.communityScore)).toEqual([47, 47]);
    expect(out.schools.map((s) => s.principalAppraisal)).toEqual([68, 36.5]); // 0.3×47 + 0.7×77, 0.3×47 + 0.7×32
    expect(out.explanation.children!.find((c) => c.key === 'bound')!.text).toContain('乡村小学（乡村，权重 2）32 分');
  });

  it('lets deductions lower a dimension but never below zero', () => {
    const def = schemeDefinition.parse({
      dimensions: [
        {
          key: 'd',
          name: '安全',
          weight: 100,
          indicators: [
            {
              key: 'm',
              name: '安全管理',
              kind: 'manual',
              maxPoints: 100,
              levels: [{ key: 'low', label: '差', points: 2 }],
            },
            { key: 'x', name: '安全事故', kind: 'deduction', maxPoints: 10 },
          ],
        },
      ],
    });
    const s = new Map<string, ManualScore>([
      ['m', { levelKey: 'low', points: 2, comment: null, evidence: [], stage: 'assessor' }],
      ['x', { levelKey: null, points: 5, comment: null, evidence: [], stage: 'assessor' }],
    ]);
    expect(
      computeResult({ definition: def, communityName: 'c', communityValues: {}, schools: [], scores: s }).total,
    ).toBe(0);
  });
});

describe('scheme validation', () => {
  const series: SeriesCatalogue = {
    master_teachers: { unit: parseUnit('person'), schoolScope: true, available: true },
    teachers: { unit: parseUnit('person'), schoolScope: true, available: true },
    meetings_held: { unit: parseUnit('meeting'), schoolScope: false, available: true },
    exchange_hours: { unit: parseUnit('hour'), schoolScope: true, available: false },
  };
  it('accepts the two-dimension scheme', () => {
    expect(validateDefinition(TWO_DIMENSIONS, series)).toEqual([]);
  });
  it('names every problem', () => {
    const bad = schemeDefinition.parse({
      dimensions: [
        {
          key: 'a',
          name: 'A',
          weight: 50,
          indicators: [
            {
              key: 'x',
              name: 'X',
              kind: 'computed',
              formula: 'master_teachers / teachers',
              rule: { type: 'linear', target: 1 },
              maxPoints: 20,
            },
            {
              key: 'y',
              name: 'Y',
              kind: 'computed',
              formula: 'meetings_held',
              perMemberSchool: true,
              rule: { type: 'linear', target: 1 },
              maxPoints: 10,
            },
          ],
        },
        {
          key: 'a',
          name: 'B',
          weight: 40,
          indicators: [
            { key: 'x', name: 'Z', kind: 'manual', maxPoints: 40, levels: [{ key: 'top', label: '优', points: 45 }] },
            {
              key: 'w',
              name: 'W',
              kind: 'computed',
              formula: 'exchange_hours + nothing',
              unit: 'hour',
              rule: { type: 'bands', bands: [{ min: 1, points: 50 }] },
              maxPoints: 0,
            },
          ],
        },
      ],
    });
    const codes = validateDefinition(bad, series).map((i) => `${i.field}:${i.code}`);
    expect(codes).toEqual([
      'body.definition.dimensions:weights_sum',
      'body.definition.dimensions.0.indicators:points_sum',
      'body.definition.dimensions.0.indicators.0.formula:unguarded_division',
      'body.definition.dimensions.0.indicators.1.formula:no_school_scope',
      'body.definition.dimensions.1.key:duplicate',
      'body.definition.dimensions.1.indicators.0.key:duplicate',
      'body.definition.dimensions.1.indicators.0.levels.0.points:above_max',
      'body.definition.dimensions.1.indicators.1.rule.bands.0.points:above_max',
      'body.definition.dimensions.1.indicators.1.formula:unknown_series',
      'body.definition.dimensions.1.indicators.1.formula:source_unavailable',
    ]);
  });
});

describe('data-driven bonus and deduction items (issue 22)', () => {
  const def = schemeDefinition.parse({
    dimensions: [
      {
        key: 'd',
        name: '协同',
        weight: 100,
        indicators: [
          {
            key: 'm',
            name: '协同管理',
            kind: 'manual',
            maxPoints: 100,
            levels: [{ key: 'ok', label: '合格', points: 80 }],
          },
          // −2 per overdue joint meeting, at most 5
          {
            key: 'overdue',
            name: '联席会议逾期',
            kind: 'deduction',
            maxPoints: 5,
            formula: 'overdue_meetings',
            perUnit: 2,
          },
          // +1 per provincial award, at most 3
          { key: 'awards', name: '省级获奖', kind: 'bonus', maxPoints: 3, formula: 'provincial_awards' },
          { key: 'hand', name: '特色加分', kind: 'bonus', maxPoints: 2 },
        ],
      },
    ],
  });
  const run = (values: Record<string, number | null>, extra: [string, ManualScore][] = []) =>
    computeResult({
      definition: def,
      communityName: '教共体',
      communityValues: values,
      schools: [],
      scores: new Map<string, ManualScore>([
        ['m', { levelKey: 'ok', points: 80, comment: null, evidence: [], stage: 'assessor' }],
        ['hand', { levelKey: null, points: 1.5, comment: '市级展示', evidence: [], stage: 'assessor' }],
        ...extra,
      ]),
      seriesLabels: {
        overdue_meetings: { zh: '逾期联席会议数', en: 'Overdue joint meetings', unit: '次' },
        provincial_awards: { zh: '省级奖项数', en: 'Provincial awards', unit: '项' },
      },
    });
  const item = (out: ReturnType<typeof run>, key: string) =>
    out.explanation.children![0]!.children!.find((c) => c.key === key)!;

  it('computes the points per community from its data, within the cap', () => {
    // community A: 1 overdue meeting → −2; 2 awards → +2; hand bonus 1.5: 80 − 2 + 2 + 1.5 = 81.5
    const a = run({ overdue_meetings: 1, provincial_awards: 2 });
    expect(a.total).toBe(81.5);
    expect(item(a, 'overdue')).toMatchObject({ points: -2, value: 1 });
    expect(item(a, 'overdue').text).toContain('逾期联席会议数 = 1次');
    expect(item(a, 'overdue').text).toContain('扣 2 分');
    // community B: 4 overdue → 8, capped at 5; 7 awards → capped at 3: 80 − 5 + 3 + 1.5 = 79.5
    const b = run({ overdue_meetings: 4, provincial_awards: 7 });
    expect(b.total).toBe(79.5);
    expect(item(b, 'overdue')).toMatchObject({ points: -5, value: 4 });
    expect(item(b, 'overdue').text).toContain('超过上限按 5 分计');
    expect(item(b, 'awards')).toMatchObject({ points: 3, value: 7 });
    // the hand-scored item is as before
    expect(item(b, 'hand')).toMatchObject({ points: 1.5 });
    expect(item(b, 'hand').text).toContain('说明：市级展示');
  });

  it('counts only the rubric as points lost: not a deduction that took nothing, nor a bonus short of its cap', () => {
    // no overdue meeting (deduction −0), 1 award of 3, hand bonus 1.5 of 2: only the rubric lost 20
    const out = run({ overdue_meetings: 0, provincial_awards: 1 });
    expect(out.explanation.children![0]!.text).toBe('本维度得 82.5 分（权重 100）；失分主要在“协同管理”（失 20 分）。');
    expect(out.explanation.children![0]!.textEn).toBe('82.5 of 100 points; points lost mainly in "协同管理" (20).');
  });

  it('lets a hand-entered score with its reason override the data', () => {
    const out = run({ overdue_meetings: 4, provincial_awards: 0 }, [
      ['overdue', { levelKey: null, points: 1, comment: '两次逾期经批准延期', evidence: [], stage: 'assessor' }],
    ]);
    expect(item(out, 'overdue')).toMatchObject({ points: -1, value: 4 });
    expect(item(out, 'overdue').text).toContain('以手工评分为准');
    expect(item(out, 'overdue').text).toContain('两次逾期经批准延期');
  });

  it('refuses an unknown source in a deduction formula, in Chinese and English', () => {
    const bad = structuredClone(def);
    const ind = bad.dimensions[0]!.indicators[1]!;
    if (ind.kind === 'deduction') ind.formula = 'ghost_series';
    const series: SeriesCatalogue = {
      overdue_meetings: { unit: parseUnit('session'), schoolScope: false, available: true },
      provincial_awards: { unit: parseUnit('award'), schoolScope: false, available: true },
    };
    expect(validateDefinition(def, series)).toEqual([]);
    const issues = validateDefinition(bad, series);
    expect(issues).toEqual([
      expect.objectContaining({ field: 'body.definition.dimensions.0.indicators.1.formula', code: 'unknown_series' }),
    ]);
  });
});
