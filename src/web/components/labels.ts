import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Labelled } from '../../shared/enums';
import { beijingDisplay } from '../../shared/beijing-time';
import { gradeName } from '../../shared/grades';
import { formatOneDecimal } from '../../shared/dashboard.format';

/** Words shared enum codes (zh/en label maps from src/shared/enums) in the UI language. */
export function useLabels() {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en-US';
  const label = <K extends string>(map: Record<K, Labelled>, code: K | null | undefined): string => {
    if (code === null || code === undefined) return '—';
    const l = map[code];
    return l ? (en ? l.en : l.zh) : String(code);
  };
  const options = <K extends string>(map: Record<K, Labelled>, codes?: readonly K[]) =>
    (codes ?? (Object.keys(map) as K[])).map((value) => ({ value, label: label(map, value) }));
  /** 六年级 / Grade 6 — the one way a grade is written (src/shared/grades.ts). */
  const grade = (g: number | string | null | undefined) =>
    g === null || g === undefined || g === '' ? '—' : gradeName(g, en ? 'en' : 'zh');
  return { label, options, en, grade };
}

/** Numbers for display: never NaN, a dash when missing. */
export function num(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
/** Hours (exchange, class hours): one formatter, always one decimal — 1,824.0, never 1,824.00 beside it. */
export function hours(n: number | null | undefined): string {
  return formatOneDecimal(n);
}
/** Points and scores (results, explanation, dashboard): always one decimal — 1,824.0, never 1,824.00 or 1,824. */
export function points(n: number | null | undefined): string {
  return formatOneDecimal(n);
}
export function pct(part: number | null | undefined, whole: number | null | undefined): string {
  if (part == null || whole == null || !whole || !Number.isFinite(part / whole)) return '—';
  return `${((part / whole) * 100).toFixed(1)}%`;
}
/** A timestamp on the Beijing clock, whatever the device's zone. */
export function dateTime(s: string | null | undefined): string {
  if (!s) return '—';
  if (s.includes('T')) return beijingDisplay(s, true);
  const d = dayjs(s);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : s;
}
