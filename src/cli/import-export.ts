import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Config } from '../server/config.js';
import { openContext, prepareDatabase } from '../server/bootstrap.js';
import type { Actor, Caller } from '../server/http/actor.js';
import { AppError } from '../server/http/errors.js';
import { ImportService, importKindsOf } from '../server/modules/io/import.service.js';
import { modules } from '../server/modules/index.js';
import { writeXlsx, type ExportColumn } from '../server/modules/io/xlsx-export.js';
import {
  communityExportColumns,
  schoolExportColumns,
  statsExportColumns,
  teacherExportColumns,
} from '../server/modules/registry/registry.export.js';
import { CommunitiesService } from '../server/modules/registry/communities.service.js';
import { SchoolsService } from '../server/modules/registry/schools.service.js';
import { StatsService } from '../server/modules/registry/stats.service.js';
import { TeachersService } from '../server/modules/registry/teachers.service.js';
import { IMPORT_KINDS, type ImportKind } from '../shared/io.schemas.js';
import { NATION_CODE } from '../shared/regions.js';

/** The command line acts as the bootstrap administrator (whole-country scope), and is audited as such. */
async function adminCaller(ctx: Awaited<ReturnType<typeof openContext>>): Promise<Caller> {
  const admin = await ctx.db.selectFrom('users').selectAll().where('username', '=', 'admin').executeTakeFirstOrThrow();
  const actor: Actor = {
    userId: admin.id,
    username: 'admin (cli)',
    displayName: admin.display_name,
    role: 'bureau_admin',
    scope: { kind: 'region', id: NATION_CODE },
    teacherId: null,
  };
  return { actor, requestId: 'cli', ip: 'cli' };
}

export async function runImportCommand(config: Config, file: string, kind: string, dryRun: boolean): Promise<number> {
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
    console.error(`unknown kind ${kind}; use one of ${IMPORT_KINDS.join(', ')}`);
    return 2;
  }
  const ctx = await openContext(config);
  try {
    await prepareDatabase(ctx);
    const caller = await adminCaller(ctx);
    const service = new ImportService(ctx.db, ctx.storage, importKindsOf(modules));
    const job = await service.upload(caller, kind as ImportKind, path.basename(file), createReadStream(file));
    console.log(`${job.totalRows} rows, ${job.validRows} valid, ${job.errorCount} errors`);
    for (const e of job.errors) console.log(`  第 ${e.row} 行 [${e.column}] ${e.message}`);
    if (job.errorCount > 0) return 1;
    if (dryRun) return 0;
    const done = await service.commit(caller, job.id, { inline: true });
    console.log(`committed: ${done.result?.created ?? 0} created, ${done.result?.updated ?? 0} updated`);
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`${e.code}: ${JSON.stringify(e.params)} ${e.details.map((d) => d.message).join('; ')}`);
      return 1;
    }
    throw e;
  } finally {
    await ctx.dbh.close();
  }
}

export async function runExportCommand(
  config: Config,
  kind: string,
  out: string,
  region: string | undefined,
): Promise<number> {
  const ctx = await openContext(config);
  try {
    await prepareDatabase(ctx);
    const { actor } = await adminCaller(ctx);
    const filter = region ? { region } : {};
    const plan: Record<string, () => { columns: ExportColumn<never>[]; batches: AsyncIterable<never[]> }> = {
      schools: () => ({
        columns: schoolExportColumns('zh') as never,
        batches: new SchoolsService(ctx.db).iterate(actor, filter as never) as never,
      }),
      teachers: () => ({
        columns: teacherExportColumns('zh') as never,
        batches: new TeachersService(ctx.db).iterate(actor, filter as never) as never,
      }),
      communities: () => ({
        columns: communityExportColumns('zh') as never,
        batches: new CommunitiesService(ctx.db).iterate(actor, filter as never) as never,
      }),
      'school-year-stats': () => ({
        columns: statsExportColumns('zh') as never,
        batches: new StatsService(ctx.db).iterate(actor, filter) as never,
      }),
    };
    const make = plan[kind];
    if (!make) {
      console.error(`unknown kind ${kind}; use one of ${Object.keys(plan).join(', ')}`);
      return 2;
    }
    const { columns, batches } = make();
    const file = createWriteStream(out);
    await writeXlsx(file, { sheetName: kind, columns, batches, lang: 'zh' });
    await finished(file);
    console.log(`written ${out}`);
    return 0;
  } finally {
    await ctx.dbh.close();
  }
}
