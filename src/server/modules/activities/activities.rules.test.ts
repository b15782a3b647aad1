import { describe, expect, it } from 'vitest';
import { activityInput } from '../../../shared/activities.schemas.js';
import {
  semesterOfDate,
  semesterOfInstant,
  semesterRange,
  shanghaiDate,
  shanghaiInstant,
  schoolYearOfDate,
} from '../../../shared/activities.semester.js';
import { conflictsWith, findConflicts, type SyncSlot } from './calendar.conflicts.js';
import { computeCompliance, shortfall, type DoneActivity, type TargetSpec } from './plan.compliance.js';

describe('semesters (Asia/Shanghai)', () => {
  it.each([
    ['2025-09-01', '2025-2026-1'],
    ['2026-01-31', '2025-2026-1'],
    ['2026-02-01', '2025-2026-2'],
    ['2026-07-31', '2025-2026-2'],
    ['2026-08-15', null],
    ['2026-11-23', '2026-2027-1'],
  ])('%s is in %s', (date, key) => expect(semesterOfDate(date)).toBe(key));

  it('uses the Shanghai date, not the UTC date', () => {
    // 2026-01-31 17:00 UTC is already 1 February in Shanghai: spring term
    expect(shanghaiDate('2026-01-31T17:00:00Z')).toBe('2026-02-01');
    expect(semesterOfInstant('2026-01-31T17:00:00Z')).toBe('2025-2026-2');
    expect(shanghaiInstant('2025-10-14', '09:30')).toBe('2025-10-14T01:30:00.000Z');
  });

  it('knows the ranges and months of both terms', () => {
    expect(semesterRange('2025-2026-1')).toMatchObject({
      start: '2025-09-01',
      end: '2026-01-31',
      months: ['2025-09', '2025-10', '2025-11', '2025-12', '2026-01'],
    });
    expect(semesterRange('2025-2026-2')?.months).toEqual([
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
    ]);
    expect(semesterRange('2025-2027-1')).toBeNull();
    expect(schoolYearOfDate('2026-03-01')).toBe(2025);
  });
});

const slot = (id: number, start: string, end: string, o: Partial<SyncSlot> = {}): SyncSlot => ({
  id,
  title: `课${id}`,
  startsAt: start,
  endsAt: end,
  hostTeacherId: 100 + id,
  hostSchoolId: 1,
  hostClass: `${id}班`,
  receiving: [{ schoolId: 2, className: `${id}班` }],
  ...o,
});

describe('sync-class conflicts', () => {
  it.each([
    { name: 'same teacher, overlapping', b: { hostTeacherId: 101 }, at: ['09:30', '10:10'], want: ['teacher'] },
    { name: 'same teacher, back to back', b: { hostTeacherId: 101 }, at: ['09:40', '10:20'], want: [] },
    {
      name: 'receiving class double-booked (full-width brackets)',
      b: { receiving: [{ schoolId: 2, className: '1班' }] },
      at: ['09:20', '10:00'],
      want: ['class'],
    },
    {
      name: 'same class name at another school',
      b: { receiving: [{ schoolId: 3, className: '1班' }] },
      at: ['09:20', '10:00'],
      want: [],
    },
    {
      name: 'host class of one is receiving in the other',
      b: { receiving: [{ schoolId: 1, className: '1 班' }] },
      at: ['09:00', '09:40'],
      want: ['class'],
    },
    {
      name: 'teacher and class both',
      b: { hostTeacherId: 101, receiving: [{ schoolId: 2, className: '1班' }] },
      at: ['09:10', '09:50'],
      want: ['teacher', 'class'],
    },
  ])('$name', ({ b, at, want }) => {
    const a = slot(1, '2025-10-14T01:00:00Z', '2025-10-14T01:40:00Z');
    const other = slot(2, shanghaiInstant('2025-10-14', at[0]), shanghaiInstant('2025-10-14', at[1]), b);
    expect(findConflicts([a, other]).map((c) => c.reason)).toEqual(want);
  });

  it('checks a candidate against the booked classes only', () => {
    const booked = [
      slot(1, '2025-10-14T01:00:00Z', '2025-10-14T01:40:00Z'),
      slot(2, '2025-10-14T01:00:00Z', '2025-10-14T01:40:00Z', { hostTeacherId: 101 }),
    ];
    const candidate = slot(0, '2025-10-14T01:20:00Z', '2025-10-14T02:00:00Z', {
      hostTeacherId: 999,
      hostClass: 'x',
      receiving: [{ schoolId: 2, className: '2班' }],
    });
    const found = conflictsWith(candidate, booked);
    expect(found).toEqual([{ a: 2, b: 0, reason: 'class', what: '2:2班' }]);
  });
});

