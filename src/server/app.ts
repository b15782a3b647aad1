import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { rememberTotalsFor } from './db/totals.js';
import { registerAuth } from './http/auth-plugin.js';
import { registerCsrfGuard } from './http/csrf.js';
import { pendingMigrations } from './db/migrate.js';
import { registerErrorHandler } from './http/error-handler.js';
import { AppError } from './http/errors.js';
import { registerMetrics } from './http/metrics.js';
import { transformWithErrors } from './http/error-docs.js';
import { appShell, registerRoutePolicies, registerSecurityHeaders } from './http/security-headers.js';
import { AuthService } from './modules/auth/auth.service.js';
import { modules as installedModules } from './modules/index.js';
import type { GongjinModule } from './modules/module.js';

export interface BuildOptions {
  /** Directory of the built web app; served at / when it exists. */
  webRoot?: string;
  logger?: boolean;
  /** the modules to mount (default: every installed module, modules/index.ts) */
  modules?: readonly GongjinModule[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultWebRoot = path.resolve(here, '../../dist/web');

/**
 * GONGJIN_TRUST_PROXY as Fastify's trustProxy. A hop count trusts that many hops nearest the server
 * (the socket peer first); this Fastify refuses bare numbers, so it is written as the function
 * proxy-addr would build.
 */
export function fastifyTrustProxy(
  v: Config['trustProxy'],
): false | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof v === 'number') return (_addr, hop) => hop < v;
  return v;
}

/** What a request line in the log says: method, path (no query string), route template. */
export function requestForLog(req: FastifyRequest) {
  const url = req.url.split('?')[0];
  return { method: req.method, url, route: req.routeOptions?.url, remoteAddress: req.ip };
}

/**
 * Ready to take traffic: the database answers and every module's migrations are applied. Not ready
 * is the taxonomy's `not_ready` (503) naming what is missing.
 */
async function assertReady(
  ctx: AppContext,
  modules: readonly GongjinModule[],
  migrated: { done: boolean },
): Promise<void> {
  try {
    await ctx.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  } catch {
    throw new AppError(503, 'not_ready', { reason: '数据库无法连接', reasonEn: 'the database does not answer' });
  }
  // migrations never come undone while this version runs: once all are applied, stop asking
  // (a load balancer polls readiness every few seconds; listing the migrations costs ~40× /api/health)
  if (migrated.done) return;
  const pending = await pendingMigrations(ctx.db, modules);
  migrated.done = pending.length === 0;
  if (pending.length)
    throw new AppError(503, 'not_ready', {
      reason: `${pending.length} 项数据库迁移尚未执行`,
      reasonEn: `${pending.length} database migration(s) pending`,
    });
}

/** Builds the HTTP app from the modules. Wiring only. */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // JSON lines with the request id (reqId) on each; the URL is logged without its query string,
    // which may carry names or ID numbers typed into a search box
    logger: options.logger === false ? false : { level: ctx.config.logLevel, serializers: { req: requestForLog } },
    bodyLimit: 2 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    // the client address is the socket's unless GONGJIN_TRUST_PROXY names the proxies (or a hop count)
    trustProxy: fastifyTrustProxy(ctx.config.trustProxy),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  rememberTotalsFor(ctx.config.readCacheMs);
  const webRoot = options.webRoot ?? defaultWebRoot;
  const hasWeb = fs.existsSync(path.join(webRoot, 'index.html'));
  const shell = hasWeb ? appShell(webRoot) : null;
  registerErrorHandler(app, shell ? { spaFallback: (reply) => shell(reply.request, reply) } : {});

  await registerSecurityHeaders(app, ctx.config);
  registerRoutePolicies(app, ctx.config);
  registerCsrfGuard(app, ctx.config);
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.config.uploadLimitBytes, files: 1, fields: 20 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Gongjin 共进 API',
        description: '义务教育共同体管理与评价平台 / urban–rural school alliance platform',
        version: '1',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'gongjin_session' } } },
      security: [{ session: [] }],
    },
    // every route's documented error responses come from the one taxonomy (http/errors.ts)
    transform: transformWithErrors,
    // schemas registered with an id in z.globalRegistry (recursive ones) become named components
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  registerAuth(app, AuthService.of(ctx));
  const modules = options.modules ?? installedModules;

  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgresql']), version: z.string() }),
        },
      },
    },
    async () => {
      await ctx.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
      return { status: 'ok' as const, database: ctx.dbh.kind, version: '0.1.0' };
    },
  );
  const migrated = { done: false };
  app.get(
    '/api/ready',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: '就绪检查 Readiness: database reachable, migrations applied',
        response: { 200: z.object({ status: z.literal('ready') }) },
      },
    },
    async () => {
      await assertReady(ctx, modules, migrated);
      return { status: 'ready' as const };
    },
  );
  registerMetrics(app, ctx);
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  const moduleCtx = { ...ctx, modules };
  for (const m of modules) await m.routes?.(app, moduleCtx);

  if (hasWeb) {
    // index.html carries a fresh CSP nonce on every load; see staticCacheControl for the other files
    app.get('/', { config: { public: true }, schema: { hide: true } }, (req, reply) => shell!(req, reply));
    app.get('/index.html', { config: { public: true }, schema: { hide: true } }, (req, reply) => shell!(req, reply));
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      wildcard: true,
      index: false,
      // the .br / .gz copies written at build time (scripts/compress-web.mjs), when the browser takes them
      preCompressed: true,
      setHeaders: (reply, file) => void reply.header('cache-control', staticCacheControl(file)),
    });
  }
  return app;
}

/**
 * How long a browser keeps a file of the web app: hashed files (assets/, the Workbox runtime) a year;
 * the service worker, its manifest and HTML are checked on every load (a kept sw.js would hold phones on
 * an old app); other files with a plain name (icons) a day.
 */
export function staticCacheControl(file: string): string {
  // a precompressed copy (sw.js.br) is kept as long as the file it stands for
  const name = path.basename(file).replace(/\.(br|gz)$/, '');
  if (name.endsWith('.html') || name === 'sw.js' || name.endsWith('.webmanifest')) return 'no-cache';
  if (file.split(path.sep).includes('assets') || /^workbox-[0-9a-f]{8}\.js$/.test(name))
    return 'public, max-age=31536000, immutable';
  return 'public, max-age=86400';
}
