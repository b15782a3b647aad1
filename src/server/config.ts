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
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = items.filter((s) => !isAddressOrCidr(s));
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `not a hop count or a list of addresses/CIDRs: ${bad.join(', ')}` });
      return z.NEVER;
    }
    return items;
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
  GONGJIN_SECURE_COOKIES: z.enum(['0', '1']).default('0'),
  GONGJIN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
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
  secureCookies: boolean;
  logLevel: z.infer<typeof envSchema>['GONGJIN_LOG_LEVEL'];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration / 配置有误:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.GONGJIN_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    adminPassword: e.GONGJIN_ADMIN_PASSWORD,
    demo: e.GONGJIN_DEMO === undefined ? !e.DATABASE_URL : e.GONGJIN_DEMO === '1',
    demoPassword: e.GONGJIN_DEMO_PASSWORD,
    trustProxy: e.GONGJIN_TRUST_PROXY,
    loginLockAfter: e.GONGJIN_LOGIN_LOCK_AFTER,
    displayLinkMaxDays: e.GONGJIN_DISPLAY_LINK_MAX_DAYS,
    uploadLimitBytes: Math.round(e.GONGJIN_UPLOAD_LIMIT_MB * 1024 * 1024),
    sessionDays: e.GONGJIN_SESSION_DAYS,
    secureCookies: e.GONGJIN_SECURE_COOKIES === '1',
    logLevel: e.GONGJIN_LOG_LEVEL,
  };
}
