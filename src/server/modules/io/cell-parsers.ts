import type { Cell } from './spreadsheet-reader.js';

/** Parses one cell into a value, or says (in both languages) why it cannot. Pure functions. */
export type CellParser = (cell: Cell) => { ok: true; value: unknown } | { ok: false; zh: string; en: string };

/** The vocabulary a parser accepts, for templates' drop-downs (kept beside the parser, not in its type). */
export const parserChoices = new WeakMap<CellParser, { labels: { zh: string; en: string }[]; multiple: boolean }>();

const ok = (value: unknown) => ({ ok: true as const, value });
const bad = (zh: string, en: string) => ({ ok: false as const, zh, en });

export const text: CellParser = (c) =>
  ok(c === null ? null : c instanceof Date ? c.toISOString().slice(0, 10) : String(c));

export const integer: CellParser = (c) => {
  if (c === null) return ok(null);
  const n = typeof c === 'number' ? c : Number(String(c).replace(/,/g, ''));
  if (!Number.isFinite(n) || !Number.isInteger(n))
    return bad(`“${String(c)}”不是整数`, `"${String(c)}" is not a whole number`);
  return ok(n);
};

export const decimal: CellParser = (c) => {
  if (c === null) return ok(null);
  const n = typeof c === 'number' ? c : Number(String(c).replace(/,/g, ''));
  if (!Number.isFinite(n)) return bad(`“${String(c)}”不是数字`, `"${String(c)}" is not a number`);
  return ok(n);
};

const TRUE = new Set(['是', 'y', 'yes', 'true', '1', '有', '√']);
const FALSE = new Set(['否', 'n', 'no', 'false', '0', '无', '×']);
export const yesNo: CellParser = (c) => {
  if (c === null) return ok(null);
  if (typeof c === 'boolean') return ok(c);
  const s = String(c).trim().toLowerCase();
  if (TRUE.has(s)) return ok(true);
  if (FALSE.has(s)) return ok(false);
  return bad(`“${String(c)}”应填“是”或“否”`, `"${String(c)}" must be yes or no`);
};
parserChoices.set(yesNo, {
  labels: [
    { zh: '是', en: 'Yes' },
    { zh: '否', en: 'No' },
  ],
  multiple: false,
});

/** A school year: 2025, "2025-2026" or "2025学年" all mean the year starting September 2025. */
export const schoolYear: CellParser = (c) => {
  if (c === null) return ok(null);
  const m = /^(\d{4})(?:\s*[-–~至]\s*(\d{4}))?(?:学年)?$/.exec(String(c).trim());
  if (!m || (m[2] && Number(m[2]) !== Number(m[1]) + 1))
    return bad(
      `“${String(c)}”不是学年（如 2025 或 2025-2026）`,
      `"${String(c)}" is not a school year (e.g. 2025 or 2025-2026)`,
    );
  return ok(Number(m[1]));
};

type Labels = Record<string, { zh: string; en: string }>;
function lookup(labels: Labels) {
  const map = new Map<string, string>();
  for (const [code, l] of Object.entries(labels)) {
    map.set(code.toLowerCase(), code);
    map.set(l.zh, code);
    map.set(l.en.toLowerCase(), code);
  }
  return map;
}
const listHint = (labels: Labels) =>
  Object.values(labels)
    .map((l) => l.zh)
    .join('、');

/** One value from a vocabulary, by Chinese label, English label or code. */
export function oneOf(labels: Labels, aliases: Record<string, string> = {}): CellParser {
  const map = lookup(labels);
  for (const [alias, code] of Object.entries(aliases)) map.set(alias, code);
  const parser: CellParser = (c) => {
    if (c === null) return ok(null);
    const s = String(c).trim();
    const code = map.get(s) ?? map.get(s.toLowerCase());
    return code
      ? ok(code)
      : bad(
          `“${s}”不是有效值，可选：${listHint(labels)}`,
          `"${s}" is not valid; choose one of ${Object.values(labels)
            .map((l) => l.en)
            .join(', ')}`,
        );
  };
  parserChoices.set(parser, { labels: Object.values(labels), multiple: false });
  return parser;
}

/** Several values separated by 、 , ， ; ； / or spaces. */
export function manyOf(labels: Labels, aliases: Record<string, string> = {}): CellParser {
  const one = oneOf(labels, aliases);
  const parser: CellParser = (c) => {
    if (c === null) return ok([]);
    const parts = String(c)
      .split(/[、,，;；/\s]+/)
      .filter(Boolean);
    const values: string[] = [];
    for (const p of parts) {
      const r = one(p);
      if (!r.ok) return r;
      if (!values.includes(r.value as string)) values.push(r.value as string);
    }
    return ok(values);
  };
  parserChoices.set(parser, { labels: Object.values(labels), multiple: true });
  return parser;
}

const FIX_CODE_ZH = '请将该列设置为"文本"格式后重新录入，或使用模板';
const FIX_CODE_EN = 'format the column as Text and re-enter the codes, or use the template';

/**
 * A code (身份证号, 学籍号, 教师编号, 学校代码…) is text. A number cell holds at most 15 significant
 * digits, so a longer code typed into one has already lost its last digits in the file: refuse it.
 */
