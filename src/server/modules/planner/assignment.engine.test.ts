import { describe, expect, it } from 'vitest';
import { Random } from '../../demo/demo.random.js';
import { solveTransport, verifyCertificate, type TransportProblem } from './assignment.engine.js';

/** Every assignment of rows to columns within capacity, the cheapest objective (Infinity when none). */
function bruteForce(p: TransportProblem): number {
  const load = new Array<number>(p.cols).fill(0);
  let best = Infinity;
  const go = (i: number, acc: number) => {
    if (acc >= best) return;
    if (i === p.rows) {
      best = acc;
      return;
    }
    for (let j = 0; j < p.cols; j++) {
      const c = p.cost[i * p.cols + j]!;
      if (!(c < Infinity) || load[j]! >= p.capacity[j]!) continue;
      load[j]!++;
      go(i + 1, acc + c);
      load[j]!--;
    }
  };
  go(0, 0);
  return best;
}

function randomProblem(rng: Random, n: number, m: number, forbidP: number, maxCap: number): TransportProblem {
  const cost = new Float64Array(n * m);
  for (let k = 0; k < cost.length; k++) cost[k] = rng.chance(forbidP) ? Infinity : rng.int(0, 50);
  const capacity = Array.from({ length: m }, () => rng.int(0, maxCap));
  return { rows: n, cols: m, cost, capacity };
}

describe('solveTransport', () => {
  it.each([
    {
      name: 'one row, cheapest column',
      cost: [5, 3, 9],
      rows: 1,
      cols: 3,
      capacity: [1, 1, 1],
      objective: 3,
      assignment: [1],
    },
    {
      name: 'two rows compete for one slot',
      cost: [1, 10, 2, 3],
      rows: 2,
      cols: 2,
      capacity: [1, 1],
      objective: 4,
      assignment: [1, 0].reverse(),
    },
    {
      name: 'capacity two takes both',
      cost: [1, 10, 2, 30],
      rows: 2,
      cols: 2,
      capacity: [2, 1],
      objective: 3,
      assignment: [0, 0],
    },
    {
      name: 'forbidden pair forces the other column',
      cost: [Infinity, 7, 1, 2],
      rows: 2,
      cols: 2,
      capacity: [1, 1],
      objective: 8,
      assignment: [1, 0],
    },
  ])('$name', ({ cost, rows, cols, capacity, objective, assignment }) => {
    const p = { rows, cols, capacity, cost: Float64Array.from(cost) };
    const r = solveTransport(p);
    expect(r.feasible).toBe(true);
    if (!r.feasible) return;
    expect(r.objective).toBe(objective);
    expect([...r.assignment]).toEqual(assignment);
    expect(verifyCertificate(p, r)).toBe(true);
  });

  it('matches brute force on 300 random small instances, with a valid certificate', () => {
    const rng = new Random(42);
    let feasible = 0;
    for (let t = 0; t < 300; t++) {
      const p = randomProblem(rng, rng.int(1, 6), rng.int(1, 5), rng.chance(0.5) ? 0.3 : 0, 3);
      const expected = bruteForce(p);
      const r = solveTransport(p);
      if (expected === Infinity) {
        expect(r.feasible).toBe(false);
        if (!r.feasible) expect(r.rows.length).toBeGreaterThan(r.capacity); // a Hall violator
        continue;
      }
      feasible++;
      expect(r.feasible).toBe(true);
      if (!r.feasible) continue;
      expect(r.objective).toBe(expected);
      expect(r.dualBound).toBe(expected);
      expect(verifyCertificate(p, r)).toBe(true);
    }
    expect(feasible).toBeGreaterThan(100);
  });

  it('names the rows that compete for too few columns', () => {
    // rows 0–2 may only use column 0 (capacity 2); row 3 is free
    const I = Infinity;
    const p = { rows: 4, cols: 2, capacity: [2, 5], cost: Float64Array.from([1, I, 2, I, 3, I, 4, 4]) };
    const r = solveTransport(p);
    expect(r.feasible).toBe(false);
    if (r.feasible) return;
    expect(r.rows.sort()).toEqual([0, 1, 2]);
    expect(r.cols).toEqual([0]);
    expect(r.capacity).toBe(2);
  });

  it('a row forbidden everywhere is reported alone', () => {
    const r = solveTransport({
      rows: 2,
      cols: 2,
      capacity: [1, 1],
      cost: Float64Array.from([1, 2, Infinity, Infinity]),
    });
    expect(r).toMatchObject({ feasible: false, failedRow: 1, rows: [1], cols: [] });
  });

  it('rejects a worse assignment in the certificate check', () => {
    const p = { rows: 2, cols: 2, capacity: [1, 1], cost: Float64Array.from([1, 5, 5, 1]) };
    const r = solveTransport(p);
    if (!r.feasible) throw new Error('expected feasible');
    expect(verifyCertificate(p, r)).toBe(true);
    const swapped = { ...r, assignment: Int32Array.from([1, 0]), objective: 10 };
    expect(verifyCertificate(p, swapped)).toBe(false);
  });
});
