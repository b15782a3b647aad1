import type { Highs } from 'highs';

/**
 * HiGHS (WebAssembly) for the models the exact solver does not cover, and as an independent check:
 *
 * - the generalised assignment problem (members with different support demands, cores with
 *   different capacities) as a MIP with a time limit, reporting the optimality gap;
 * - the basic transportation problem as an LP (totally unimodular, so its LP optimum is integral),
 *   used by the tests and the benchmark to confirm the exact solver's objective.
 *
 * Models are passed as sparse arrays (one column per allowed pair), not LP text: a province-sized
 * instance has millions of pairs and text would only add parsing.
 */

let loading: Promise<Highs> | undefined;
/** The WebAssembly module is loaded once per process; every solve gets a fresh native model. */
export function loadHighs(): Promise<Highs> {
  // the package ships an ES module whose default export is the loader; its typings describe the CommonJS build
  loading ??= import('highs').then((m) => (m as unknown as { default: () => Promise<Highs> }).default());
  return loading;
}

export interface GapProblem {
  rows: number;
  cols: number;
  /** support units each row needs (used where no per-pair load is given) */
  demand: ArrayLike<number>;
  /**
   * Per-pair load, row-major like cost: the capacity of column j that row i uses when assigned
   * there (a far member costs a core more visits). This makes the model the true generalised
   * assignment problem: Σ_i a_ij x_ij ≤ K_j.
   */
  load?: ArrayLike<number>;
  /** support units each column offers */
  capacity: ArrayLike<number>;
  /** row-major; Infinity = forbidden */
  cost: Float64Array;
}

export interface HighsAnswer {
  /** 'optimal' proven by HiGHS; 'feasible' when the time limit stopped it with a solution */
  status: 'optimal' | 'feasible' | 'infeasible' | 'no_solution';
  assignment: Int32Array;
  objective: number | null;
  /** relative gap between the solution and the best bound (0 when proven optimal) */
  gap: number | null;
  highsStatus: string;
  ms: number;
}

interface Arcs {
  row: Int32Array;
  col: Int32Array;
  cost: Float64Array;
}
function arcsOf(p: { rows: number; cols: number; cost: Float64Array }): Arcs {
  let count = 0;
  for (let k = 0; k < p.cost.length; k++) if (p.cost[k]! < Infinity) count++;
  const row = new Int32Array(count);
  const col = new Int32Array(count);
  const cost = new Float64Array(count);
  let a = 0;
  for (let i = 0; i < p.rows; i++) {
    for (let j = 0; j < p.cols; j++) {
      const c = p.cost[i * p.cols + j]!;
      if (!(c < Infinity)) continue;
      row[a] = i;
      col[a] = j;
      cost[a] = c;
      a++;
    }
  }
  return { row, col, cost };
}

/** Rows 0..n-1: Σ_j x_ij = 1; rows n..n+m-1: Σ_i w_ij x_ij ≤ cap_j. One column per arc, two entries each. */
function modelOf(
  p: { rows: number; cols: number; capacity: ArrayLike<number> },
  arcs: Arcs,
  weight: (row: number, col: number) => number,
  integer: boolean,
) {
  const numCols = arcs.row.length;
  const numRows = p.rows + p.cols;
  const starts = new Int32Array(numCols + 1);
  const indices = new Int32Array(2 * numCols);
  const values = new Float64Array(2 * numCols);
  for (let a = 0; a < numCols; a++) {
    starts[a] = 2 * a;
    indices[2 * a] = arcs.row[a]!;
    values[2 * a] = 1;
    indices[2 * a + 1] = p.rows + arcs.col[a]!;
    values[2 * a + 1] = weight(arcs.row[a]!, arcs.col[a]!);
  }
  starts[numCols] = 2 * numCols;
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  for (let i = 0; i < p.rows; i++) {
    rowLower[i] = 1;
    rowUpper[i] = 1;
  }
  for (let j = 0; j < p.cols; j++) {
    rowLower[p.rows + j] = 0;
    rowUpper[p.rows + j] = p.capacity[j]!;
  }
  return {
    numCols,
    numRows,
    colCost: arcs.cost,
    colLower: new Float64Array(numCols),
    colUpper: new Float64Array(numCols).fill(1),
    rowLower,
    rowUpper,
    matrix: { format: 'csc' as const, numRows, numCols, starts, indices, values },
    ...(integer ? { integrality: new Int32Array(numCols).fill(1) } : {}),
  };
}

