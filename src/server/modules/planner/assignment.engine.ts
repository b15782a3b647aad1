/**
 * Exact solver for the capacitated assignment (transportation) problem:
 *
 *   minimise Σ c[i][j]·x[i][j]  s.t.  Σ_j x[i][j] = 1 (every row once),  Σ_i x[i][j] ≤ cap[j],  x ∈ {0,1}
 *
 * Rows are members (weak/rural schools, or shortage units), columns are cores (strong schools, or
 * supplies) with capacities. The algorithm is successive shortest paths with potentials — the
 * Hungarian method where a column may hold several rows: rows are added one at a time and each
 * addition is one Dijkstra over reduced costs (dense, O(m) per step, no heap), stopped at the first
 * column with spare capacity. Cost O(n²m) in the worst case, far less in practice.
 *
 * The answer carries its own certificate: row potentials u and column potentials v ≤ 0 with
 * c[i][j] − u[i] − v[j] ≥ 0 everywhere, equality on assigned pairs and v[j] = 0 on columns with
 * spare capacity. Then Σu + Σ cap·v (the LP dual) equals the objective, so the answer is optimal;
 * `verifyCertificate` checks exactly that.
 *
 * Costs are numbers (Infinity = forbidden pair). Callers pass integers (metres, seconds) so that
 * the arithmetic is exact.
 */
export interface TransportProblem {
  rows: number;
  cols: number;
  /** capacity of each column, ≥ 0 */
  capacity: ArrayLike<number>;
  /** row-major rows × cols; Infinity (or NaN) marks a forbidden pair */
  cost: Float64Array;
}

export interface TransportSolution {
  feasible: true;
  /** column of each row */
  assignment: Int32Array;
  objective: number;
  /** LP dual value; equal to `objective` when the certificate holds */
  dualBound: number;
  rowPotential: Float64Array;
  colPotential: Float64Array;
}

/** No assignment exists. `rows` is a set of rows that together can only use `cols`, whose capacity is too small (Hall's condition). */
export interface TransportInfeasible {
  feasible: false;
  /** the row that could not be added */
  failedRow: number;
  rows: number[];
  cols: number[];
  /** Σ cap over `cols` */
  capacity: number;
}

export type TransportResult = TransportSolution | TransportInfeasible;

