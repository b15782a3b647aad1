import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../../context.js';
import { callerOf, type Actor } from '../../http/actor.js';
import { ForbiddenError } from '../../http/errors.js';
import { contentDisposition } from '../../http/file-response.js';
import type { ZodApp } from '../module.js';
import { recordAudit } from '../audit/index.js';
import { NATION_CODE } from '../../../shared/regions.js';
import { createBackup } from './backup.js';

/** A backup holds every region's data: only the national administrator may take one. */
export const mayBackUp = (actor: Actor): boolean =>
  actor.role === 'bureau_admin' && actor.scope.kind === 'region' && actor.scope.id === NATION_CODE;

/** package.json's version; src/server/backup and dist/server/backup both sit three levels below it. */
function appVersion(): string {
  try {
    const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../package.json');
    return String((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/**
 * POST /api/v1/admin/backup: the running server writes the same archive as `gongjin backup` and
 * sends it. This is how an embedded (PGlite) installation is backed up without stopping it: only the
 * server's process may open its database. The archive is written to the data directory first (the
 * database part is a consistent snapshot either way) and unlinked as soon as it is opened for sending.
 */
export function backupRoutes(app: ZodApp, ctx: AppContext) {
  app.post(
    '/api/v1/admin/backup',
    {
      schema: {
        tags: ['system'],
        summary: '下载完整备份（数据库与文件）Download a full backup (database and files)',
        description:
          '仅限全国管理员。与命令 `gongjin backup` 的格式相同，可用 `gongjin restore` 恢复。National administrator only; ' +
          'the archive `gongjin backup` writes, restorable with `gongjin restore`.',
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      if (!mayBackUp(caller.actor)) throw new ForbiddenError();
      const dir = path.join(ctx.config.dataDir, 'backup-tmp');
      await fsp.mkdir(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
      const tmp = path.join(dir, `gongjin-${stamp}-${randomBytes(4).toString('hex')}.tar`);
      const manifest = await createBackup(
        { dbh: ctx.dbh, databaseUrl: ctx.config.databaseUrl, filesDir: path.join(ctx.config.dataDir, 'files') },
        tmp,
        { appVersion: appVersion() },
      );
      const fh = await fsp.open(tmp, 'r');
      await fsp.rm(tmp);
      const { size } = await fh.stat();
      await recordAudit(ctx.db, caller, {
        action: 'backup',
        entity: 'installation',
        entityId: null,
        after: { createdAt: manifest.createdAt, files: manifest.files.length, bytes: size },
        scope: { regionCode: NATION_CODE },
      });
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-length', String(size))
        .header('content-disposition', contentDisposition('attachment', `gongjin-backup-${stamp}.tar`))
        .send(fh.createReadStream());
    },
  );
}