function run(
  highs: Highs,
  p: { rows: number; cols: number; capacity: ArrayLike<number>; cost: Float64Array },
  weight: (row: number, col: number) => number,
  integer: boolean,
  timeLimitSeconds: number,
): HighsAnswer {
  const started = performance.now();
  const arcs = arcsOf(p);
  const model = highs.createModel(modelOf(p, arcs, weight, integer));
  try {
    model.options.set({ output_flag: false, time_limit: timeLimitSeconds, ...(integer ? { mip_rel_gap: 0 } : {}) });
    model.run();
    const status = model.getModelStatus();
    const codes = highs.constants.modelStatus;
    const names: Record<number, string> = Object.fromEntries(Object.entries(codes).map(([k, v]) => [v, k]));
    const highsStatus = names[status] ?? String(status);
    const assignment = new Int32Array(p.rows).fill(-1);
    if (status === codes.infeasible)
      return {
        status: 'infeasible',
        assignment,
        objective: null,
        gap: null,
        highsStatus,
        ms: performance.now() - started,
      };
    const solution = model.getSolution();
    const values = solution.colValue;
    let found = status === codes.optimal;
    if (!found && values && values.length === arcs.row.length) {
      // a time-limited MIP may still hold an incumbent; accept it only if it is complete
      found = true;
    }
    if (!found || !values)
      return {
        status: 'no_solution',
        assignment,
        objective: null,
        gap: null,
        highsStatus,
        ms: performance.now() - started,
      };
    for (let a = 0; a < values.length; a++) if (values[a]! > 0.5) assignment[arcs.row[a]!] = arcs.col[a]!;
    if (assignment.some((j) => j < 0))
      return {
        status: 'no_solution',
        assignment,
        objective: null,
        gap: null,
        highsStatus,
        ms: performance.now() - started,
      };
    let objective = 0;
    for (let i = 0; i < p.rows; i++) objective += p.cost[i * p.cols + assignment[i]!]!;
    const optimal = status === codes.optimal;
    let gap: number | null = optimal ? 0 : null;
    if (integer && !optimal) {
      const g = Number(model.info.get('mip_gap'));
      gap = Number.isFinite(g) ? g : null;
    }
    return {
      status: optimal ? 'optimal' : 'feasible',
      assignment,
      objective,
      gap,
      highsStatus,
      ms: performance.now() - started,
    };
  } finally {
    model.dispose();
  }
}

/**
 * The generalised assignment problem as a MIP: Σ_j x_ij = 1, Σ_i a_ij x_ij ≤ K_j, x binary, with
 * a_ij the per-pair load (or the row's demand where none is given). mip_rel_gap 0: 'optimal' is proven.
 */
export async function solveGapMip(p: GapProblem, timeLimitSeconds: number): Promise<HighsAnswer> {
  const highs = await loadHighs();
  const load = p.load;
  return run(highs, p, load ? (i, j) => load[i * p.cols + j]! : (i) => p.demand[i]!, true, timeLimitSeconds);
}

/** The basic model (every demand 1) as a continuous LP; its optimum equals the integer optimum. */
export async function solveTransportLp(
  p: { rows: number; cols: number; capacity: ArrayLike<number>; cost: Float64Array },
  timeLimitSeconds = 600,
): Promise<HighsAnswer> {
  const highs = await loadHighs();
  return run(highs, p, () => 1, false, timeLimitSeconds);
}
