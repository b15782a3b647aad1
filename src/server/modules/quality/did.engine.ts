/**
 * Difference in differences with standard errors clustered by school, written out so it can be
 * checked by hand: ordinary least squares, the cluster-robust ("sandwich") covariance with the
 * usual small-sample factor G/(G−1)·(N−1)/(N−K) (Stata's CR1), and Student-t intervals with G−1
 * degrees of freedom. Pure functions of data → data.
 */

export type Matrix = number[][];

export function transpose(a: Matrix): Matrix {
  return a[0] ? a[0].map((_, j) => a.map((r) => r[j]!)) : [];
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => (b[0] ?? []).map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

/** Gauss–Jordan inverse with partial pivoting; null when the matrix is (numerically) singular. */
export function invert(m: Matrix): Matrix | null {
  const n = m.length;
  const a = m.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  const scale = Math.max(1e-300, ...m.flat().map(Math.abs));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-10 * scale) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    for (let j = 0; j < 2 * n; j++) a[c]![j]! /= pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      if (f === 0) continue;
      for (let j = 0; j < 2 * n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((r) => r.slice(n));
}

export interface OlsResult {
  beta: number[];
  se: number[];
  vcov: Matrix;
  residuals: number[];
  n: number;
  k: number;
  clusters: number;
}

/** OLS of y on X (X includes the constant column) with covariance clustered by `cluster`. */
export function olsClustered(X: Matrix, y: number[], cluster: (string | number)[]): OlsResult | null {
  const n = X.length;
  const k = X[0]?.length ?? 0;
  if (n === 0 || k === 0 || y.length !== n || cluster.length !== n) return null;
  const Xt = transpose(X);
  const bread = invert(multiply(Xt, X));
  if (!bread) return null;
  const Xty = Xt.map((col) => col.reduce((s, v, i) => s + v * y[i]!, 0));
  const beta = bread.map((row) => row.reduce((s, v, j) => s + v * Xty[j]!, 0));
  const residuals = X.map((row, i) => y[i]! - row.reduce((s, v, j) => s + v * beta[j]!, 0));
  // meat: Σ over clusters of (X_g' e_g)(X_g' e_g)'
  const scores = new Map<string | number, number[]>();
  X.forEach((row, i) => {
    const s = scores.get(cluster[i]!) ?? new Array<number>(k).fill(0);
    row.forEach((v, j) => (s[j]! += v * residuals[i]!));
    scores.set(cluster[i]!, s);
  });
  const meat: Matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const s of scores.values())
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) meat[a]![b]! += s[a]! * s[b]!;
  const G = scores.size;
  const factor = G > 1 && n > k ? (G / (G - 1)) * ((n - 1) / (n - k)) : NaN;
  const vcov = multiply(multiply(bread, meat), bread).map((r) => r.map((v) => v * factor));
  return { beta, se: vcov.map((r, i) => Math.sqrt(Math.max(0, r[i]!))), vcov, residuals, n, k, clusters: G };
}

