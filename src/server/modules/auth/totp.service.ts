import { createHash, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import { AppError, fieldIssue } from '../../http/errors.js';
import type { Role } from '../../../shared/enums.js';
import type { TotpEnrolment, TotpStatus } from '../../../shared/identity.schemas.js';
import { recordAudit } from '../audit/index.js';
import type { SecondFactorHook } from './auth.service.js';
import { issueChallenge } from './sign-in.js';

export const RECOVERY_CODE_COUNT = 10;
const OTP_ISSUER = '共进 Gongjin';
/** Wrong codes per user within the window before codes are refused for a while. */
const MAX_FAILED_CODES = 10;
const FAILED_CODE_WINDOW_MINUTES = 15;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function hashRecoveryCode(code: string): string {
  return createHash('sha256')
    .update(code.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .digest('hex');
}

function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

function invalidCode() {
  return new AppError(422, 'totp_invalid_code', {}, [
    fieldIssue('body.code', 'invalid_code', '验证码不正确或已使用过', 'The code is wrong or was already used'),
  ]);
}

/**
 * TOTP second factor (RFC 6238 via otplib) with one-time recovery codes. A code is accepted once:
 * the time step of the last accepted code is stored and only later steps pass. Wrong codes are
 * counted per user in the database and audited.
 */
export class TotpService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** GONGJIN_REQUIRE_TOTP_FOR_ADMINS: every bureau administrator must use a second factor. */
  required(role: string): boolean {
    return this.config.requireTotpForAdmins && (role as Role) === 'bureau_admin';
  }

  /** What a user who has passed the first factor must still do: a code, an enrolment, or nothing. */
  async secondStepFor(user: { id: number; role: string }): Promise<'totp' | 'enrol' | null> {
    const row = await this.db
      .selectFrom('user_totp')
      .select('enabled_at')
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (row?.enabled_at) return 'totp';
    return this.required(user.role) ? 'enrol' : null;
  }

  /** The hook AuthService.login() calls once the password is right. */
  loginHook(): SecondFactorHook {
    return async (user, ip, userAgent) => {
      const kind = await this.secondStepFor(user);
      return kind ? issueChallenge(this.db, { userId: user.id, kind, via: 'password', ip, userAgent }) : null;
    };
  }

  async status(userId: number, role: string): Promise<TotpStatus> {
    const row = await this.db
      .selectFrom('user_totp')
      .select('enabled_at')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    const left = await this.db
      .selectFrom('totp_recovery_codes')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return {
      enabled: Boolean(row?.enabled_at),
      required: this.required(role),
      recoveryCodesLeft: row?.enabled_at ? left.n : 0,
    };
  }

  /** A new secret awaiting its first code (replaces an unfinished enrolment). */
  async beginEnrol(userId: number, username: string): Promise<TotpEnrolment> {
    const existing = await this.db
      .selectFrom('user_totp')
      .select('enabled_at')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (existing?.enabled_at) throw new AppError(409, 'totp_already_enabled');
    const secret = generateSecret();
    await this.db
      .insertInto('user_totp')
      .values({ user_id: userId, secret, enabled_at: null, last_time_step: null })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({ secret, last_time_step: null, created_at: sql<string>`now()` }),
      )
      .execute();
    const otpauthUrl = generateURI({ issuer: OTP_ISSUER, label: username, secret });
    return { secret, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 200 }) };
  }

  /** The first code from the app turns TOTP on; returns the recovery codes (shown once). */
  async confirmEnrol(caller: Caller, code: string): Promise<string[]> {
    const userId = caller.actor.userId;
    const row = await this.db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (row?.enabled_at) throw new AppError(409, 'totp_already_enabled');
    if (!row) throw new AppError(409, 'totp_no_enrolment');
    await this.checkCode(caller, code, { allowRecovery: false, pending: true });
    return this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('user_totp')
        .set({ enabled_at: sql<string>`now()` })
        .where('user_id', '=', userId)
        .execute();
      const codes = await this.replaceRecoveryCodes(tx, userId);
      await recordAudit(tx, caller, { action: 'totp_enable', entity: 'user', entityId: userId });
      return codes;
    });
  }

  async disable(caller: Caller, code: string): Promise<void> {
    const userId = caller.actor.userId;
    if (this.required(caller.actor.role)) throw new AppError(422, 'totp_required');
    await this.assertEnabled(userId);
    await this.checkCode(caller, code, { allowRecovery: true });
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
      await tx.deleteFrom('totp_recovery_codes').where('user_id', '=', userId).execute();
      await recordAudit(tx, caller, { action: 'totp_disable', entity: 'user', entityId: userId });
    });
  }

  async regenerateRecoveryCodes(caller: Caller, code: string): Promise<string[]> {
    const userId = caller.actor.userId;
    await this.assertEnabled(userId);
    await this.checkCode(caller, code, { allowRecovery: false });
    return this.db.transaction().execute(async (tx) => {
      const codes = await this.replaceRecoveryCodes(tx, userId);
      await recordAudit(tx, caller, { action: 'totp_recovery_codes', entity: 'user', entityId: userId });
      return codes;
    });
  }

  /**
   * Accepts a current TOTP code (each time step once) or, when allowed, an unused recovery code
   * (then spent). Refuses with 429 after too many wrong codes; every wrong code is counted and audited.
   */
  async checkCode(
    caller: Caller,
    raw: string,
    opts: { allowRecovery: boolean; pending?: boolean },
  ): Promise<'totp' | 'recovery_code'> {
    const userId = caller.actor.userId;
    const failures = await this.db
      .selectFrom('totp_attempts')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('user_id', '=', userId)
      .where('succeeded', '=', false)
      .where(sql<boolean>`at > now() - make_interval(mins => ${FAILED_CODE_WINDOW_MINUTES})`)
      .executeTakeFirstOrThrow();
    if (failures.n >= MAX_FAILED_CODES) {
      await recordAudit(this.db, caller, { action: 'totp_throttled', entity: 'user', entityId: userId });
      throw new AppError(429, 'totp_too_many_attempts', { minutes: FAILED_CODE_WINDOW_MINUTES });
    }
    const code = raw.replace(/\s+/g, '');
    let used: 'totp' | 'recovery_code' | null = null;
    if (/^\d{6}$/.test(code)) {
      if (await this.acceptTotp(userId, code, opts.pending ?? false)) used = 'totp';
    } else if (opts.allowRecovery) {
      const spent = await this.db
        .updateTable('totp_recovery_codes')
        .set({ used_at: sql<string>`now()` })
        .where('user_id', '=', userId)
        .where('code_hash', '=', hashRecoveryCode(code))
        .where('used_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (spent) used = 'recovery_code';
    }
    await this.db
      .insertInto('totp_attempts')
      .values({ user_id: userId, ip: caller.ip, succeeded: used !== null })
      .execute();
    if (!used) {
      await recordAudit(this.db, caller, { action: 'totp_failed', entity: 'user', entityId: userId });
      throw invalidCode();
    }
    if (used === 'recovery_code')
      await recordAudit(this.db, caller, { action: 'totp_recovery_code_used', entity: 'user', entityId: userId });
    return used;
  }

  private async acceptTotp(userId: number, code: string, pending: boolean): Promise<boolean> {
    const row = await this.db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!row || (pending ? row.enabled_at !== null : row.enabled_at === null)) return false;
    const last = row.last_time_step === null ? undefined : Number(row.last_time_step);
    const result = await verify({
      secret: row.secret,
      token: code,
      epoch: Math.floor(this.now().getTime() / 1000),
      epochTolerance: 30,
      ...(last !== undefined ? { afterTimeStep: last } : {}),
    });
    if (!result.valid || !('timeStep' in result)) return false;
    // claim the time step atomically: two requests with one code cannot both pass
    const claimed = await this.db
      .updateTable('user_totp')
      .set({ last_time_step: String(result.timeStep) })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_time_step', 'is', null), eb('last_time_step', '<', String(result.timeStep))]))
      .returning('user_id')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  /**
   * Operator recovery (`gongjin totp-reset <username>`, needs database access): removes a user's
   * TOTP and recovery codes, e.g. after a lost phone and lost codes; audited. Returns false for an unknown user.
   */
  async resetByOperator(username: string): Promise<boolean> {
    const user = await this.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
    if (!user) return false;
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('user_totp').where('user_id', '=', user.id).execute();
      await tx.deleteFrom('totp_recovery_codes').where('user_id', '=', user.id).execute();
      await tx.deleteFrom('login_challenges').where('user_id', '=', user.id).execute();
      await recordAudit(tx, null, { action: 'totp_reset', entity: 'user', entityId: user.id, after: { by: 'cli' } });
    });
    return true;
  }

  private async assertEnabled(userId: number) {
    const row = await this.db
      .selectFrom('user_totp')
      .select('enabled_at')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row?.enabled_at) throw new AppError(409, 'totp_not_enabled');
  }

  private async replaceRecoveryCodes(tx: Db, userId: number): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await tx.deleteFrom('totp_recovery_codes').where('user_id', '=', userId).execute();
    await tx
      .insertInto('totp_recovery_codes')
      .values(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(c), used_at: null })))
      .execute();
    return codes;
  }
}
