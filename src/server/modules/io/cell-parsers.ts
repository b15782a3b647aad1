import type { Cell } from './spreadsheet-reader.js';

/** Parses one cell into a value, or says (in both languages) why it cannot. Pure functions. */
export type CellParser = (cell: Cell) => { ok: true; value: unknown } | { ok: false; zh: string; en: string };

/** The vocabulary a parser accepts, for templates' drop-downs (kept beside the parser, not in its type). */
export const parserChoices = new WeakMap<CellParser, { labels: { zh: string; en: string }[]; multiple: boolean }>();

const ok = (value: unknown) => ({ ok: true as const, value });
const bad = (zh: string, en: string) => ({ ok: false as const, zh, en });

export const text: CellParser = (c) => ok(c === null ? null : c instanceof Date ? c.toISOString().slice(0, 10) : String(c));

export const integer: CellParser = (c) => {
  if (c === null) return ok(null);
  const n = typeof c === 'number' ? c : Number(String(c).replace(/,/g, ''));
  if (!Number.isFinite(n) || !Number.isInteger(n)) return bad(`“${String(c)}”不是整数`, `"${String(c)}" is not a whole number`);
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
parserChoices.set(yesNo, { labels: [{ zh: '是', en: 'Yes' }, { zh: '否', en: 'No' }], multiple: false });

/** A school year: 2025, "2025-2026" or "2025学年" all mean the year starting September 2025. */
export const schoolYear: CellParser = (c) => {
  if (c === null) return ok(null);
  const m = /^(\d{4})(?:\s*[-–~至]\s*(\d{4}))?(?:学年)?$/.exec(String(c).trim());
  if (!m || (m[2] && Number(m[2]) !== Number(m[1]) + 1)) return bad(`“${String(c)}”不是学年（如 2025 或 2025-2026）`, `"${String(c)}" is not a school year (e.g. 2025 or 2025-2026)`);
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
const listHint = (labels: Labels) => Object.values(labels).map((l) => l.zh).join('、');

/** One value from a vocabulary, by Chinese label, English label or code. */
export function oneOf(labels: Labels, aliases: Record<string, string> = {}): CellParser {
  const map = lookup(labels);
  for (const [alias, code] of Object.entries(aliases)) map.set(alias, code);
  const parser: CellParser = (c) => {
    if (c === null) return ok(null);
    const s = String(c).trim();
    const code = map.get(s) ?? map.get(s.toLowerCase());
    return code ? ok(code) : bad(`“${s}”不是有效值，可选：${listHint(labels)}`, `"${s}" is not valid; choose one of ${Object.values(labels).map((l) => l.en).join(', ')}`);
  };
  parserChoices.set(parser, { labels: Object.values(labels), multiple: false });
  return parser;
}

/** Several values separated by 、 , ， ; ； / or spaces. */
export function manyOf(labels: Labels, aliases: Record<string, string> = {}): CellParser {
  const one = oneOf(labels, aliases);
  const parser: CellParser = (c) => {
    if (c === null) return ok([]);
    const parts = String(c).split(/[、,，;；/\s]+/).filter(Boolean);
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
