import { describe, expect, it } from 'vitest';
import {
  beijingDisplay,
  currentSchoolYear,
  schoolYearOfDate,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiInstant,
  shanghaiMonth,
  todayShanghai,
} from './beijing-time.js';

describe('Beijing time, whatever the server or device zone', () => {
  it.each([
    // [instant (UTC), Beijing date, Beijing wall clock]
    ['2025-08-31T15:59:59.999Z', '2025-08-31', '2025-08-31 23:59'],
    ['2025-08-31T16:00:00.000Z', '2025-09-01', '2025-09-01 00:00'],
    ['2025-12-31T16:30:00.000Z', '2026-01-01', '2026-01-01 00:30'],
    ['2026-03-01T01:00:00+08:00', '2026-03-01', '2026-03-01 01:00'],
  ])('%s is %s in Beijing', (instant, date, clock) => {
    expect(shanghaiDate(instant)).toBe(date);
    expect(shanghaiDate(new Date(instant))).toBe(date);
    expect(shanghaiDateTime(instant)).toBe(clock);
    expect(shanghaiMonth(instant)).toBe(date.slice(0, 7));
    expect(todayShanghai(new Date(instant))).toBe(date);
  });

  it('turns a Beijing wall clock back into the same instant', () => {
    expect(shanghaiInstant('2025-10-14', '09:30')).toBe('2025-10-14T01:30:00.000Z');
    expect(shanghaiDateTime(shanghaiInstant('2026-01-01', '00:00'))).toBe('2026-01-01 00:00');
  });

  it.each([
    ['2025-09-01', 2025],
    ['2026-08-31', 2025],
    ['2026-01-15', 2025],
    ['2025-08-31', 2024],
  ])('%s is in school year %s', (d, y) => expect(schoolYearOfDate(d)).toBe(y));

  it('starts the new school year at midnight of 1 September in Beijing, not in UTC', () => {
    expect(currentSchoolYear(new Date('2026-08-31T15:59:59Z'))).toBe(2025);
    expect(currentSchoolYear(new Date('2026-08-31T16:00:00Z'))).toBe(2026);
  });
});

describe('timestamps shown on the Beijing clock', () => {
  it('shows an instant in Beijing time, whatever the zone it was written in', () => {
    expect(beijingDisplay('2025-10-14T01:00:00.000Z')).toBe('2025-10-14 09:00');
    expect(beijingDisplay('2025-10-14T17:30:05Z', true)).toBe('2025-10-15 01:30:05');
    expect(beijingDisplay('2025-10-14T09:00:00+08:00')).toBe('2025-10-14 09:00');
  });
  it('leaves a bare date or unparseable text as it is', () => {
    expect(beijingDisplay('2025-10-14')).toBe('2025-10-14');
    expect(beijingDisplay('—')).toBe('—');
  });
});
