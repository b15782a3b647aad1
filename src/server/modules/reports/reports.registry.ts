import type { ReportKind } from '../../contracts/report.js';
import type { Db } from '../../db/connection.js';
import type { GongjinModule } from '../module.js';

/** The report kinds the installed manifests declare, by name; a name declared twice is refused at start. */
export function reportKindsOf(modules: readonly GongjinModule[]): ReadonlyMap<string, ReportKind<unknown>> {
  const kinds = new Map<string, ReportKind<unknown>>();
  for (const m of modules)
    for (const k of (m.reports ?? []) as ReportKind<unknown>[]) {
      if (kinds.has(k.name)) throw new Error(`report kind ${k.name} is declared twice`);
      kinds.set(k.name, k);
    }
  return kinds;
}

/**
 * The manifests this process mounted, for the job handler (a job's context carries no manifests).
 * Code, not state: every instance mounts the same modules, and its worker runs next to its routes
 * (cli/serve.ts, the test harness). Keyed by the database handle, so test apps with their own module
 * lists in one process do not mix.
 */
const mounted = new WeakMap<Db, readonly GongjinModule[]>();

export function rememberModules(db: Db, modules: readonly GongjinModule[]): void {
  mounted.set(db, modules);
}

export function mountedModules(db: Db): readonly GongjinModule[] {
  const modules = mounted.get(db);
  if (!modules)
    throw new Error('the reports module is not mounted in this process (its routes register the report kinds)');
  return modules;
}
