import { type AppError, NotFoundError, notPermitted } from '../../http/errors.js';

/** This module's entities for the shared not_found message (the shared catalogue has no quality entries). */
const notFound = (zh: string, en: string, id: number | string): AppError => new NotFoundError(zh, id, { zh, en });
export const examNotFound = (id: number) => notFound('考试', 'Exam', id);
export const classNotFound = (id: number) => notFound('班级', 'Class', id);
export const studentNotFound = (id: number) => notFound('学生', 'Student', id);
export const jobNotFound = (id: string) => notFound('导入任务', 'Import job', id);
/** A school or exam outside the caller's scope, worded by the caller (403). */
export const outOfScope = (zh: string, en: string) => notPermitted(zh, en);
