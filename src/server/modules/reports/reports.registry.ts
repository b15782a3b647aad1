import type { ReportKind } from '../../contracts/report.js';
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