describe('work-plan compliance against a hand-checked plan', () => {
  // 2025–2026 autumn term; as of 20 Nov 2025 September and October have ended (2 of 5 months)
  const term = semesterRange('2025-2026-1')!;
  const asOf = '2025-11-20T04:00:00Z';
  const T = (id: number, o: Partial<TargetSpec>): TargetSpec => ({
    id,
    kind: 'lecture',
    count: 1,
    cadence: 'semester',
    schoolId: null,
    grade: null,
    subject: null,
    month: null,
    ...o,
  });
  const targets = [
    T(1, { kind: 'lecture', count: 2, schoolId: 2 }), // ≥2 lectures at the member school
    T(2, { kind: 'joint_prep', count: 10, grade: 3, subject: 'math' }),
    T(3, { kind: 'observation', count: 1, cadence: 'monthly' }), // ≥1 observation a month
    T(4, { kind: 'sync_class', count: 3, month: '2025-09' }),
    T(5, { kind: 'training', count: 1 }),
  ];
  let n = 0;
  const A = (kind: DoneActivity['kind'], startsAt: string, o: Partial<DoneActivity> = {}): DoneActivity => ({
    id: ++n,
    kind,
    startsAt,
    schoolIds: [1],
    grade: null,
    subject: null,
    ...o,
  });
  const activities = [
    A('lecture', '2025-10-10T02:00:00Z', { schoolIds: [1, 2] }),
    A('lecture', '2025-10-11T02:00:00Z', { schoolIds: [1, 3] }), // another member school: not counted for school 2
    A('joint_prep', '2025-09-15T06:00:00Z', { grade: 3, subject: 'math' }),
    A('joint_prep', '2025-11-05T06:00:00Z', { grade: 3, subject: 'math' }),
    A('joint_prep', '2025-10-01T06:00:00Z', { grade: 4, subject: 'math' }), // other grade
    A('observation', '2025-09-20T01:00:00Z'),
    A('observation', '2025-10-31T16:30:00Z'), // 1 Nov 00:30 in Shanghai: November, not October
    A('observation', '2025-11-05T01:00:00Z'),
    A('observation', '2025-11-25T01:00:00Z'), // after asOf: not yet done
    A('sync_class', '2025-09-03T01:00:00Z'),
    A('sync_class', '2025-09-10T01:00:00Z'),
    A('sync_class', '2025-09-17T01:00:00Z'),
  ];
  const result = computeCompliance(term, targets, activities, asOf);

  it.each([
    [1, { target: 2, done: 1, due: 0, status: 'on_track' }],
    [2, { target: 10, done: 2, due: 4, status: 'behind' }],
    [3, { target: 5, done: 2, due: 2, status: 'behind' }],
    [4, { target: 3, done: 3, due: 3, status: 'done' }],
    [5, { target: 1, done: 0, due: 0, status: 'on_track' }],
  ])('target %i', (id, want) => {
    expect(result.rows.find((r) => r.targetId === id)).toMatchObject(want);
  });

  it('breaks monthly targets down by month', () => {
    const obs = result.rows.find((r) => r.targetId === 3)!;
    expect(obs.months.map((m) => [m.month, m.done, m.status])).toEqual([
      ['2025-09', 1, 'done'],
      ['2025-10', 0, 'behind'],
      ['2025-11', 2, 'done'],
      ['2025-12', 0, 'upcoming'],
      ['2026-01', 0, 'upcoming'],
    ]);
    expect(obs.activityIds).toHaveLength(3);
  });

  it('says what a behind target is short of, even when done equals due', () => {
    // observations: September 1, October 0, November 2 — done 2 of 2 due, yet October fell short
    expect(shortfall(result.rows.find((r) => r.targetId === 3)!)).toEqual({ missing: 1, shortMonths: ['2025-10'] });
    expect(shortfall(result.rows.find((r) => r.targetId === 2)!)).toEqual({ missing: 2, shortMonths: [] });
  });

  it('sums by school and by month', () => {
    expect(result.bySchool).toEqual([
      { schoolId: null, target: 19, done: 7, due: 9, behind: 2 },
      { schoolId: 2, target: 2, done: 1, due: 0, behind: 0 },
    ]);
    expect(result.byMonth.map((m) => [m.month, m.done, m.target, m.behind])).toEqual([
      ['2025-09', 5, 4, 0],
      ['2025-10', 1, 1, 1],
      ['2025-11', 3, 1, 0],
      ['2025-12', 0, 1, 0],
      ['2026-01', 0, 1, 0],
    ]);
    expect(result.summary).toEqual({ targets: 21, done: 8, behind: 2, rate: 0.381 });
  });

  it('is all due once the term is over, and upcoming before it starts', () => {
    const after = computeCompliance(term, targets, activities, '2026-02-10T00:00:00Z');
    expect(after.rows.find((r) => r.targetId === 1)).toMatchObject({ due: 2, status: 'behind' });
    const before = computeCompliance(term, targets, [], '2025-08-20T00:00:00Z');
    expect(before.rows.every((r) => r.status === 'upcoming' && r.due === 0)).toBe(true);
  });
});

