/**
 * Start-up: how long `gongjin serve` takes until /api/ready answers 200, on the embedded database.
 *
 * - first start: an empty data directory (PGlite created, every migration, the regions, the demo
 *   county loaded);
 * - restart: the same directory again (migrations already applied, demo data present).
 *
 * Each is a separate process (`node bin/gongjin.js serve`: the built dist/ when there is one), timed
 * from spawn to the first 200 of /api/ready. Beside the seconds: the multiple of a floor measured in
 * the same run — a bare `node -e 0` start — and the load average, since a busy machine slows both.
 * Targets (a quiet 2-core machine): restart < 5 s, first start < 30 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, round, type BenchEnv, type BenchFigure } from './lib.js';
import { freePort } from '../scripts/free-port.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESTARTS = 3;

/** Median wall time of `node -e 0`: what any Node start costs on this machine right now. */
function nodeFloorMs(runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    times.push(performance.now() - t);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

/** Starts `serve` on `dataDir`, returns the milliseconds until /api/ready answered 200, stops it (SIGTERM). */
async function timeStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const log = path.join(dataDir, '..', `${path.basename(dataDir)}.log`);
  const out = fs.openSync(log, 'a');
  // the embedded database, whatever this shell's DATABASE_URL says
  const { DATABASE_URL: _server, ...inherited } = process.env;
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'bin/gongjin.js'), 'serve'], {
    cwd: root,
    env: {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      GONGJIN_DATA_DIR: dataDir,
      GONGJIN_DEMO: '1',
      GONGJIN_DEMO_PASSWORD: 'bench-demo-password',
      GONGJIN_ADMIN_PASSWORD: 'bench-admin-password',
      GONGJIN_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  try {
    for (;;) {
      if (exitedEarly) throw new Error(`serve exited before it was ready: ${fs.readFileSync(log, 'utf8').slice(-500)}`);
      const status = await fetch(`http://127.0.0.1:${port}/api/ready`)
        .then(async (r) => (await r.arrayBuffer(), r.status))
        .catch(() => 0);
      if (status === 200) return performance.now() - started;
      if (performance.now() - started > 300_000) throw new Error('not ready after 300 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function run(env: BenchEnv): Promise<BenchFigure[]> {
  const runtime = fs.existsSync(path.join(root, 'dist/cli/index.js')) ? 'dist' : 'tsx (no build)';
  const dataDir = path.join(env.tmpDir, 'startup');
  const floorMs = nodeFloorMs();
  const load = () => os.loadavg()[0]!.toFixed(2);
  const figures: BenchFigure[] = [
    { name: 'node -e 0 (floor)', value: round(floorMs), unit: 'ms', detail: { load1: load(), runtime } },
  ];

  const loadBefore = load();
  const firstMs = await timeStart(dataDir);
  figures.push({
    name: 'first start: empty embedded database → ready',
    value: round(firstMs / 1000, 2),
    unit: 's',
    target: 30,
    pass: firstMs < 30_000,
    detail: { floorMultiple: round(firstMs / floorMs, 0), load1Before: loadBefore, load1After: load() },
  });

  const restarts: number[] = [];
  const loadBeforeRestarts = load();
  for (let i = 0; i < RESTARTS; i++) restarts.push(await timeStart(dataDir));
  restarts.sort((a, b) => a - b);
  const median = percentile(restarts, 50);
  const worst = restarts[restarts.length - 1]!;
  figures.push({
    name: `restart on the same database → ready (median of ${RESTARTS})`,
    value: round(median / 1000, 2),
    unit: 's',
    target: 5,
    pass: worst < 5_000,
    detail: {
      max: round(worst / 1000, 2),
      floorMultiple: round(median / floorMs, 0),
      load1Before: loadBeforeRestarts,
      load1After: load(),
    },
  });
  return figures;
}
