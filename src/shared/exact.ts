/**
 * Exact rational arithmetic on BigInt for comparisons against published standards: a ratio such as
 * 9 teachers per 1,000 pupils × 100 is exactly 9/10, never 0.8999999999999999. Inputs that arrive as
 * JS numbers (areas and values stored as double precision) are read as the shortest decimal that
 * prints them, i.e. the decimal the user entered.
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

const abs = (x: bigint) => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function rat(n: bigint | number, d: bigint | number = 1n): Rational {
  let nn = typeof n === 'number' ? fromNumber(n) : { n, d: 1n };
  const dd = typeof d === 'number' ? fromNumber(d) : { n: d, d: 1n };
  nn = { n: nn.n * dd.d, d: nn.d * dd.n };
  if (nn.d === 0n) throw new RangeError('division by zero');
  const sign = nn.d < 0n ? -1n : 1n;
  const g = gcd(nn.n, nn.d) || 1n;
  return { n: (sign * nn.n) / g, d: (sign * nn.d) / g };
}

/** The exact value of the shortest decimal representation of a finite number. */
function fromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!m) throw new RangeError(`cannot read ${x}`);
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0) - frac.length;
  let n = BigInt(m[2]! + frac) * (m[1] ? -1n : 1n);
  let d = 1n;
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else d = 10n ** BigInt(-exp);
  return { n, d };
}

export const add = (a: Rational, b: Rational) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational) => rat(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational) => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational) => rat(a.n * b.d, a.d * b.n);
/** −1, 0 or 1 as a is below, equal to or above b. */
export function cmp(a: Rational, b: Rational): -1 | 0 | 1 {
  const l = a.n * b.d,
    r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}
export const gte = (a: Rational, b: Rational) => cmp(a, b) >= 0;
export const lte = (a: Rational, b: Rational) => cmp(a, b) <= 0;
/**
 * The nearest double. Numerator and denominator past ~1e308 (a province's exact sums of squares)
 * would each become Infinity and the quotient NaN: both are shifted down by the same number of bits
 * first, which keeps the quotient to double precision.
 */
export function toNumber(a: Rational): number {
  const bits = Math.max(bitLength(a.n), bitLength(a.d));
  if (bits <= 1000) return Number(a.n) / Number(a.d);
  const shift = BigInt(bits - 1000);
  return Number(a.n >> shift) / Number(a.d >> shift);
}
const bitLength = (x: bigint) => abs(x).toString(16).length * 4;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * a printed with `digits` decimals, rounded toward −∞ ('floor') or +∞ ('ceil'). Printing a
 * value judged "≥ standard" with floor (and "≤ limit" with ceil) at a precision at least the
 * standard's makes the printed value and the verdict agree: 0.8999… prints 0.89, not 0.90.
 */
export function toFixedDirected(a: Rational, digits: number, mode: 'floor' | 'ceil'): string {
  const scale = 10n ** BigInt(digits);
  const q = mode === 'floor' ? floorDiv(a.n * scale, a.d) : -floorDiv(-a.n * scale, a.d);
  const neg = q < 0n;
  const s = abs(q)
    .toString()
    .padStart(digits + 1, '0');
  const body = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return (neg ? '-' : '') + body;
}

/** Integer square root (floor) of a non-negative BigInt. */
function isqrt(x: bigint): bigint {
  if (x < 0n) throw new RangeError('negative');
  if (x < 2n) return x;
  let r = BigInt(Math.floor(Math.sqrt(Number(x))));
  while (r * r > x) r--;
  while ((r + 1n) * (r + 1n) <= x) r++;
  return r;
}

/** √a printed with `digits` decimals, rounded toward +∞ (for figures judged "≤ limit"). */
export function sqrtCeilFixed(a: Rational, digits: number): string {
  const scale = 10n ** BigInt(2 * digits);
  // smallest k with (k/10^digits)² ≥ a, i.e. k² ≥ a.n·10^(2digits)/a.d
  const target = -floorDiv(-a.n * scale, a.d); // ceil
  let k = isqrt(target);
  if (k * k < target) k++;
  return toFixedDirected(rat(k, 10n ** BigInt(digits)), digits, 'floor');
}
