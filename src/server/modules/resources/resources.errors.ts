import { AppError, entityErrors, fieldIssue, ValidationError, payloadTooLarge } from '../../http/errors.js';
import type { Problem } from './resources.files.js';

/** Errors worded for this module's entities (the shared catalogue has no "resource" label). */
const ENTITIES = {
  resource: { zh: '资源', en: 'resource' },
  upload: { zh: '上传任务', en: 'upload' },
  comment: { zh: '评论', en: 'comment' },
  thumbnail: { zh: '缩略图', en: 'thumbnail' },
  course: { zh: '共享课程', en: 'shared course' },
  session: { zh: '课程课次', en: 'course session' },
  enrolment: { zh: '选课班级', en: 'enrolled class' },
  school: { zh: '学校', en: 'school' },
} as const;
export type Entity = keyof typeof ENTITIES;

export const { notFound, outOfScope } = entityErrors<Entity>(ENTITIES);

/** A file problem as a 4xx naming the field: too large is 413, everything else 422. */
export function fileProblem(field: string, p: Problem): AppError {
  if (p.code === 'file_too_large') return payloadTooLarge(p.zh, p.en, [fieldIssue(field, p.code, p.zh, p.en)]);
  return new ValidationError([fieldIssue(field, p.code, p.zh, p.en)]);
}
