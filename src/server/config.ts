import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/** One proxy address or CIDR block (IPv4 or IPv6). */
function isAddressOrCidr(v: string): boolean {
  const [addr, bits, ...rest] = v.split('/');
  if (rest.length || !addr) return false;
  const family = net.isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * GONGJIN_TRUST_PROXY: empty (trust no proxy: the socket address is the client), a hop count, or a
 * comma list of proxy addresses/CIDRs. Passed to Fastify's trustProxy as is.
 */
const trustProxySchema = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx): false | number | string[] => {
    if (!v) return false;
    if (/^\d+$/.test(v)) return Number(v);
    const items = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((s) => !isAddressOrCidr(s));
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `not a hop count or a list of addresses/CIDRs: ${bad.join(', ')}` });
      return z.NEVER;
    }
    return items;
  });
/** A comma- or space-separated list of web origins (`https://host[:port]`), normalised to `URL.origin`. */
const originList = z.string().transform((v, c) => {
  const out: string[] = [];
  for (const item of v.split(/[\s,]+/).filter(Boolean)) {
    const url = URL.canParse(item) ? new URL(item) : null;
    if (
      !url ||
      !['http:', 'https:'].includes(url.protocol) ||
      url.origin === 'null' ||
      (url.pathname !== '/' && url.pathname !== '')
    ) {
      c.addIssue({ code: 'custom', message: `not an origin (scheme://host[:port]): ${item}` });
      return z.NEVER;
    }
    out.push(url.origin);
  }
  return out;
});

/** The environment contract other tools rely on; parsed once at boot. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  GONGJIN_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  GONGJIN_ADMIN_PASSWORD: z.string().min(1).optional(),
  /** default: 1 on the embedded database, 0 when DATABASE_URL names a server */
  GONGJIN_DEMO: z.enum(['0', '1']).optional(),
  GONGJIN_DEMO_PASSWORD: z.string().min(8).optional(),
  GONGJIN_TRUST_PROXY: trustProxySchema,
  GONGJIN_LOGIN_LOCK_AFTER: z.coerce.number().int().min(0).default(0),
  GONGJIN_DISPLAY_LINK_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  GONGJIN_UPLOAD_LIMIT_MB: z.coerce.number().positive().default(50),
  GONGJIN_SESSION_DAYS: z.coerce.number().positive().default(7),
  GONGJIN_READ_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  GONGJIN_SECURE_COOKIES: z.enum(['0', '1']).default('0'),
  GONGJIN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // --- sign-in: SSO (OpenID Connect) and second factor; see README "单点登录与两步验证" ---
  GONGJIN_PUBLIC_URL: z.string().url().optional(),
  GONGJIN_OIDC_ISSUER: z.string().url().optional(),
  GONGJIN_OIDC_CLIENT_ID: z.string().min(1).optional(),
  GONGJIN_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  GONGJIN_OIDC_USERNAME_CLAIM: z.string().min(1).default('preferred_username'),
  GONGJIN_OIDC_SCOPES: z.string().min(1).default('openid profile'),
  GONGJIN_OIDC_LABEL: z.string().min(1).default('统一身份认证登录'),
  GONGJIN_PASSWORD_LOGIN: z.enum(['0', '1']).default('1'),
  GONGJIN_REQUIRE_TOTP_FOR_ADMINS: z.enum(['0', '1']).default('0'),
  GONGJIN_PUBLIC_ORIGIN: originList.default([]),
  GONGJIN_FRAME_ANCESTORS: originList.default([]),
  GONGJIN_IMPORT_RETENTION_DAYS: z.coerce.number().nonnegative().default(30),
  GONGJIN_IMPORT_QUEUE_CHECK_MB: z.coerce.number().nonnegative().default(1),
  GONGJIN_IMPORT_MAX_UNPACKED_MB: z.coerce.number().positive().default(200),
  /** lists count matching rows exactly up to this many; beyond, the total is the planner's estimate */
  GONGJIN_LIST_COUNT_CAP: z.coerce.number().int().min(1).default(10_000),
  GONGJIN_IMPORT_MAX_ROWS: z.coerce.number().int().positive().default(1_000_000),
  /** PostgreSQL parallel workers per query (max_parallel_workers_per_gather) on the app's connections */
  GONGJIN_PG_PARALLEL_WORKERS: z.coerce.number().int().min(0).max(16).default(0),
  GONGJIN_PG_PREPARED_STATEMENTS: z.enum(['0', '1']).default('1'),
  /** seconds before the jobs of an instance that died go to another (its lease is renewed every second while alive) */
  GONGJIN_JOB_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
  /** bearer token Prometheus sends to GET /metrics; unset: no /metrics */
  GONGJIN_METRICS_TOKEN: z.string().min(16).optional(),
  // --- notification channels (modules/notifications); each is off while unset ---
  /** smtp://user:pass@host:port or smtps://…; the sender from GONGJIN_SMTP_FROM or the URL's ?from= */
  GONGJIN_SMTP_URL: z
    .string()
    .url()
    .refine((v) => /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps://')
    .optional(),
  GONGJIN_SMTP_FROM: z.string().min(3).optional(),
  /** a DingTalk group robot's webhook (https://oapi.dingtalk.com/robot/send?access_token=…) */
  GONGJIN_DINGTALK_WEBHOOK: z.string().url().optional(),
  /** the robot's signing secret (加签 SEC…); unset: the robot checks keywords or addresses instead */
  GONGJIN_DINGTALK_SECRET: z.string().min(1).optional(),
  /** a WeCom group robot's webhook (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…) */
  GONGJIN_WECOM_WEBHOOK: z.string().url().optional(),
  /** how long one send may take before it counts as failed (and is retried) */
  GONGJIN_NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(10_000),
});

