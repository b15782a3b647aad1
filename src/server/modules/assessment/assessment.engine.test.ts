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
