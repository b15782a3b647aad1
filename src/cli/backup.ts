import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../server/config.js';
import { connect } from '../server/db/connection.js';
import {
  BackupError,
  createBackup,
  locationOf,
  pgliteInUse,
  pgliteInUseError,
  restoreBackup,
  verifyBackup,
  type BackupManifest,
} from '../server/modules/backup/backup.js';

/** `gongjin backup --out FILE`: exit code 0, or 1 with a bilingual message. */
export async function runBackupCommand(config: Config, out: string, appVersion: string): Promise<number> {
  const loc = locationOf(config);
  try {
    if (loc.kind === 'pglite') {
      const dir = loc.pgliteDir!;
      if (!fs.existsSync(path.join(dir, 'PG_VERSION')))
        throw new BackupError(
          `没有找到内置数据库 / no embedded database at ${dir} (GONGJIN_DATA_DIR=${config.dataDir})`,
        );
      if (pgliteInUse(dir)) throw pgliteInUseError(dir, '备份');
    }
    const dbh = await connect({ databaseUrl: loc.databaseUrl, pgliteDir: loc.pgliteDir, poolSize: 2 });
    let manifest: BackupManifest;
    try {
      manifest = await createBackup({ dbh, databaseUrl: loc.databaseUrl, filesDir: loc.filesDir }, path.resolve(out), {
        appVersion,
      });
    } finally {
      await dbh.close();
    }
    console.log(`备份完成 / backup written: ${path.resolve(out)}`);
    console.log(summary(manifest));
    return 0;
  } catch (e) {
    return refusal(e);
  }
}

/** `gongjin restore FILE [--force] [--check]`. */
export async function runRestoreCommand(
  config: Config,
  file: string,
  opts: { force?: boolean; check?: boolean },
): Promise<number> {
  try {
    if (opts.check) {
      const manifest = await verifyBackup(path.resolve(file));
      console.log(`备份文件完好 / the backup is intact: ${path.resolve(file)}`);
      console.log(summary(manifest));
      return 0;
    }
    const { allMigrations } = await import('../server/modules/index.js');
    const { manifest, movedAside } = await restoreBackup(path.resolve(file), locationOf(config), {
      force: Boolean(opts.force),
      knownMigrations: Object.keys(allMigrations()),
    });
    console.log(`恢复完成 / restore complete: ${path.resolve(file)}`);
    console.log(summary(manifest));
    for (const p of movedAside)
      console.log(
        `原有数据已移到 / the previous data was moved to: ${p}（确认恢复无误后可删除 / delete it once satisfied）`,
      );
    console.log('启动服务时会执行尚未应用的数据库迁移 / starting the server applies any newer migrations');
    return 0;
  } catch (e) {
    return refusal(e);
  }
}

/** A backup or restore the command refuses (its message says why and what to do): exit 1, no stack trace. */
function refusal(e: unknown): number {
  if (!(e instanceof BackupError)) throw e;
  console.error(e.message);
  return 1;
}

function summary(m: BackupManifest): string {
  const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
  const bytes = m.files.reduce((a, f) => a + f.size, 0);
  return [
    `  创建于 created at: ${m.createdAt}   共进 Gongjin ${m.appVersion}`,
    `  数据库 database: ${m.database.kind} ${m.database.serverVersion}, ${Object.keys(m.tables).length} 张表 tables, ${rows} 行 rows`,
    `  文件 files: ${m.files.length} (${(bytes / 1024 / 1024).toFixed(1)} MB)`,
  ].join('\n');
}
