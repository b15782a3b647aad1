/**
 * The formula language of computed indicators: numbers, series names, + − × ÷, comparisons,
 * parentheses and a few functions (min, max, if, safe_div, abs, round). Tokenizer, parser,
 * checker and evaluator are plain functions; nothing is ever handed to `eval`. Shared so the
 * scheme builder can check a formula as it is typed, and the server checks it again on save.
 *
 *   expr    := cmp
 *   cmp     := sum (('>' | '>=' | '<' | '<=' | '==' | '!=') sum)?
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/' | '×' | '÷') unary)*
 *   unary   := '-' unary | atom
 *   atom    := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
 */

export type Token =
  | { t: 'num'; v: number; at: number }
  | { t: 'name'; v: string; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'lp' | 'rp' | 'comma'; at: number };

export type Node =
  | { k: 'num'; v: number }
  | { k: 'ref'; name: string; at: number }
  | { k: 'neg'; e: Node }
  | { k: 'bin'; op: '+' | '-' | '*' | '/'; l: Node; r: Node; at: number }
  | { k: 'cmp'; op: '>' | '>=' | '<' | '<=' | '==' | '!='; l: Node; r: Node }
  | { k: 'call'; fn: FnName; args: Node[]; at: number };

export const FUNCTIONS = {
  min: [2, 9],
  max: [2, 9],
  if: [3, 3],
  safe_div: [2, 3],
  abs: [1, 1],
  round: [1, 2],
} as const;
export type FnName = keyof typeof FUNCTIONS;

export interface FormulaIssue {
  code:
    'syntax' | 'unknown_series' | 'unknown_function' | 'arity' | 'unguarded_division' | 'unit_mismatch' | 'too_long';
  at: number;
  zh: string;
  en: string;
}

export class FormulaError extends Error {
  constructor(readonly issue: FormulaIssue) {
    super(issue.en);
  }
}

const syntax = (at: number, zh: string, en: string) => new FormulaError({ code: 'syntax', at, zh, en });
export const MAX_FORMULA_LENGTH = 500;

export function tokenize(src: string): Token[] {
  if (src.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError({
      code: 'too_long',
      at: 0,
      zh: `公式过长（上限 ${MAX_FORMULA_LENGTH} 个字符）`,
      en: `Formula too long (limit ${MAX_FORMULA_LENGTH})`,
    });
  }
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9.]/.test(c)) {
      const m = /^(\d+(\.\d*)?|\.\d+)/.exec(src.slice(i));
      if (!m) throw syntax(i, `位置 ${i + 1}：数字格式不正确`, `Position ${i + 1}: malformed number`);
      out.push({ t: 'num', v: Number(m[0]), at: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'name', v: m[0], at: i });
      i += m[0].length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['>=', '<=', '==', '!='].includes(two)) {
      out.push({ t: 'op', v: two, at: i });
      i += 2;
      continue;
    }
    if ('+-*/><'.includes(c)) {
      out.push({ t: 'op', v: c, at: i });
      i++;
      continue;
    }
    if (c === '×') {
      out.push({ t: 'op', v: '*', at: i });
      i++;
      continue;
    }
    if (c === '÷') {
      out.push({ t: 'op', v: '/', at: i });
      i++;
      continue;
    }
    if (c === '−') {
      out.push({ t: 'op', v: '-', at: i });
      i++;
      continue;
    }
    if (c === '(' || c === '（') {
      out.push({ t: 'lp', at: i });
      i++;
      continue;
    }
    if (c === ')' || c === '）') {
      out.push({ t: 'rp', at: i });
      i++;
      continue;
    }
    if (c === ',' || c === '，') {
      out.push({ t: 'comma', at: i });
      i++;
      continue;
    }
    throw syntax(i, `位置 ${i + 1}：不认识的字符“${c}”`, `Position ${i + 1}: unexpected character "${c}"`);
  }
  return out;
}

