import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { solveGapMip } from './pairing.highs.js';

/**
 * OR-Library GAP sets gap1–gap3 (J.E. Beasley; see fixtures/README.md) against their published
 * optima (maximisation; Chu & Beasley 1997, Table 1; OR-Library gapinfo). Each problem is solved as
 * a minimisation with cost −c_ij and the per-pair resource a_ij as the load.
 */
const PUBLISHED_OPTIMA: Record<string, number[]> = {
  gap1: [336, 327, 339, 341, 326],
  gap2: [434, 436, 420, 419, 428],
  gap3: [580, 564, 573, 570, 564],
};

interface OrlibGap {
  m: number;
  n: number;
  profit: number[][];
  resource: number[][];
  capacity: number[];
}
function parse(file: string): OrlibGap[] {
  const nums = readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  let at = 0;
  const next = () => nums[at++]!;
  const count = next();
  const out: OrlibGap[] = [];
  for (let p = 0; p < count; p++) {
    const m = next(),
      n = next();
    const matrix = () => Array.from({ length: m }, () => Array.from({ length: n }, next));
    const profit = matrix();
    const resource = matrix();
    const capacity = Array.from({ length: m }, next);
    out.push({ m, n, profit, resource, capacity });
  }
  expect(at).toBe(nums.length);
  return out;
}

describe('generalised assignment against OR-Library gap1–gap3 published optima', () => {
  for (const set of Object.keys(PUBLISHED_OPTIMA)) {
    it(`${set}: every problem solved to its published optimum, proven (gap 0)`, async () => {
      const problems = parse(`orlib-${set}.txt`);
      expect(problems).toHaveLength(5);
      for (const [k, g] of problems.entries()) {
        // rows = jobs (members), columns = agents (cores)
        const cost = new Float64Array(g.n * g.m);
        const load = new Float64Array(g.n * g.m);
        for (let i = 0; i < g.n; i++) {
          for (let j = 0; j < g.m; j++) {
            cost[i * g.m + j] = -g.profit[j]![i]!;
            load[i * g.m + j] = g.resource[j]![i]!;
          }
        }
        const answer = await solveGapMip(
          { rows: g.n, cols: g.m, demand: new Array(g.n).fill(1), load, capacity: g.capacity, cost },
          30,
        );
        expect(answer.status, `${set}-${k + 1}`).toBe('optimal');
        expect(answer.gap).toBe(0);
        expect(-answer.objective!, `${set}-${k + 1}`).toBe(PUBLISHED_OPTIMA[set]![k]);
        // the answer respects every agent's capacity under the per-pair loads
        const used = new Array(g.m).fill(0);
        for (let i = 0; i < g.n; i++) used[answer.assignment[i]!] += g.resource[answer.assignment[i]!]![i]!;
        used.forEach((u, j) => expect(u).toBeLessThanOrEqual(g.capacity[j]!));
      }
    });
  }

  it('a per-row demand is not the same model: the per-pair loads change the optimum', async () => {
    const [g] = parse('orlib-gap1.txt');
    const cost = new Float64Array(g!.n * g!.m);
    for (let i = 0; i < g!.n; i++) for (let j = 0; j < g!.m; j++) cost[i * g!.m + j] = -g!.profit[j]![i]!;
    // the old model: one demand per job (its load on agent 0) whichever agent serves it
    const demand = Array.from({ length: g!.n }, (_, i) => g!.resource[0]![i]!);
    const rowDemand = await solveGapMip({ rows: g!.n, cols: g!.m, demand, capacity: g!.capacity, cost }, 30);
    expect(rowDemand.objective === null ? null : -rowDemand.objective).not.toBe(336);
  });
});
