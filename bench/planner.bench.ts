/**
 * Planner benchmark: a province-sized basic pairing instance (2,500 members × 2,500 cores, full
 * cost matrix of road-like distances in metres, capacities 1–2) solved by the exact solver
 * (successive shortest paths, with its optimality certificate checked), and the same instance as an
 * LP in HiGHS (WebAssembly). HiGHS runs in a child process because a model of 6.25 million columns
 * can exhaust the 4 GB WebAssembly memory and abort the runtime; a 1,000 × 1,000 instance is also
 * solved by both in-process, where HiGHS fits. Finally the API solves the seeded province.
 *
 *   npm run bench -- --only planner          (through bench/run.ts)
 *   npx tsx bench/planner.bench.ts --standalone   (solver figures only, no database)
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/server/demo/demo.random.js';
import {
  solveTransport,
  verifyCertificate,
  type TransportProblem,
} from '../src/server/modules/planner/assignment.engine.js';
import { greatCircleKm } from '../src/server/modules/planner/geo.js';
import { solveTransportLp } from '../src/server/modules/planner/pairing.highs.js';
import { round, type BenchEnv, type BenchFigure } from './lib.js';

const SEED = 20261124;

/** Schools scattered over Zhejiang (27–31°N, 118–123°E); costs are great-circle × 1.3 in metres. */
export function provinceInstance(n: number, m: number, seed = SEED): TransportProblem {
  const rng = new Random(seed);
  const pts = (k: number) => Array.from({ length: k }, () => [rng.float(27, 31), rng.float(118, 123)] as const);
  const members = pts(n);
  const cores = pts(m);
  const cost = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const [la, lo] = members[i]!;
    for (let j = 0; j < m; j++)
      cost[i * m + j] = Math.round(greatCircleKm(la, lo, cores[j]![0], cores[j]![1]) * 1.3 * 1000);
  }
  const capacity = Array.from({ length: m }, () => rng.int(1, 2));
  return { rows: n, cols: m, capacity, cost };
}

function exactFigure(name: string, p: TransportProblem, targetMs: number): { figure: BenchFigure; objective: number } {
  const t0 = performance.now();
  const r = solveTransport(p);
  const ms = performance.now() - t0;
  if (!r.feasible)
    return { figure: { name, value: NaN, unit: 'ms', pass: false, detail: { error: 'infeasible' } }, objective: NaN };
  const t1 = performance.now();
  const certified = verifyCertificate(p, r);
  const checkMs = performance.now() - t1;
  return {
    figure: {
      name,
      value: round(ms),
      unit: 'ms',
      target: targetMs,
      pass: ms < targetMs && certified,
      detail: {
        objectiveKm: round(r.objective / 1000, 3),
        dualBoundKm: round(r.dualBound / 1000, 3),
        certified: String(certified),
        certificateCheckMs: round(checkMs),
      },
    },
    objective: r.objective,
  };
}

async function highsFigure(name: string, p: TransportProblem, exactObjective: number): Promise<BenchFigure> {
  const lp = await solveTransportLp(p, 600);
  return {
    name,
    value: round(lp.ms),
    unit: 'ms',
    detail: {
      status: lp.highsStatus,
      objectiveKm: lp.objective === null ? 'none' : round(lp.objective / 1000, 3),
      sameObjective: String(lp.objective === exactObjective),
    },
  };
}

/** Runs HiGHS on the full instance in a separate process and reports what happened. */
function highsChild(n: number, exactObjective: number): Promise<BenchFigure> {
  const name = `HiGHS LP ${n}×${n} (child process)`;
  return new Promise((resolve) => {
    const started = performance.now();
    execFile(
      'npx',
      ['tsx', fileURLToPath(import.meta.url), '--highs-child', String(n)],
      { maxBuffer: 1 << 20, timeout: 900_000 },
      (err, stdout, stderr) => {
        const ms = performance.now() - started;
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          const r = JSON.parse(line) as { ms: number; status: string; objective: number | null };
          resolve({
            name,
            value: round(r.ms),
            unit: 'ms',
            detail: {
              status: r.status,
              objectiveKm: r.objective === null ? 'none' : round(r.objective / 1000, 3),
              sameObjective: String(r.objective === exactObjective),
            },
          });
          return;
        }
        const why = /Aborted|out of memory|RangeError/i.exec(`${stderr}`)?.[0] ?? err?.message ?? 'no answer';
        resolve({
          name,
          value: NaN,
          unit: 'ms',
          detail: { status: 'failed', afterMs: round(ms), error: `HiGHS (WebAssembly) could not solve it: ${why}` },
        });
      },
    );
  });
}

export async function run(env: BenchEnv | null): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const big = provinceInstance(2500, 2500);
  const exact = exactFigure('exact SSP 2500×2500 (proven optimal)', big, 10_000);
  figures.push(exact.figure);
  figures.push(await highsChild(2500, exact.objective));

  const medium = provinceInstance(1000, 1000, SEED + 1);
  const exactMedium = exactFigure('exact SSP 1000×1000', medium, 3_000);
  figures.push(exactMedium.figure);
  figures.push(await highsFigure('HiGHS LP 1000×1000', medium, exactMedium.objective));

  if (env) {
    // the seeded province through the API: instance built from the registry, solved, explained
    const t0 = performance.now();
    const res = await fetch(`${env.baseUrl}/api/v1/planner/pairings`, {
      method: 'POST',
      headers: { cookie: env.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ region: '330000', settings: { defaultCapacity: 3 } }),
    });
    const body = (await res.json()) as {
      status?: string;
      totals?: { members: number; cores: number };
      timings?: { totalMs: number };
      infeasibility?: { message: { en: string } } | null;
    };
    const ms = performance.now() - t0;
    figures.push({
      name: 'POST /planner/pairings (province 330000)',
      value: round(ms),
      unit: 'ms',
      target: 15_000,
      pass: res.ok && ms < 15_000,
      detail: {
        http: res.status,
        status: body.status ?? 'error',
        members: body.totals?.members ?? 0,
        cores: body.totals?.cores ?? 0,
        solverMs: body.timings?.totalMs ?? NaN,
        ...(body.infeasibility ? { why: body.infeasibility.message.en } : {}),
      },
    });
  }
  return figures;
}

if (process.argv.includes('--highs-child')) {
  const n = Number(process.argv[process.argv.indexOf('--highs-child') + 1]);
  const lp = await solveTransportLp(provinceInstance(n, n), 600);
  console.log(JSON.stringify({ ms: lp.ms, status: lp.highsStatus, objective: lp.objective }));
} else if (process.argv.includes('--standalone')) {
  for (const f of await run(null)) console.log(JSON.stringify(f));
}