// ---------- Student's t distribution ----------
function logGamma(x: number): number {
  const g = [
    676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = 0.99999999999980993;
  const t = x + 7.5;
  g.forEach((c, i) => (a += c / (x + i + 1)));
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

export function tCdf(t: number, df: number): number {
  const p = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - p : p;
}

/** The t value with P(T ≤ t) = p, by bisection (monotone, so exact to 1e-10). */
export function tQuantile(p: number, df: number): number {
  let lo = -1e4;
  let hi = 1e4;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---------- the 2 × 2 design ----------
export interface DidUnit {
  /** the school (the cluster) */
  school: number;
  /** it joined (became a member) between the two exams */
  treated: boolean;
  /** gap to the reference group at the exam before and after, in points (positive = behind) */
  before: number;
  after: number;
  /** students behind each figure */
  nBefore: number;
  nAfter: number;
}

export interface DidRefusal {
  code: 'no_treated' | 'no_control' | 'too_few_schools' | 'singular';
  reason: string;
  reasonEn: string;
}

export interface DidEstimate {
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
  df: number;
  treated: number;
  control: number;
  treatedStudents: number;
  controlStudents: number;
  groupMeans: { treatedBefore: number; treatedAfter: number; controlBefore: number; controlAfter: number };
}

/** Fewer schools per group than this and a clustered standard error means nothing. */
export const MIN_SCHOOLS_PER_GROUP = 2;

/**
 * y = b0 + b1·treated + b2·after + b3·treated·after on the school × exam panel, clustered by school.
 * b3 is the difference in differences: the change in the gap of schools that joined minus the
 * change in the gap of schools whose status did not change.
 */
export function differenceInDifferences(
  units: DidUnit[],
): { ok: true; result: DidEstimate } | { ok: false; refusal: DidRefusal } {
  const treated = units.filter((u) => u.treated);
  const control = units.filter((u) => !u.treated);
  if (!treated.length)
    return {
      ok: false,
      refusal: {
        code: 'no_treated',
        reason: '两次考试之间没有学校加入教共体（没有身份变化的学校），无法估计',
        reasonEn: 'No school joined a community between the two exams, so there is nothing to estimate',
      },
    };
  if (!control.length)
    return {
      ok: false,
      refusal: {
        code: 'no_control',
        reason: '所有学校在两次考试之间都改变了身份，没有可作对照的学校',
        reasonEn: 'Every school changed status between the two exams; there is no comparison group',
      },
    };
  if (treated.length < MIN_SCHOOLS_PER_GROUP || control.length < MIN_SCHOOLS_PER_GROUP) {
    return {
      ok: false,
      refusal: {
        code: 'too_few_schools',
        reason: `加入组 ${treated.length} 所、对照组 ${control.length} 所学校；每组至少需要 ${MIN_SCHOOLS_PER_GROUP} 所学校才能计算按学校聚类的标准误`,
        reasonEn: `${treated.length} joining and ${control.length} comparison schools; each group needs at least ${MIN_SCHOOLS_PER_GROUP} schools for a school-clustered standard error`,
      },
    };
  }
  const X: Matrix = [];
  const y: number[] = [];
  const cl: number[] = [];
  for (const u of units) {
    const t = u.treated ? 1 : 0;
    X.push([1, t, 0, 0]);
    y.push(u.before);
    cl.push(u.school);
    X.push([1, t, 1, t]);
    y.push(u.after);
    cl.push(u.school);
  }
  const fit = olsClustered(X, y, cl);
  if (!fit || !Number.isFinite(fit.se[3]!))
    return {
      ok: false,
      refusal: {
        code: 'singular',
        reason: '数据不足以区分各项效应（设计矩阵奇异）',
        reasonEn: 'The data cannot separate the effects (singular design)',
      },
    };
  const df = fit.clusters - 1;
  const est = fit.beta[3]!;
  const se = fit.se[3]!;
  const q = tQuantile(0.975, df);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    ok: true,
    result: {
      estimate: est,
      se,
      ciLow: est - q * se,
      ciHigh: est + q * se,
      pValue: se > 0 ? 2 * (1 - tCdf(Math.abs(est / se), df)) : est === 0 ? 1 : 0,
      df,
      treated: treated.length,
      control: control.length,
      treatedStudents: treated.reduce((s, u) => s + u.nBefore + u.nAfter, 0),
      controlStudents: control.reduce((s, u) => s + u.nBefore + u.nAfter, 0),
      groupMeans: {
        treatedBefore: mean(treated.map((u) => u.before)),
        treatedAfter: mean(treated.map((u) => u.after)),
        controlBefore: mean(control.map((u) => u.before)),
        controlAfter: mean(control.map((u) => u.after)),
      },
    },
  };
}

const f2 = (v: number) => (Math.round(v * 100) / 100).toFixed(2);

/** What the estimate says, for a bureau reader, in Chinese and English. */
export function readDid(r: DidEstimate, reference: { zh: string; en: string }): { zh: string; en: string } {
  const narrowed = r.estimate < 0;
  const size = f2(Math.abs(r.estimate));
  const significant = r.ciLow > 0 || r.ciHigh < 0;
  const ci = `95% 置信区间 ${f2(r.ciLow)} 至 ${f2(r.ciHigh)} 分`;
  const zh =
    `与同期身份未变的 ${r.control} 所学校相比，加入教共体的 ${r.treated} 所学校与${reference.zh}的平均分差距${narrowed ? '多缩小了' : '多扩大了'} ${size} 分` +
    `（${ci}，标准误按学校聚类）。` +
    (significant
      ? `区间不含 0，这一变化不大可能只是偶然波动${r.treated + r.control < 20 ? '；但学校数较少，结论仍需谨慎' : ''}。`
      : '区间包含 0，现有数据还不能确定加入教共体带来了差距变化。') +
    '这一估计假定：若不加入，两组学校的差距会同步变化（平行趋势）。';
  const en =
    `Compared with the ${r.control} schools whose status did not change, the gap to ${reference.en} of the ${r.treated} schools that joined ${narrowed ? 'narrowed' : 'widened'} by a further ${size} points ` +
    `(95% CI ${f2(r.ciLow)} to ${f2(r.ciHigh)}, standard errors clustered by school). ` +
    (significant
      ? `The interval excludes 0, so the change is unlikely to be chance alone${r.treated + r.control < 20 ? ', though with few schools caution is due' : ''}. `
      : 'The interval includes 0: the data cannot yet tell whether joining changed the gap. ') +
    'This assumes both groups would have moved in parallel without joining.';
  return { zh, en };
}
