#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig } from '../server/config.js';
import { openContext, prepareDatabase } from '../server/bootstrap.js';

const program = new Command();
program.name('gongjin').description('共进 Gongjin — 义务教育共同体管理与评价平台').version('0.1.0');

program
  .command('serve')
  .description(
    '启动服务 Start the server (migrates, loads demo data into an empty embedded database; GONGJIN_DEMO=0|1 overrides)',
  )
  .action(async () => {
    const { serve } = await import('./serve.js');
    await serve(loadConfig());
  });

program
  .command('migrate')
  .description('执行数据库迁移 Apply pending migrations')
  .action(async () => {
    const ctx = await openContext(loadConfig());
    try {
      const report = await prepareDatabase(ctx);
      console.log(report.migrations.length ? `applied: ${report.migrations.join(', ')}` : 'database is up to date');
      if (report.adminPassword) console.log(`admin password (shown once): ${report.adminPassword}`);
    } finally {
      await ctx.dbh.close();
    }
  });

program
  .command('demo')
  .description('生成演示数据 Generate demo data (a county by default; --schools N for benchmark-sized sets)')
  .option('--schools <n>', 'number of schools', (v) => Number.parseInt(v, 10))
  .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10))
  .action(async (opts: { schools?: number; seed?: number }) => {
    const ctx = await openContext(loadConfig());
    try {
      await prepareDatabase(ctx);
      const started = Date.now();
      const { printDemoPassword } = await import('./serve.js');
      if (opts.schools) {
        // benchmark-sized registry data; module data stays with the demo county
        const { seedDemo } = await import('../server/demo/demo.service.js');
        const { generatedPassword, ...summary } = await seedDemo(ctx.dbh, {
          ...opts,
          users: opts.schools <= 100,
          password: ctx.config.demoPassword,
          log: (m: string) => console.log(m),
        });
        console.log(JSON.stringify(summary));
        printDemoPassword(generatedPassword);
      } else {
        const { seedDemoCounty } = await import('../server/demo/seed-all.js');
        const summary = await seedDemoCounty(ctx.dbh, {
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          password: ctx.config.demoPassword,
          log: (m) => console.log(m),
          storage: ctx.storage,
        });
        console.log(JSON.stringify(summary.registry));
        printDemoPassword(summary.generatedPassword);
      }
      console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await ctx.dbh.close();
    }
  });

program
  .command('totp-reset')
  .description(
    "清除用户的两步验证（手机与恢复码都丢失时） Remove a user's two-step verification (lost phone and recovery codes)",
  )
  .argument('<username>')
  .action(async (username: string) => {
    const config = loadConfig();
    const ctx = await openContext(config);
    try {
      await prepareDatabase(ctx);
      const { TotpService } = await import('../server/modules/auth/totp.service.js');
      if (!(await new TotpService(ctx.db, config).resetByOperator(username)))
        throw new Error(`no user ${username} / 用户不存在`);
      console.log(`two-step verification removed for ${username} / 已清除 ${username} 的两步验证`);
    } finally {
      await ctx.dbh.close();
    }
  });

program
  .command('import')
  .description(
    '导入 Excel/CSV 文件 Import a spreadsheet (kinds: schools, teachers, school-year-stats, classes, travel-times)',
  )
  .requiredOption('--kind <kind>', 'schools | teachers | school-year-stats | classes | travel-times')
  .argument('<file>', '.xlsx or .csv file')
  .option('--dry-run', 'validate only, write nothing')
  .action(async (file: string, opts: { kind: string; dryRun?: boolean }) => {
    const { runImportCommand } = await import('./import-export.js');
    process.exitCode = await runImportCommand(loadConfig(), file, opts.kind, Boolean(opts.dryRun));
  });

program
  .command('export')
  .description('导出名册 Export a list to xlsx (kinds: schools, teachers, communities, school-year-stats)')
  .requiredOption('--kind <kind>', 'schools | teachers | communities | school-year-stats')
  .requiredOption('--out <file>', 'output .xlsx path')
  .option('--region <code>', 'limit to a region code')
  .action(async (opts: { kind: string; out: string; region?: string }) => {
    const { runExportCommand } = await import('./import-export.js');
    process.exitCode = await runExportCommand(loadConfig(), opts.kind, opts.out, opts.region);
  });

program
  .command('backup')
  .description('备份数据库与文件 Back up the database and the stored files into one archive (see docs/operations.md)')
  .requiredOption('--out <file>', 'the archive to write (.tar); an existing file is not overwritten')
  .action(async (opts: { out: string }) => {
    const { runBackupCommand } = await import('./backup.js');
    process.exitCode = await runBackupCommand(loadConfig(), opts.out, program.version() ?? 'unknown');
  });

program
  .command('restore')
  .description('从备份恢复 Restore a backup into this installation (an empty database unless --force)')
  .argument('<file>', 'archive written by gongjin backup')
  .option('--force', 'replace existing data (the old PGlite and files directories are kept beside them)')
  .option('--check', 'only verify the archive (every sha256); change nothing')
  .action(async (file: string, opts: { force?: boolean; check?: boolean }) => {
    const { runRestoreCommand } = await import('./backup.js');
    process.exitCode = await runRestoreCommand(loadConfig(), file, opts);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