export function parse(src: string): Node {
  const tokens = tokenize(src);
  let p = 0;
  const peek = () => tokens[p];
  const end = src.length;
  const where = () => peek()?.at ?? end;

  function atom(): Node {
    const tok = tokens[p++];
    if (!tok) throw syntax(end, '公式不完整', 'The formula ends too early');
    if (tok.t === 'num') return { k: 'num', v: tok.v };
    if (tok.t === 'lp') {
      const e = cmp();
      if (peek()?.t !== 'rp')
        throw syntax(where(), `位置 ${where() + 1}：缺少右括号`, `Position ${where() + 1}: missing ")"`);
      p++;
      return e;
    }
    if (tok.t === 'name') {
      if (peek()?.t !== 'lp') return { k: 'ref', name: tok.v, at: tok.at };
      p++;
      const args: Node[] = [];
      if (peek()?.t !== 'rp') {
        for (;;) {
          args.push(cmp());
          if (peek()?.t === 'comma') {
            p++;
            continue;
          }
          break;
        }
      }
      if (peek()?.t !== 'rp')
        throw syntax(
          where(),
          `位置 ${where() + 1}：函数 ${tok.v} 缺少右括号`,
          `Position ${where() + 1}: missing ")" after ${tok.v}(`,
        );
      p++;
      const spec = (FUNCTIONS as Record<string, readonly [number, number]>)[tok.v];
      if (!spec)
        throw new FormulaError({
          code: 'unknown_function',
          at: tok.at,
          zh: `不认识的函数“${tok.v}”，可用：${Object.keys(FUNCTIONS).join('、')}`,
          en: `Unknown function "${tok.v}"; available: ${Object.keys(FUNCTIONS).join(', ')}`,
        });
      if (args.length < spec[0] || args.length > spec[1]) {
        throw new FormulaError({
          code: 'arity',
          at: tok.at,
          zh: `函数 ${tok.v} 需要 ${spec[0]}${spec[1] > spec[0] ? `–${spec[1]}` : ''} 个参数`,
          en: `${tok.v} takes ${spec[0]}${spec[1] > spec[0] ? `–${spec[1]}` : ''} arguments`,
        });
      }
      return { k: 'call', fn: tok.v as FnName, args, at: tok.at };
    }
    throw syntax(
      tok.at,
      `位置 ${tok.at + 1}：此处应为数字、数据项或括号`,
      `Position ${tok.at + 1}: expected a number, a series or "("`,
    );
  }
  function unary(): Node {
    const tok = peek();
    if (tok?.t === 'op' && tok.v === '-') {
      p++;
      return { k: 'neg', e: unary() };
    }
    return atom();
  }
  function product(): Node {
    let l = unary();
    for (let tok = peek(); tok?.t === 'op' && (tok.v === '*' || tok.v === '/'); tok = peek()) {
      p++;
      l = { k: 'bin', op: tok.v, l, r: unary(), at: tok.at };
    }
    return l;
  }
  function sum(): Node {
    let l = product();
    for (let tok = peek(); tok?.t === 'op' && (tok.v === '+' || tok.v === '-'); tok = peek()) {
      p++;
      l = { k: 'bin', op: tok.v, l, r: product(), at: tok.at };
    }
    return l;
  }
  function cmp(): Node {
    const l = sum();
    const tok = peek();
    if (tok?.t === 'op' && ['>', '>=', '<', '<=', '==', '!='].includes(tok.v)) {
      p++;
      return { k: 'cmp', op: tok.v as '>', l, r: sum() };
    }
    return l;
  }
  if (tokens.length === 0) throw syntax(0, '公式为空', 'The formula is empty');
  const tree = cmp();
  if (p < tokens.length)
    throw syntax(
      tokens[p]!.at,
      `位置 ${tokens[p]!.at + 1}：多余的内容`,
      `Position ${tokens[p]!.at + 1}: unexpected input`,
    );
  return tree;
}

export function seriesOf(node: Node, into = new Set<string>()): Set<string> {
  switch (node.k) {
    case 'ref':
      into.add(node.name);
      break;
    case 'neg':
      seriesOf(node.e, into);
      break;
    case 'bin':
    case 'cmp':
      seriesOf(node.l, into);
      seriesOf(node.r, into);
      break;
    case 'call':
      node.args.forEach((a) => seriesOf(a, into));
      break;
    default:
      break;
  }
  return into;
}

// ---------- units: a map of base unit → exponent; {} is a plain number ----------
export type Unit = Record<string, number>;
const clean = (u: Unit): Unit => Object.fromEntries(Object.entries(u).filter(([, e]) => e !== 0));
const mul = (a: Unit, b: Unit, sign = 1): Unit => {
  const out: Unit = { ...a };
  for (const [k, e] of Object.entries(b)) out[k] = (out[k] ?? 0) + sign * e;
  return clean(out);
};
export const sameUnit = (a: Unit, b: Unit) =>
  JSON.stringify(Object.entries(clean(a)).sort()) === JSON.stringify(Object.entries(clean(b)).sort());

/** "次/校" style text of a unit, for messages; `labels` words base units. */
export function unitText(u: Unit, labels: Record<string, string> = {}): string {
  const word = (k: string) => labels[k] ?? k;
  const entries = Object.entries(u).sort(([a], [b]) => a.localeCompare(b));
  const up = entries.filter(([, e]) => e > 0).map(([k, e]) => word(k) + (e > 1 ? `^${e}` : ''));
  const down = entries.filter(([, e]) => e < 0).map(([k, e]) => word(k) + (e < -1 ? `^${-e}` : ''));
  if (!up.length && !down.length) return '1';
  return `${up.join('·') || '1'}${down.length ? `/${down.join('·')}` : ''}`;
}

