import { AppError } from '../../http/errors.js';

/** Module-worded errors (the shared catalogue has no quality entries; rule_violation carries both languages). */
export function notFound(zh: string, en: string): AppError {
  return new AppError(404, 'rule_violation', { reason: zh, reasonEn: en });
}
export const examNotFound = (id: number) => notFound(`找不到考试（${id}）`, `Exam ${id} was not found`);
export const classNotFound = (id: number) => notFound(`找不到班级（${id}）`, `Class ${id} was not found`);
export const studentNotFound = (id: number) => notFound(`找不到学生（${id}）`, `Student ${id} was not found`);
export const jobNotFound = (id: string) => notFound(`找不到导入任务（${id}）`, `Import job ${id} was not found`);
export const outOfScope = (zh: string, en: string) => new AppError(403, 'rule_violation', { reason: zh, reasonEn: en });
