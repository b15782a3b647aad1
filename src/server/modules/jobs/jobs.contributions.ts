import type { JobKind, JobSchedule } from '../../contracts/job.js';
import type { GongjinModule } from '../module.js';

/** Every job kind and schedule the manifests declare; a name declared twice is refused at start. */
export function jobContributions(modules: readonly GongjinModule[]): {
  kinds: JobKind<unknown>[];
  schedules: JobSchedule[];
} {
  const kinds = modules.flatMap((m) => (m.jobs?.kinds ?? []) as JobKind<unknown>[]);
  const schedules = modules.flatMap((m) => m.jobs?.schedules ?? []);
  for (const [what, names] of [
    ['job kind', kinds.map((k) => k.name)],
    ['job schedule', schedules.map((s) => s.name)],
  ] as const) {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) throw new Error(`${what} ${n} is declared twice`);
      seen.add(n);
    }
  }
  return { kinds, schedules };
}
