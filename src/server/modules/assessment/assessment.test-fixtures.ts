import { schemeDefinition, type SchemeDefinition } from '../../../shared/assessment.schemas.js';

/** A two-dimension scheme: 60 points of data, 40 of rubric, plus a bonus item. */
export const TWO_DIMENSIONS: SchemeDefinition = schemeDefinition.parse({
  dimensions: [
    {
      key: 'teachers',
      name: '师资联培',
      weight: 60,
      indicators: [
        {
          key: 'masters',
          name: '名师数',
          kind: 'computed',
          formula: 'master_teachers',
          rule: { type: 'linear', target: 2 },
          maxPoints: 30,
        },
        {
          key: 'staffing',
          name: '校均教师',
          kind: 'computed',
          formula: 'teachers',
          perMemberSchool: true,
          rule: { type: 'threshold', threshold: 2 },
          maxPoints: 30,
        },
      ],
    },
    {
      key: 'management',
      name: '管理贯通',
      weight: 40,
      indicators: [
        {
          key: 'plan',
          name: '共同体章程与计划',
          kind: 'manual',
          maxPoints: 40,
          levels: [
            { key: 'excellent', label: '优秀', points: 40 },
            { key: 'good', label: '良好', points: 30 },
            { key: 'fair', label: '一般', points: 20 },
          ],
        },
        { key: 'innovation', name: '创新加分', kind: 'bonus', maxPoints: 5 },
      ],
    },
  ],
});
