import { AppError, ConflictError, ruleViolation, entityErrors } from '../../http/errors.js';

/**
 * This module's entities for the shared not_found / out_of_scope messages (the shared catalogue
 * lacks them, so the params are filled here — same codes, same classes), and its rule errors.
 */
const LABELS = {
  assessment_scheme: { zh: '考核方案', en: 'assessment scheme' },
  assessment_evaluation: { zh: '考核评价', en: 'assessment' },
  assessment_assignment: { zh: '考核员分配', en: 'assessor assignment' },
  assessment_appeal: { zh: '申诉', en: 'appeal' },
  assessment_score: { zh: '评分', en: 'score' },
  assessment_public_page: { zh: '已发布的公开页', en: 'published public page' },
  region: { zh: '区域', en: 'region' },
} as const;
type Entity = keyof typeof LABELS;

export const { notFound, outOfScope } = entityErrors<Entity>(LABELS);

export const publishedLocked = () =>
  ruleViolation(
    409,
    '结果已发布，不能修改；如有异议请提出申诉',
    'The result is published and cannot be changed; file an appeal instead',
  );

export function wrongStage(statusZh: string, statusEn: string, actionZh: string, actionEn: string): AppError {
  return ruleViolation(
    409,
    `当前状态为“${statusZh}”，不能${actionZh}`,
    `The assessment is "${statusEn}"; you cannot ${actionEn} now`,
  );
}

export { ConflictError };
