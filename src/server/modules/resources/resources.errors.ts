import { AppError, fieldIssue, ValidationError } from '../../http/errors.js';
import type { Problem } from './resources.files.js';

/** Errors worded for this module's entities (the shared catalogue has no "resource" label). */
const ENTITIES = {
  resource: { entity: '资源', entityEn: 'resource' },
  upload: { entity: '上传任务', entityEn: 'upload' },
  comment: { entity: '评论', entityEn: 'comment' },
  course: { entity: '共享课程', entityEn: 'shared course' },
  session: { entity: '课程课次', entityEn: 'course session' },
  enrolment: { entity: '选课班级', entityEn: 'enrolled class' },
  school: { entity: '学校', entityEn: 'school' },
} as const;
export type Entity = keyof typeof ENTITIES;

export const notFound = (entity: Entity, id: string | number) => new AppError(404, 'not_found', { ...ENTITIES[entity], id });
export const outOfScope = (entity: Entity) => new AppError(403, 'out_of_scope', ENTITIES[entity]);

/** A file problem as a 4xx naming the field: too large is 413, everything else 422. */
export function fileProblem(field: string, p: Problem): AppError {
  if (p.code === 'file_too_large') return new AppError(413, 'rule_violation', { reason: p.zh, reasonEn: p.en }, [fieldIssue(field, p.code, p.zh, p.en)]);
  return new ValidationError([fieldIssue(field, p.code, p.zh, p.en)]);
}
