/**
 * `npm run lint` part two: the dependency rules of .dependency-cruiser.cjs (file cycles, module
 * internals, layering, shared/web/server separation, runtime dependencies), plus what
 * dependency-cruiser cannot say by itself: no cycle between modules, counting every import
 * (type-only too) of every non-test file of a module.
 *
 *   tsx scripts/check-boundaries.ts [root]     root: the project to check (default: this one)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const MODULE = /^src\/server\/modules\/([^/]+)\//;
const TEST_SUPPORT = /(\.test\.ts|\.test-helpers\.ts|\.test-setup\.ts|\.test-fixtures\.ts|\.fixtures\.ts|\.child\.ts)$/;

export interface BoundaryReport {
  violations: string[];
  moduleCycles: string[][];
}

/** Cycles in the module graph (each reported once, starting from its smallest name). */
export function moduleCycles(edges: Map<string, Set<string>>): string[][] {
  const cycles = new Map<string, string[]>();
  const visit = (start: string, at: string, pathSoFar: string[]) => {
    for (const next of edges.get(at) ?? []) {
      if (next === start) {
        const rot = [...pathSoFar];
        const min = rot.indexOf([...rot].sort()[0]!);
        const canon = [...rot.slice(min), ...rot.slice(0, min)];
        cycles.set(canon.join('→'), canon);
      } else if (!pathSoFar.includes(next) && next > start) {
        visit(start, next, [...pathSoFar, next]);
      }
    }
  };
  for (const m of [...edges.keys()].sort()) visit(m, m, [m]);
  return [...cycles.values()];
}

export function moduleGraph(result: ICruiseResult): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const m of result.modules) {
    const from = MODULE.exec(m.source)?.[1];
    if (!from || TEST_SUPPORT.test(m.source)) continue;
    for (const d of m.dependencies) {
      const to = MODULE.exec(d.resolved)?.[1];
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

export async function checkBoundaries(root: string): Promise<BoundaryReport> {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
    const tsConfig = extractTSConfig('tsconfig.test.json');
    const roots = ['src', 'bench', 'e2e', 'scripts'].filter((d) => fs.existsSync(d));
    const { output } = await cruise(roots, { ...options, validate: true, outputType: 'json' }, undefined, { tsConfig });
    const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
    const violations = (result.summary.violations as IViolation[]).map(
      (v) =>
        `${v.rule.name}: ${v.from} → ${v.to}${v.cycle?.length ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`,
    );
    return { violations, moduleCycles: moduleCycles(moduleGraph(result)) };
  } finally {
    process.chdir(cwd);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const report = await checkBoundaries(root);
  for (const v of report.violations) console.error(`  ✗ ${v}`);
  for (const c of report.moduleCycles) console.error(`  ✗ module cycle: ${[...c, c[0]].join(' → ')}`);
  const n = report.violations.length + report.moduleCycles.length;
  console.log(n ? `boundaries: ${n} problem(s)` : 'boundaries: no problems');
  process.exitCode = n ? 1 : 0;
}