/** A unit from its text form: "hour/person" → {hour: 1, person: -1}; "" or "1" → {}. */
export function parseUnit(text: string): Unit {
  if (!text || text === '1') return {};
  const [up = '', down = ''] = text.split('/');
  const out: Unit = {};
  for (const k of up.split('·').filter((x) => x && x !== '1')) out[k] = (out[k] ?? 0) + 1;
  for (const k of down.split('·').filter(Boolean)) out[k] = (out[k] ?? 0) - 1;
  return clean(out);
}

export interface SeriesInfo {
  unit: Unit;
}

const same = (a: Node, b: Node): boolean => JSON.stringify(strip(a)) === JSON.stringify(strip(b));
function strip(n: Node): unknown {
  switch (n.k) {
    case 'ref':
      return { k: 'ref', name: n.name };
    case 'neg':
      return { k: 'neg', e: strip(n.e) };
    case 'bin':
      return { k: 'bin', op: n.op, l: strip(n.l), r: strip(n.r) };
    case 'cmp':
      return { k: 'cmp', op: n.op, l: strip(n.l), r: strip(n.r) };
    case 'call':
      return { k: 'call', fn: n.fn, args: n.args.map(strip) };
    default:
      return n;
  }
}

/** True when the value of `d` can never be zero: a non-zero literal, or max(…, c) with c > 0. */
function surelyNonZero(d: Node): boolean {
  if (d.k === 'num') return d.v !== 0;
  if (d.k === 'neg') return surelyNonZero(d.e);
  if (d.k === 'call' && d.fn === 'max') return d.args.some((a) => a.k === 'num' && a.v > 0);
  if (d.k === 'bin' && d.op === '*') return surelyNonZero(d.l) && surelyNonZero(d.r);
  return false;
}

/** Whether a condition guarantees `d` ≠ 0 in the "then" branch: d > 0, d != 0, d >= c (c > 0), 0 < d … */
function guards(cond: Node, d: Node): boolean {
  if (cond.k !== 'cmp') return false;
  const { op, l, r } = cond;
  const zeroOrMore = (n: Node, strict: boolean) => n.k === 'num' && (strict ? n.v >= 0 : n.v > 0);
  if (same(l, d))
    return (
      (op === '>' && zeroOrMore(r, true)) ||
      (op === '!=' && r.k === 'num' && r.v === 0) ||
      (op === '>=' && zeroOrMore(r, false))
    );
  if (same(r, d))
    return (
      (op === '<' && zeroOrMore(l, true)) ||
      (op === '!=' && l.k === 'num' && l.v === 0) ||
      (op === '<=' && zeroOrMore(l, false))
    );
  return false;
}

/**
 * Checks a parsed formula against the known series: every name exists, every division has a
 * denominator that cannot be zero (or is guarded), and units add up. Returns the result unit.
 */