export const code: CellParser = (c) => {
  if (c === null) return ok(null);
  if (c instanceof Date)
    return bad(
      `“${c.toISOString().slice(0, 10)}”是日期，不是代码；${FIX_CODE_ZH}`,
      `A date is not a code; ${FIX_CODE_EN}`,
    );
  if (typeof c === 'boolean') return bad(`“${String(c)}”不是代码`, `"${String(c)}" is not a code`);
  if (typeof c === 'number') {
    if (!Number.isInteger(c) || c < 0)
      return bad(
        `“${String(c)}”不是代码（数字单元格）；${FIX_CODE_ZH}`,
        `"${String(c)}" is not a code (number cell); ${FIX_CODE_EN}`,
      );
    // 1e15 and above: Excel keeps 15 significant digits, so the last ones may already be zeros
    if (c >= 1e15)
      return bad(
        `代码存为数字，超过 15 位后的数字已丢失（读到 ${c.toLocaleString('en-US', { useGrouping: false })}）；${FIX_CODE_ZH}`,
        `The code is stored as a number and lost its digits after the 15th (read ${c.toLocaleString('en-US', { useGrouping: false })}); ${FIX_CODE_EN}`,
      );
    return ok(String(c));
  }
  const s = String(c).trim();
  if (/^[+-]?\d+(\.\d+)?[eE][+-]?\d+$/.test(s))
    return bad(
      `“${s}”是科学计数法，代码已丢失位数；${FIX_CODE_ZH}`,
      `"${s}" is in scientific notation: the code lost digits; ${FIX_CODE_EN}`,
    );
  return ok(s);
};

/** Days from 1899-12-30 (Excel's day 0, counting its 1900 leap-year bug) to a UTC date. */
function fromSerial(n: number): Date {
  return new Date(Date.UTC(1899, 11, 30) + Math.round(n * 86400000));
}

export interface DateParts {
  year: number;
  month: number | null;
  day: number | null;
}

const validParts = (y: number, m: number | null, d: number | null): DateParts | null => {
  if (y < 1900 || y > 2100) return null;
  if (m !== null && (m < 1 || m > 12)) return null;
  if (d !== null) {
    const last = new Date(Date.UTC(y, m ?? 1, 0)).getUTCDate();
    if (m === null || d < 1 || d > last) return null;
  }
  return { year: y, month: m, day: d };
};

/**
 * Reads a date as bureaus type it: a real date cell, an Excel serial number, "2025-09-01",
 * "2025.9.1", "2025/9/1", "2025年9月1日", "2025-09", "2025年9月", "202509", "20250901" or "2025".
 * A bare number from 1900 to 2100 is a year, not a serial (serials that small are in 1905).
 */
export function dateParts(c: Cell): DateParts | null {
  if (c === null || typeof c === 'boolean') return null;
  if (c instanceof Date) return { year: c.getUTCFullYear(), month: c.getUTCMonth() + 1, day: c.getUTCDate() };
  if (typeof c === 'number') {
    if (Number.isInteger(c) && c >= 1900 && c <= 2100) return { year: c, month: null, day: null };
    if (Number.isInteger(c) && c >= 190001 && c <= 210012) return validParts(Math.floor(c / 100), c % 100, null);
    if (Number.isInteger(c) && c >= 19000101 && c <= 21001231)
      return validParts(Math.floor(c / 10000), Math.floor(c / 100) % 100, c % 100);
    if (c > 366 && c < 73051) {
      // a serial between 1901 and 2099
      const d = fromSerial(c);
      return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    }
    return null;
  }
  const s = String(c).trim().replace(/\s+/g, '');
  let m = /^(\d{4})(?:年)?$/.exec(s);
  if (m) return validParts(Number(m[1]), null, null);
  m = /^(\d{4})(\d{2})$/.exec(s);
  if (m) return validParts(Number(m[1]), Number(m[2]), null);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return validParts(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})[-./年](\d{1,2})(?:月)?$/.exec(s);
  if (m) return validParts(Number(m[1]), Number(m[2]), null);
  m = /^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})(?:日)?(?:T.*|\d{1,2}:\d{2}(:\d{2})?)?$/.exec(s);
  if (m) return validParts(Number(m[1]), Number(m[2]), Number(m[3]));
  if (/^\d+(\.\d+)?$/.test(s)) return dateParts(Number(s));
  return null;
}

const DATE_HINT_ZH = '可填 2025-09-01、2025.9.1、2025/9/1、2025年9月1日、2025-09、202509 或 2025';
const DATE_HINT_EN = 'use e.g. 2025-09-01, 2025.9.1, 2025/9/1, 2025年9月1日, 2025-09, 202509 or 2025';

/** A year field: a year, or any date (its year is taken). A date cell is never read as a serial-number year. */
export const yearOf: CellParser = (c) => {
  if (c === null) return ok(null);
  const p = dateParts(c);
  return p
    ? ok(p.year)
    : bad(`“${String(c)}”不是年份或日期；${DATE_HINT_ZH}`, `"${String(c)}" is not a year or date; ${DATE_HINT_EN}`);
};

/** A full date as YYYY-MM-DD; a year-month or a year alone is refused (the day is needed). */
export const date: CellParser = (c) => {
  if (c === null) return ok(null);
  const p = dateParts(c);
  if (!p || p.month === null || p.day === null)
    return bad(`“${String(c)}”不是完整日期；${DATE_HINT_ZH}`, `"${String(c)}" is not a full date; ${DATE_HINT_EN}`);
  return ok(`${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`);
};

/** A year-month as YYYY-MM; a full date gives its month. */
export const yearMonth: CellParser = (c) => {
  if (c === null) return ok(null);
  const p = dateParts(c);
  if (!p || p.month === null)
    return bad(`“${String(c)}”不是年月；${DATE_HINT_ZH}`, `"${String(c)}" is not a year and month; ${DATE_HINT_EN}`);
  return ok(`${p.year}-${String(p.month).padStart(2, '0')}`);
};
