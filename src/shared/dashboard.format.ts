/**
 * Numbers the way Chinese reports write them: 49,950 stays exact, 440,000 becomes 44万 and
 * 230,000,000 becomes 2.3亿 (where a reader would say it that way). Pure, shared by the web app,
 * the big screen and the annual report; never returns NaN or Infinity — missing data reads "—".
 */
export type NumberLang = 'zh' | 'en';

export const EMPTY = '—';

function trim(v: number, digits: number): string {
  return v.toFixed(digits).replace(/\.?0+$/, '');
}

function grouped(v: number, digits = 0): string {
  const [int = '0', frac] = Math.abs(v).toFixed(digits).split('.');
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const s = frac && /[1-9]/.test(frac) ? `${g}.${frac.replace(/0+$/, '')}` : g;
  return v < 0 ? `-${s}` : s;
}

/** A count or a sum: 万 from 100,000 and 亿 from 100,000,000 in Chinese; K/M/B in English. */
export function formatNumber(value: number | null | undefined, lang: NumberLang = 'zh'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  if (lang === 'zh') {
    if (abs >= 1e8) return `${sign}${trim(abs / 1e8, 2)}亿`;
    if (abs >= 1e5) return `${sign}${trim(abs / 1e4, 2)}万`;
    return grouped(value, Number.isInteger(value) ? 0 : 1);
  }
  if (abs >= 1e9) return `${sign}${trim(abs / 1e9, 2)}B`;
  if (abs >= 1e6) return `${sign}${trim(abs / 1e6, 2)}M`;
  return grouped(value, Number.isInteger(value) ? 0 : 1);
}

/**
 * Points, scores and hours: always one decimal with thousands separators — 1,824.0, never 1,824.00
 * or 1,824 — as every table of the web app writes them (labels.ts points() and hours()).
 */
export function formatOneDecimal(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  const [int = '0', frac = '0'] = Math.abs(value).toFixed(1).split('.');
  const s = `${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
  return value < 0 && s !== '0.0' ? `-${s}` : s;
}

/** Units written with one decimal (until the large numbers read as 万 or K/M). */
const ONE_DECIMAL = new Set(['score', 'hours']);

/** A share already in percent (0–100), one decimal: 15.2%. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  return `${trim(value, 1)}%`;
}

/** num / den in percent with one decimal; null when there is nothing to divide by. */
export function percentOf(num: number, den: number): number | null {
  if (!Number.isFinite(num) || !Number.isFinite(den) || den <= 0) return null;
  return Math.round((num / den) * 1000) / 10;
}

const UNIT_SUFFIX: Record<string, { zh: string; en: string }> = {
  schools: { zh: '所', en: 'schools' },
  communities: { zh: '个', en: '' },
  teachers: { zh: '人', en: 'teachers' },
  sessions: { zh: '节', en: 'sessions' },
  times: { zh: '人次', en: 'person-times' },
  hours: { zh: '小时', en: 'hours' },
  people: { zh: '人', en: 'people' },
  students: { zh: '人', en: 'students' },
  items: { zh: '件', en: 'items' },
  views: { zh: '次', en: 'views' },
  score: { zh: '分', en: 'points' },
  rank: { zh: '名', en: '' },
  pp: { zh: '个百分点', en: 'pp' },
};

/** A change keeps its sign in front: +0.5, -2.1; what shows as 0 has none. */
function withSign(value: number, lang: NumberLang): string {
  const n = formatNumber(Math.abs(value), lang);
  if (n === '0') return n;
  if (value > 0) return `+${n}`;
  return value < 0 ? `-${n}` : n;
}

/** A figure with its unit: "4.99万人次", "15.2%", "—" for no data. */
export function formatFigure(value: number | null | undefined, unit: string, lang: NumberLang = 'zh'): string {
  if (unit === 'percent') return formatPercent(value);
  if (unit === 'rank')
    return value === null || value === undefined || !Number.isFinite(value)
      ? EMPTY
      : lang === 'zh'
        ? `第 ${value} 名`
        : `#${value}`;
  if (unit === 'scoreChange' || unit === 'ppChange') {
    if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
    const suffix = UNIT_SUFFIX[unit === 'scoreChange' ? 'score' : 'pp']![lang];
    return lang === 'zh' ? `${withSign(value, lang)}${suffix}` : `${withSign(value, lang)} ${suffix}`;
  }
  const n =
    ONE_DECIMAL.has(unit) && value !== null && value !== undefined && Math.abs(value) < 1e5
      ? formatOneDecimal(value)
      : formatNumber(value, lang);
  if (n === EMPTY) return n;
  const suffix = UNIT_SUFFIX[unit]?.[lang] ?? '';
  if (!suffix) return n;
  return lang === 'zh' ? `${n}${suffix}` : `${n} ${suffix}`;
}
