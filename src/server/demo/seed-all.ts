import type { DbHandle } from '../db/connection.js';
import { modules as installedModules } from '../modules/index.js';
import type { GongjinModule } from '../modules/module.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import { seedDemo, type DemoSummary } from './demo.service.js';

/**
 * The living demo county: the registry (schools, teachers, communities, users), then each module's
 * own demo data (its manifest's `demo`) in manifest order, all from the same seed so every start
 * looks the same. The demo accounts get `opts.password` or a generated one, returned as
 * `generatedPassword` to be shown once.
 */
export async function seedDemoCounty(
  dbh: DbHandle,
  opts: {
    seed?: number;
    password?: string | undefined;
    log?: (m: string) => void;
    modules?: readonly GongjinModule[];
    /** the app's file storage: demo resources get real files (without it, links) */
    storage?: BlobStorage;
  } = {},
) {
  const modules = opts.modules ?? installedModules;
  const { generatedPassword, ...registry }: DemoSummary = await seedDemo(dbh, {
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    password: opts.password,
  });
  const seeded: Record<string, Record<string, number>> = {};
  for (const m of modules) {
    if (!m.demo) continue;
    seeded[m.name] = await m.demo(dbh, {
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      modules,
      storage: opts.storage,
    });
    opts.log?.(`demo ${m.name}: ${JSON.stringify(seeded[m.name])}`);
  }
  return { registry, modules: seeded, generatedPassword };
}