export function checkFormula(node: Node, series: Record<string, SeriesInfo>): { unit: Unit; issues: FormulaIssue[] } {
  const issues: FormulaIssue[] = [];
  const guarded: Node[] = [];

  // a literal number takes whatever unit it is combined with ("target 20" needs no unit)
  type U = Unit | 'any';
  const combine = (a: U, b: U, at: number, what: string): U => {
    if (a === 'any') return b;
    if (b === 'any') return a;
    if (!sameUnit(a, b)) {
      issues.push({
        code: 'unit_mismatch',
        at,
        zh: `单位不一致：${what}的两边分别是“${unitText(a)}”和“${unitText(b)}”`,
        en: `Unit mismatch in ${what}: "${unitText(a)}" vs "${unitText(b)}"`,
      });
    }
    return a;
  };

  function walk(n: Node): U {
    switch (n.k) {
      case 'num':
        return 'any';
      case 'ref': {
        const s = series[n.name];
        if (!s) {
          issues.push({
            code: 'unknown_series',
            at: n.at,
            zh: `未知数据项“${n.name}”`,
            en: `Unknown series "${n.name}"`,
          });
          return 'any';
        }
        return s.unit;
      }
      case 'neg':
        return walk(n.e);
      case 'cmp': {
        combine(walk(n.l), walk(n.r), 0, '比较 comparison');
        return {};
      }
      case 'bin': {
        const l = walk(n.l);
        const r = walk(n.r);
        if (n.op === '+' || n.op === '-')
          return combine(l, r, n.at, n.op === '+' ? '加法 addition' : '减法 subtraction');
        if (n.op === '/' && !surelyNonZero(n.r) && !guarded.some((g) => same(g, n.r))) {
          issues.push({
            code: 'unguarded_division',
            at: n.at,
            zh: '除数可能为零：请改用 safe_div(分子, 分母) 或 if(分母 > 0, 分子 / 分母, 0)',
            en: 'The denominator may be zero: use safe_div(numerator, denominator) or if(denominator > 0, numerator / denominator, 0)',
          });
        }
        if (l === 'any' && r === 'any') return 'any';
        const lu = l === 'any' ? {} : l;
        const ru = r === 'any' ? {} : r;
        return n.op === '*' ? mul(lu, ru) : mul(lu, ru, -1);
      }
      case 'call': {
        if (n.fn === 'if') {
          const [c, a, b] = n.args as [Node, Node, Node];
          walk(c);
          const denominators = c.k === 'cmp' ? [c.l, c.r] : [];
          const pushed = denominators.filter((d) => guards(c, d));
          guarded.push(...pushed);
          const ua = walk(a);
          guarded.splice(guarded.length - pushed.length, pushed.length);
          return combine(ua, walk(b), n.at, 'if 的两个结果 if branches');
        }
        if (n.fn === 'safe_div') {
          const [a, b, fallback] = n.args as [Node, Node, Node | undefined];
          const ua = walk(a);
          const ub = walk(b);
          const u: U = ua === 'any' && ub === 'any' ? 'any' : mul(ua === 'any' ? {} : ua, ub === 'any' ? {} : ub, -1);
          return fallback ? combine(u, walk(fallback), n.at, 'safe_div 的默认值 fallback') : u;
        }
        if (n.fn === 'min' || n.fn === 'max')
          return n.args.map(walk).reduce((acc, u) => combine(acc, u, n.at, `${n.fn}()`));
        return walk(n.args[0]!);
      }
      default:
        return 'any';
    }
  }
  const u = walk(node);
  return { unit: u === 'any' ? {} : u, issues };
}

/** Evaluates a formula; a missing series value or a guarded zero division yields the fallback path. */
export function evaluate(node: Node, values: Record<string, number | null | undefined>): number | null {
  function ev(n: Node): number | null {
    switch (n.k) {
      case 'num':
        return n.v;
      case 'ref': {
        const v = values[n.name];
        return v === undefined || v === null || !Number.isFinite(v) ? null : v;
      }
      case 'neg': {
        const v = ev(n.e);
        return v === null ? null : -v;
      }
      case 'cmp': {
        const l = ev(n.l);
        const r = ev(n.r);
        if (l === null || r === null) return null;
        const ok =
          n.op === '>'
            ? l > r
            : n.op === '>='
              ? l >= r
              : n.op === '<'
                ? l < r
                : n.op === '<='
                  ? l <= r
                  : n.op === '=='
                    ? l === r
                    : l !== r;
        return ok ? 1 : 0;
      }
      case 'bin': {
        const l = ev(n.l);
        const r = ev(n.r);
        if (l === null || r === null) return null;
        if (n.op === '+') return l + r;
        if (n.op === '-') return l - r;
        if (n.op === '*') return l * r;
        return r === 0 ? null : l / r;
      }
      case 'call': {
        if (n.fn === 'if') {
          const c = ev(n.args[0]!);
          if (c === null) return null;
          return c !== 0 ? ev(n.args[1]!) : ev(n.args[2]!);
        }
        if (n.fn === 'safe_div') {
          const a = ev(n.args[0]!);
          const b = ev(n.args[1]!);
          const fallback = n.args[2] ? ev(n.args[2]) : 0;
          if (a === null || b === null) return null;
          return b === 0 ? fallback : a / b;
        }
        const args = n.args.map(ev);
        if (args.some((a) => a === null)) return null;
        const xs = args as number[];
        if (n.fn === 'min') return Math.min(...xs);
        if (n.fn === 'max') return Math.max(...xs);
        if (n.fn === 'abs') return Math.abs(xs[0]!);
        const digits = xs[1] ?? 0;
        const f = 10 ** Math.max(0, Math.min(6, Math.round(digits)));
        return Math.round(xs[0]! * f) / f;
      }
      default:
        return null;
    }
  }
  return ev(node);
}

/** Parses and checks in one step, collecting a syntax error as an issue (for forms). */
export function analyseFormula(
  src: string,
  series: Record<string, SeriesInfo>,
): { node: Node | null; unit: Unit; series: string[]; issues: FormulaIssue[] } {
  try {
    const node = parse(src);
    const { unit, issues } = checkFormula(node, series);
    return { node, unit, series: [...seriesOf(node)], issues };
  } catch (err) {
    if (err instanceof FormulaError) return { node: null, unit: {}, series: [], issues: [err.issue] };
    throw err;
  }
}