describe('activity validation per kind', () => {
  const base = {
    communityId: 1,
    organizerSchoolId: 1,
    title: '活动',
    startsAt: '2025-10-14T09:00:00+08:00',
    endsAt: '2025-10-14T09:40:00+08:00',
    teacherCount: 3,
  };
  const valid: Record<string, unknown> = {
    sync_class: {
      mode: 'sync',
      hostTeacherId: 1,
      hostClass: '三(2)班',
      subject: 'math',
      grade: 3,
      durationMinutes: 40,
      receiving: [{ schoolId: 2, className: '三(1)班', expectedStudents: 38 }],
    },
    joint_prep: { grade: 4, subject: 'chinese', unit: '第三单元' },
    research: { theme: '大单元教学', format: 'online' },
    lecture: { speaker: '王老师', topic: '作业设计', audience: '成员校语文组' },
    demo_lesson: { type: 'send_lesson', teacherId: 1, subject: 'english', grade: 5, lessonTitle: 'Unit 3' },
    observation: {
      observerTeacherId: 1,
      observedTeacherId: 2,
      subject: 'math',
      grade: 6,
      lessonTitle: '圆的面积',
      rubric: { objectives: 4, content: 5, method: 4, interaction: 3, effect: 4 },
      feedback: '目标清晰，小组合作充分，练习层次可再细化。',
    },
    shared_course: { courseName: '科技创客', classHours: 2, studentsReached: 45 },
    student_exchange: { format: 'pairs', pairs: 30 },
    culture: { format: 'party', theme: '主题党日' },
    management_visit: { theme: '制度互鉴', regulationsRevised: 6 },
    training: { topic: '新课标解读', trainer: '教研员', hours: 3 },
  };
  const invalid: Record<string, [unknown, string]> = {
    sync_class: [
      { ...(valid.sync_class as object), receiving: [{ schoolId: 2, className: '三(1)班', expectedStudents: 5000 }] },
      'details.receiving.0.expectedStudents',
    ],
    joint_prep: [{ grade: 12, subject: 'chinese', unit: 'x' }, 'details.grade'],
    research: [{ theme: '', format: 'online' }, 'details.theme'],
    lecture: [{ speaker: '王', topic: 'x' }, 'details.audience'],
    demo_lesson: [{ type: 'show', teacherId: 1, subject: 'english', grade: 5, lessonTitle: 'x' }, 'details.type'],
    observation: [{ ...(valid.observation as object), observedTeacherId: 1 }, 'details.observedTeacherId'],
    shared_course: [{ courseName: 'x', classHours: 0, studentsReached: 1 }, 'details.classHours'],
    student_exchange: [{ format: 'pairs', pairs: -1 }, 'details.pairs'],
    culture: [{ format: 'sports', theme: 'x' }, 'details.format'],
    management_visit: [{ theme: 'x', regulationsRevised: 9999 }, 'details.regulationsRevised'],
    training: [{ topic: 'x', hours: 0 }, 'details.hours'],
  };
  it.each(Object.keys(valid))('%s: accepts a valid record and names the bad field of an invalid one', (kind) => {
    expect(activityInput.safeParse({ ...base, kind, details: valid[kind] }).success).toBe(true);
    const [details, field] = invalid[kind]!;
    const bad = activityInput.safeParse({ ...base, kind, details });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('refuses an unknown kind and details of another kind', () => {
    expect(activityInput.safeParse({ ...base, kind: 'party', details: {} }).success).toBe(false);
    expect(activityInput.safeParse({ ...base, kind: 'lecture', details: valid.training }).success).toBe(false);
  });
});