export function solveTransport(p: TransportProblem): TransportResult {
  const { rows: n, cols: m, cost } = p;
  if (cost.length !== n * m) throw new Error(`cost has ${cost.length} cells, expected ${n * m}`);
  const cap = Int32Array.from(p.capacity as ArrayLike<number>);
  const u = new Float64Array(n);
  const v = new Float64Array(m);
  const assign = new Int32Array(n).fill(-1);
  const load = new Int32Array(m);
  const colRows: number[][] = Array.from({ length: m }, () => []);

  // scratch, reset per row through the touched lists
  const distCol = new Float64Array(m).fill(Infinity);
  const prevRow = new Int32Array(m).fill(-1);
  const doneCol = new Uint8Array(m);
  const distRow = new Float64Array(n);
  const doneCols: number[] = [];
  const scannedRows: number[] = [];
  const open: number[] = []; // columns with a finite tentative distance, not yet done

  for (let i = 0; i < n; i++) {
    // a new row's potential makes its cheapest reduced cost zero
    let best = Infinity;
    const base = i * m;
    for (let j = 0; j < m; j++) {
      const c = cost[base + j]!;
      if (c < Infinity && c - v[j]! < best) best = c - v[j]!;
    }
    if (best === Infinity) return { feasible: false, failedRow: i, rows: [i], cols: [], capacity: 0 };
    u[i] = best;

    doneCols.length = 0;
    scannedRows.length = 0;
    open.length = 0;
    let target = -1;
    distRow[i] = 0;
    scannedRows.push(i);
    scan(i, 0);
    for (;;) {
      // the open column nearest to the start
      let k = -1;
      let kd = Infinity;
      for (let t = 0; t < open.length; t++) {
        const j = open[t]!;
        if (distCol[j]! < kd) {
          kd = distCol[j]!;
          k = t;
        }
      }
      if (k < 0) break; // nothing more reachable
      const j = open[k]!;
      open[k] = open[open.length - 1]!;
      open.pop();
      doneCol[j] = 1;
      doneCols.push(j);
      if (load[j]! < cap[j]!) {
        target = j;
        break;
      }
      // full: continue through the rows it holds (their assigned arcs have reduced cost 0)
      for (const r of colRows[j]!) {
        distRow[r] = kd;
        scannedRows.push(r);
        scan(r, kd);
      }
    }

    if (target < 0) {
      let capacity = 0;
      for (const j of doneCols) capacity += cap[j]!;
      const result: TransportInfeasible = {
        feasible: false,
        failedRow: i,
        rows: [...scannedRows],
        cols: [...doneCols],
        capacity,
      };
      return result;
    }

    const D = distCol[target]!;
    for (const r of scannedRows) u[r] = u[r]! + D - distRow[r]!;
    for (const j of doneCols) v[j] = v[j]! - (D - distCol[j]!);

    // augment: walk back from the target column, moving each row to the column it was reached by
    let j = target;
    for (;;) {
      const r = prevRow[j]!;
      const old = assign[r]!;
      assign[r] = j;
      colRows[j]!.push(r);
      if (old >= 0) {
        const list = colRows[old]!;
        list.splice(list.indexOf(r), 1);
      }
      if (r === i) break;
      j = old;
    }
    load[target] = load[target]! + 1;

    for (const jj of doneCols) {
      doneCol[jj] = 0;
      distCol[jj] = Infinity;
      prevRow[jj] = -1;
    }
    for (const jj of open) {
      distCol[jj] = Infinity;
      prevRow[jj] = -1;
    }
  }

  let objective = 0;
  for (let i = 0; i < n; i++) objective += cost[i * m + assign[i]!]!;
  let dualBound = 0;
  for (let i = 0; i < n; i++) dualBound += u[i]!;
  for (let j = 0; j < m; j++) if (v[j]! !== 0) dualBound += cap[j]! * v[j]!;
  return { feasible: true, assignment: assign, objective, dualBound, rowPotential: u, colPotential: v };

  function scan(r: number, d: number) {
    const rb = r * m;
    const ur = u[r]!;
    for (let j = 0; j < m; j++) {
      if (doneCol[j]) continue;
      const c = cost[rb + j]!;
      if (!(c < Infinity)) continue;
      const nd = d + c - ur - v[j]!;
      if (nd < distCol[j]!) {
        if (distCol[j] === Infinity) open.push(j);
        distCol[j] = nd;
        prevRow[j] = r;
      }
    }
  }
}

/**
 * Checks the optimality certificate of a solution: dual feasibility on every allowed pair,
 * complementary slackness, and equal primal and dual objectives. `tolerance` absorbs rounding when
 * costs are not integers.
 */
export function verifyCertificate(p: TransportProblem, s: TransportSolution, tolerance = 1e-6): boolean {
  const { rows: n, cols: m, cost } = p;
  const load = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    const j = s.assignment[i]!;
    if (j < 0 || j >= m || !(cost[i * m + j]! < Infinity)) return false;
    load[j] = load[j]! + 1;
  }
  for (let j = 0; j < m; j++) {
    if (load[j]! > p.capacity[j]!) return false;
    if (s.colPotential[j]! > tolerance) return false;
    if (load[j]! < p.capacity[j]! && Math.abs(s.colPotential[j]!) > tolerance) return false;
  }
  for (let i = 0; i < n; i++) {
    const rb = i * m;
    const ui = s.rowPotential[i]!;
    for (let j = 0; j < m; j++) {
      const c = cost[rb + j]!;
      if (c < Infinity && c - ui - s.colPotential[j]! < -tolerance) return false;
    }
    if (Math.abs(cost[rb + s.assignment[i]!]! - ui - s.colPotential[s.assignment[i]!]!) > tolerance) return false;
  }
  return Math.abs(s.objective - s.dualBound) <= tolerance * Math.max(1, Math.abs(s.objective));
}
