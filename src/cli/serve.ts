import type { Config } from '../server/config.js';
import { buildApp } from '../server/app.js';
import { openContext, prepareDatabase } from '../server/bootstrap.js';
import { DEMO_USERNAMES } from '../server/demo/demo.service.js';

/** The demo accounts' generated password, shown once like the admin's (it is stored only hashed). */
export function printDemoPassword(password: string | undefined) {
  if (!password) return;
  console.log(
    `\n  演示账号 ${DEMO_USERNAMES.join(' / ')} 的密码 / password of the demo accounts: ${password}\n  (shown once; set GONGJIN_DEMO_PASSWORD to choose it)\n`,
  );
}
import { modules } from '../server/modules/index.js';
import { jobContributions } from '../server/modules/jobs/jobs.contributions.js';
import { JobWorker } from '../server/modules/jobs/worker.js';

export async function serve(config: Config) {
  const ctx = await openContext(config);
  const report = await prepareDatabase(ctx);
  if (report.adminPassword) {
    console.log(
      `\n  管理员账号 admin 的初始密码 / initial password for "admin": ${report.adminPassword}\n  (shown once; set GONGJIN_ADMIN_PASSWORD to choose it)\n`,
    );
  }
  if (config.demo) {
    const schools = await ctx.db
      .selectFrom('schools')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (schools.n === 0) {
      console.log('生成演示数据 Creating the demo county…');
      const { seedDemoCounty } = await import('../server/demo/seed-all.js');
      const summary = await seedDemoCounty(ctx.dbh, { password: config.demoPassword, storage: ctx.storage });
      console.log(`演示数据已生成 demo county created: ${JSON.stringify(summary.registry)}`);
      printDemoPassword(summary.generatedPassword);
    }
  }
  const app = await buildApp(ctx);
  // background work and scheduled maintenance run on the job queue, in every instance
  const { kinds, schedules } = jobContributions(modules);
  const worker = new JobWorker(ctx, kinds, schedules, {
    log: (level, message, data) => app.log[level](data, message),
    leaseSeconds: config.jobLeaseSeconds,
    modules,
    onFinished: (kind, outcome, seconds, result) => app.jobMetrics.jobFinished(kind, outcome, seconds, result),
  });
  await worker.start();
  // graceful shutdown: stop accepting, let requests in flight finish (Fastify answers 503 to new
  // ones meanwhile, so a proxy retries them on the other instance), then close the database
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.error('shutdown took longer than 30 s; exiting anyway');
      process.exit(1);
    }, 30_000);
    force.unref();
    // running jobs get up to 10 s, then go back to the queue for another instance
    await Promise.all([worker.stop(10_000), app.close()]);
    await ctx.dbh.close();
    app.log.info('shut down');
    process.exit(0);
  };
  // `on`, not `once`: a second signal (npm forwarding the same TERM) must not kill the shutdown
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  console.log(`共进 Gongjin listening on http://localhost:${config.port} (database: ${ctx.dbh.kind})`);
}
