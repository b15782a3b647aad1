import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { AppError } from '../../http/errors.js';

/**
 * Login throttling that an attacker cannot turn into a lockout. Failures are counted per
 * (username, client address) and per client address, never per account alone, so failures from one
 * address never slow down the real user at another. After the free failures each further one doubles
 * the wait, up to a cap; while a key waits, attempts are refused without checking the password (and
 * are not counted). An attempt is counted before its password is checked and given back when it was
 * right, so concurrent requests cannot overrun the allowance. The counters live in the database (`login_throttle`), so several instances share
 * them. An optional hard lock (`GONGJIN_LOGIN_LOCK_AFTER`) counts failures per username from any
 * address and must be lifted by an administrator; it is off by default because it is a lockout.
 */
export const PAIR_FREE_FAILURES = 5;
export const PAIR_BASE_SECONDS = 30;
export const PAIR_MAX_SECONDS = 15 * 60;
export const IP_FREE_FAILURES = 20;
export const IP_BASE_SECONDS = 60;
export const IP_MAX_SECONDS = 60 * 60;
/** A key with no failure for this long starts again from zero. */
export const FORGET_AFTER_SECONDS = 24 * 3600;

interface Rule {
  free: number;
  base: number;
  max: number;
}
const PAIR: Rule = { free: PAIR_FREE_FAILURES, base: PAIR_BASE_SECONDS, max: PAIR_MAX_SECONDS };
const IP: Rule = { free: IP_FREE_FAILURES, base: IP_BASE_SECONDS, max: IP_MAX_SECONDS };

export const pairKey = (username: string, ip: string) => `pair:${username.toLowerCase()}|${ip}`;
export const ipKey = (ip: string) => `ip:${ip}`;
export const userKey = (username: string) => `user:${username.toLowerCase()}`;

/** Seconds a key must wait after `failures` failures (0 while within the free ones). */
export function waitSeconds(rule: Rule, failures: number): number {
  if (failures < rule.free) return 0;
  return Math.min(rule.max, rule.base * 2 ** Math.min(failures - rule.free, 30));
}

/** "30 秒" / "2 分钟" and the English, for the message of the 429. */
export function describeWait(seconds: number): { wait: string; waitEn: string } {
  if (seconds < 60) return { wait: `${seconds} 秒`, waitEn: `${seconds} seconds` };
  const minutes = Math.ceil(seconds / 60);
  return { wait: `${minutes} 分钟`, waitEn: minutes === 1 ? '1 minute' : `${minutes} minutes` };
}

/** Days the login_attempts log keeps an attempt. */
export const LOGIN_LOG_KEEP_DAYS = 90;

export class LoginThrottledError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_attempts', describeWait(retryAfterSeconds));
  }
}

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /**
   * Takes one attempt from the address's and the pair's allowance before the password is checked,
   * atomically (a conditional upsert under the row lock), so parallel requests cannot all slip
   * through a check made before any of them failed. Throws LoginThrottledError while either waits.
   * A wrong password leaves the attempt counted; a right one gives it back (release).
   */
  async reserve(username: string, ip: string): Promise<void> {
    if (!(await this.take(ipKey(ip), IP))) throw await this.throttled(username, ip);
    if (!(await this.take(pairKey(username, ip), PAIR))) {
      await this.giveBack(ipKey(ip));
      throw await this.throttled(username, ip);
    }
  }

  /** The attempt succeeded: the pair and the username's lock count start afresh; the address gets its attempt back. */
  async release(username: string, ip: string): Promise<void> {
    await this.db
      .deleteFrom('login_throttle')
      .where('key', 'in', [pairKey(username, ip), userKey(username)])
      .execute();
    await this.giveBack(ipKey(ip));
  }

  /** Counts a failure that is not an attempt allowance (the username's hard-lock count); returns the new count. */
  async countFailure(key: string): Promise<number> {
    const at = this.now().toISOString();
    const forgetBefore = this.forgetBefore();
    const row = await this.db
      .insertInto('login_throttle')
      .values({ key, failures: 1, last_failure_at: at })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when login_throttle.last_failure_at < ${forgetBefore}::timestamptz then 1 else login_throttle.failures + 1 end`,
          last_failure_at: at,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    return row.failures;
  }

  /** Removes counters nobody remembers any more (called now and then from login). */
  async prune(): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('last_failure_at', '<', this.forgetBefore()).execute();
    // the attempt log is for security reviews, not for throttling: kept a quarter, then dropped
    const logBefore = new Date(this.now().getTime() - LOGIN_LOG_KEEP_DAYS * 86_400_000).toISOString();
    await this.db.deleteFrom('login_attempts').where('at', '<', logBefore).execute();
  }

  private forgetBefore(): string {
    return new Date(this.now().getTime() - FORGET_AFTER_SECONDS * 1000).toISOString();
  }

  /** One more attempt on the key unless it has to wait; false when it does. */
  private async take(key: string, rule: Rule): Promise<boolean> {
    const at = this.now().toISOString();
    const forgetBefore = this.forgetBefore();
    const t = sql.ref('login_throttle');
    const row = await this.db
      .insertInto('login_throttle')
      .values({ key, failures: 1, last_failure_at: at })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when ${t}.last_failure_at < ${forgetBefore}::timestamptz then 1 else ${t}.failures + 1 end`,
          last_failure_at: at,
        }).where(sql<boolean>`${t}.last_failure_at < ${forgetBefore}::timestamptz
          or ${t}.failures < ${rule.free}
          or ${t}.last_failure_at + make_interval(secs => least(${rule.max}::float8, ${rule.base}::float8 * power(2::float8, least(${t}.failures - ${rule.free}, 30)))) <= ${at}::timestamptz`),
      )
      .returning('failures')
      .executeTakeFirst();
    return row !== undefined;
  }

  private async giveBack(key: string): Promise<void> {
    await this.db
      .updateTable('login_throttle')
      .set({ failures: sql<number>`greatest(failures - 1, 0)` })
      .where('key', '=', key)
      .execute();
  }

  /** The error for a refused attempt, with the longest wait of the two keys. */
  private async throttled(username: string, ip: string): Promise<LoginThrottledError> {
    const now = this.now().getTime();
    const rows = await this.db
      .selectFrom('login_throttle')
      .select(['key', 'failures', 'last_failure_at'])
      .where('key', 'in', [pairKey(username, ip), ipKey(ip)])
      .execute();
    let wait = 1;
    for (const r of rows) {
      const last = new Date(r.last_failure_at).getTime();
      if (now - last >= FORGET_AFTER_SECONDS * 1000) continue;
      const until = last + waitSeconds(r.key.startsWith('ip:') ? IP : PAIR, r.failures) * 1000;
      wait = Math.max(wait, Math.ceil((until - now) / 1000));
    }
    return new LoginThrottledError(wait);
  }
}
