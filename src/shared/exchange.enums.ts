import type { Labelled } from './enums.js';

/** 教师交流 kinds (DOMAIN.md, "Vocabulary for code"). */
export const EXCHANGE_KINDS = [
  'support_teaching',
  'rotation',
  'secondment',
  'shadowing',
  'itinerant',
  'send_lesson',
] as const;
export type ExchangeKind = (typeof EXCHANGE_KINDS)[number];
export const EXCHANGE_KIND_LABELS: Record<ExchangeKind, Labelled> = {
  support_teaching: { zh: '支教', en: 'Support teaching' },
  rotation: { zh: '交流轮岗', en: 'Rotation' },
  secondment: { zh: '挂职', en: 'Secondment' },
  shadowing: { zh: '跟岗', en: 'Shadowing' },
  itinerant: { zh: '走教', en: 'Itinerant teaching' },
  send_lesson: { zh: '送教', en: 'Send lesson' },
};

export const EXCHANGE_STATUSES = ['planned', 'active', 'completed', 'cancelled'] as const;
export type ExchangeStatus = (typeof EXCHANGE_STATUSES)[number];
export const EXCHANGE_STATUS_LABELS: Record<ExchangeStatus, Labelled> = {
  planned: { zh: '计划中', en: 'Planned' },
  active: { zh: '进行中', en: 'Active' },
  completed: { zh: '已完成', en: 'Completed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

export const WORKLOADS = ['full_time', 'part_time'] as const;
export type Workload = (typeof WORKLOADS)[number];
export const WORKLOAD_LABELS: Record<Workload, Labelled> = {
  full_time: { zh: '全职', en: 'Full-time' },
  part_time: { zh: '兼职', en: 'Part-time' },
};

/** Direction by the schools' location classes: towards the countryside, towards the city, or level. */
export const DIRECTIONS = ['to_rural', 'to_urban', 'level'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const DIRECTION_LABELS: Record<Direction, Labelled> = {
  to_rural: { zh: '城→乡', en: 'Urban → rural' },
  to_urban: { zh: '乡→城', en: 'Rural → urban' },
  level: { zh: '同类学校间', en: 'Between like schools' },
};

/** Honour level of a teacher for structure ratios and the provincial report. */
export const HONOUR_LEVELS = ['master', 'backbone', 'rising_star', 'none'] as const;
export type HonourLevel = (typeof HONOUR_LEVELS)[number];
export const HONOUR_LEVEL_LABELS: Record<HonourLevel, Labelled> = {
  master: { zh: '名师/学科带头人', en: 'Master teacher' },
  backbone: { zh: '骨干教师', en: 'Backbone teacher' },
  rising_star: { zh: '教坛新秀', en: 'Rising star' },
  none: { zh: '其他教师', en: 'Other teachers' },
};

export const EVALUATION_GRADES = ['excellent', 'good', 'pass', 'fail'] as const;
export type EvaluationGrade = (typeof EVALUATION_GRADES)[number];
export const EVALUATION_GRADE_LABELS: Record<EvaluationGrade, Labelled> = {
  excellent: { zh: '优秀', en: 'Excellent' },
  good: { zh: '良好', en: 'Good' },
  pass: { zh: '合格', en: 'Pass' },
  fail: { zh: '不合格', en: 'Fail' },
};

export const MENTORSHIP_STATUSES = ['active', 'completed', 'terminated'] as const;
export type MentorshipStatus = (typeof MENTORSHIP_STATUSES)[number];
export const MENTORSHIP_STATUS_LABELS: Record<MentorshipStatus, Labelled> = {
  active: { zh: '结对中', en: 'Active' },
  completed: { zh: '已结业', en: 'Completed' },
  terminated: { zh: '已解除', en: 'Terminated' },
};

export const DUE_STATES = ['due', 'scheduled', 'done'] as const;
export type DueState = (typeof DUE_STATES)[number];
export const DUE_STATE_LABELS: Record<DueState, Labelled> = {
  due: { zh: '待交流', en: 'Due' },
  scheduled: { zh: '已安排', en: 'Scheduled' },
  done: { zh: '本周期已完成', en: 'Done this cycle' },
};

export const TOTALS_DIMENSIONS = [
  'teacher',
  'school',
  'community',
  'region',
  'year',
  'kind',
  'direction',
  'honour',
] as const;
export type TotalsDimension = (typeof TOTALS_DIMENSIONS)[number];

export const WEEKDAY_LABELS: Record<number, Labelled> = {
  1: { zh: '周一', en: 'Mon' },
  2: { zh: '周二', en: 'Tue' },
  3: { zh: '周三', en: 'Wed' },
  4: { zh: '周四', en: 'Thu' },
  5: { zh: '周五', en: 'Fri' },
  6: { zh: '周六', en: 'Sat' },
  7: { zh: '周日', en: 'Sun' },
};
