import type { ExchangeStatus } from '../../../shared/exchange.enums';

export const STATUS_COLOR: Record<ExchangeStatus, string> = {
  planned: 'default',
  active: 'processing',
  completed: 'success',
  cancelled: 'error',
};

/** School years from 2019–2020 (when Haining began counting hours) to next year, newest first. */
export function schoolYearOptions(t: (k: string, o?: Record<string, unknown>) => string) {
  const out = [];
  for (let y = 2027; y >= 2019; y--)
    out.push({ value: String(y), label: t('schoolYearLabel', { from: y, to: y + 1 }) });
  return out;
}

export const percent = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
