import { shanghaiDate } from '../../../shared/activities.semester.js';

/** Today in Asia/Shanghai as 'YYYY-MM-DD' (the server may run in UTC). */
export function todayShanghai(): string {
  return shanghaiDate(new Date());
}
