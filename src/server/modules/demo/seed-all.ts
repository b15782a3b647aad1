import type { DbHandle } from '../../db/connection.js';
import { seedDemo, type DemoSummary } from './demo.service.js';
import { MODULE_DEMO_SEEDS } from './module-seeds.js';

/**
 * The living demo county: the registry (schools, teachers, communities, users), then each module's
 * own demo data in dependency order, all from the same seed so every start looks the same. The demo
 * accounts get `opts.password` or a generated one, returned as `generatedPassword` to be shown once.
 */
export async function seedDemoCounty(dbh: DbHandle, opts: { seed?: number; password?: string | undefined; log?: (m: string) => void } = {}) {
  const { generatedPassword, ...registry }: DemoSummary = await seedDemo(dbh, { ...(opts.seed !== undefined ? { seed: opts.seed } : {}), password: opts.password });
  const modules: Record<string, Record<string, number>> = {};
  for (const { name, seed } of MODULE_DEMO_SEEDS) {
    modules[name] = await seed(dbh, { ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
    opts.log?.(`demo ${name}: ${JSON.stringify(modules[name])}`);
  }
  return { registry, modules, generatedPassword };
}
