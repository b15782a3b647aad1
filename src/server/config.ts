import path from 'node:path';
import { z } from 'zod';

/** The environment contract other tools rely on; parsed once at boot. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  GONGJIN_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  GONGJIN_ADMIN_PASSWORD: z.string().min(1).optional(),
  GONGJIN_DEMO: z.enum(['0', '1']).default('1'),
  GONGJIN_UPLOAD_LIMIT_MB: z.coerce.number().positive().default(50),
  GONGJIN_SESSION_DAYS: z.coerce.number().positive().default(7),
  GONGJIN_SECURE_COOKIES: z.enum(['0', '1']).default('0'),
  GONGJIN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GONGJIN_IMPORT_RETENTION_DAYS: z.coerce.number().nonnegative().default(30),
  GONGJIN_IMPORT_MAX_UNPACKED_MB: z.coerce.number().positive().default(200),
  GONGJIN_IMPORT_MAX_ROWS: z.coerce.number().int().positive().default(1_000_000),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  uploadLimitBytes: number;
  sessionDays: number;
  secureCookies: boolean;
  logLevel: z.infer<typeof envSchema>['GONGJIN_LOG_LEVEL'];
  /** Days an imported file is kept after its job is committed (then deleted: it holds personal data). */
  importRetentionDays: number;
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
    demo: e.GONGJIN_DEMO === '1',
    uploadLimitBytes: Math.round(e.GONGJIN_UPLOAD_LIMIT_MB * 1024 * 1024),
    sessionDays: e.GONGJIN_SESSION_DAYS,
    secureCookies: e.GONGJIN_SECURE_COOKIES === '1',
    logLevel: e.GONGJIN_LOG_LEVEL,
    importRetentionDays: e.GONGJIN_IMPORT_RETENTION_DAYS,
  };
}