/** Where notifications go besides the in-app bell (GONGJIN_SMTP_*, GONGJIN_DINGTALK_*, GONGJIN_WECOM_*). */
export interface NotifyChannelsConfig {
  smtp: { url: string; from: string } | null;
  dingtalk: { webhook: string; secret: string | undefined } | null;
  wecom: { webhook: string } | null;
  timeoutMs: number;
}

/** The OpenID provider a deployment signs in through (GONGJIN_OIDC_*), or null when SSO is off. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  /** ID-token / userinfo claim whose value is the Gongjin username (or a phone number used as one). */
  usernameClaim: string;
  scopes: string;
  /** Text of the login page's SSO button, e.g. 浙政钉登录. */
  label: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** parallel workers one query may start on the app's PostgreSQL connections (0: none) */
  pgParallelWorkers: number;
  pgPreparedStatements: boolean;
  adminPassword: string | undefined;
  demo: boolean;
  /** password of the demo accounts; generated (and printed once) when unset */
  demoPassword: string | undefined;
  /** Fastify trustProxy: false (socket address), a hop count, or proxy addresses/CIDRs */
  trustProxy: false | number | string[];
  /** lock an account after this many failed sign-ins in a row (0: never) */
  loginLockAfter: number;
  displayLinkMaxDays: number;
  uploadLimitBytes: number;
  sessionDays: number;
  /** how long this instance trusts a session or a list total it read, before reading it again (0: always read) */
  readCacheMs: number;
  secureCookies: boolean;
  logLevel: z.infer<typeof envSchema>['GONGJIN_LOG_LEVEL'];
  /** Base URL users reach the app at (SSO redirect URL); the request's own origin when unset. */
  publicUrl: string | undefined;
  oidc: OidcConfig | null;
  /** false: only SSO signs in (GONGJIN_PASSWORD_LOGIN=0). */
  passwordLogin: boolean;
  /** every bureau_admin must use TOTP (GONGJIN_REQUIRE_TOTP_FOR_ADMINS=1). */
  requireTotpForAdmins: boolean;
  /** Origins besides the request's own Host that may send state-changing requests (the public URL behind a proxy). */
  publicOrigins: string[];
  /** Origins that may frame the big-screen display page; nothing else may be framed. */
  frameAncestors: string[];
  /** lists count matching rows exactly up to this many (GONGJIN_LIST_COUNT_CAP), then estimate */
  listCountCap: number;
  /** Days an imported file is kept after its job is committed (then deleted: it holds personal data). */
  importRetentionDays: number;
  /** Registry import files above this size are checked on the job queue, smaller ones in the request. */
  importQueueCheckBytes: number;
  /** the bearer token of GET /metrics; undefined: the endpoint is off */
  metricsToken: string | undefined;
  /** a running job's lease in seconds: how soon a dead instance's jobs are taken over */
  jobLeaseSeconds: number;
  notify: NotifyChannelsConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration / 配置有误:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.GONGJIN_OIDC_ISSUER && !e.GONGJIN_OIDC_CLIENT_ID)
    throw new Error(
      'Invalid configuration / 配置有误:\n  GONGJIN_OIDC_CLIENT_ID: required with GONGJIN_OIDC_ISSUER / 设置了 GONGJIN_OIDC_ISSUER 时必须设置',
    );
  if (e.GONGJIN_PASSWORD_LOGIN === '0' && !e.GONGJIN_OIDC_ISSUER) {
    throw new Error(
      'Invalid configuration / 配置有误:\n  GONGJIN_PASSWORD_LOGIN=0 needs GONGJIN_OIDC_ISSUER (nobody could sign in) / 关闭密码登录需先配置单点登录',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.GONGJIN_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    pgParallelWorkers: e.GONGJIN_PG_PARALLEL_WORKERS,
    pgPreparedStatements: e.GONGJIN_PG_PREPARED_STATEMENTS === '1',
    adminPassword: e.GONGJIN_ADMIN_PASSWORD,
    demo: e.GONGJIN_DEMO === undefined ? !e.DATABASE_URL : e.GONGJIN_DEMO === '1',
    demoPassword: e.GONGJIN_DEMO_PASSWORD,
    trustProxy: e.GONGJIN_TRUST_PROXY,
    loginLockAfter: e.GONGJIN_LOGIN_LOCK_AFTER,
    displayLinkMaxDays: e.GONGJIN_DISPLAY_LINK_MAX_DAYS,
    uploadLimitBytes: Math.round(e.GONGJIN_UPLOAD_LIMIT_MB * 1024 * 1024),
    sessionDays: e.GONGJIN_SESSION_DAYS,
    readCacheMs: e.GONGJIN_READ_CACHE_MS,
    secureCookies: e.GONGJIN_SECURE_COOKIES === '1',
    logLevel: e.GONGJIN_LOG_LEVEL,
    publicUrl: e.GONGJIN_PUBLIC_URL?.replace(/\/+$/, ''),
    oidc: e.GONGJIN_OIDC_ISSUER
      ? {
          issuer: e.GONGJIN_OIDC_ISSUER,
          clientId: e.GONGJIN_OIDC_CLIENT_ID!,
          clientSecret: e.GONGJIN_OIDC_CLIENT_SECRET,
          usernameClaim: e.GONGJIN_OIDC_USERNAME_CLAIM,
          scopes: e.GONGJIN_OIDC_SCOPES,
          label: e.GONGJIN_OIDC_LABEL,
        }
      : null,
    passwordLogin: e.GONGJIN_PASSWORD_LOGIN === '1',
    requireTotpForAdmins: e.GONGJIN_REQUIRE_TOTP_FOR_ADMINS === '1',
    publicOrigins: e.GONGJIN_PUBLIC_ORIGIN,
    frameAncestors: e.GONGJIN_FRAME_ANCESTORS,
    listCountCap: e.GONGJIN_LIST_COUNT_CAP,
    importRetentionDays: e.GONGJIN_IMPORT_RETENTION_DAYS,
    importQueueCheckBytes: Math.round(e.GONGJIN_IMPORT_QUEUE_CHECK_MB * 1024 * 1024),
    metricsToken: e.GONGJIN_METRICS_TOKEN,
    jobLeaseSeconds: e.GONGJIN_JOB_LEASE_SECONDS,
    notify: {
      smtp: e.GONGJIN_SMTP_URL
        ? { url: e.GONGJIN_SMTP_URL, from: smtpFrom(e.GONGJIN_SMTP_URL, e.GONGJIN_SMTP_FROM) }
        : null,
      dingtalk: e.GONGJIN_DINGTALK_WEBHOOK
        ? { webhook: e.GONGJIN_DINGTALK_WEBHOOK, secret: e.GONGJIN_DINGTALK_SECRET }
        : null,
      wecom: e.GONGJIN_WECOM_WEBHOOK ? { webhook: e.GONGJIN_WECOM_WEBHOOK } : null,
      timeoutMs: e.GONGJIN_NOTIFY_TIMEOUT_MS,
    },
  };
}

/** The sender: GONGJIN_SMTP_FROM, else the URL's ?from=, else the SMTP user at the server's host. */
function smtpFrom(url: string, from: string | undefined): string {
  if (from) return from;
  const u = new URL(url);
  const fromParam = u.searchParams.get('from');
  if (fromParam) return fromParam;
  const user = decodeURIComponent(u.username);
  return user.includes('@') ? user : `${user || 'gongjin'}@${u.hostname}`;
}
