import { z } from 'zod';

/** What the login page offers (GET /api/v1/auth/methods). */
export const authMethodsSchema = z.object({
  password: z.boolean(),
  oidc: z.object({ label: z.string(), startUrl: z.string() }).nullable(),
});
export type AuthMethods = z.infer<typeof authMethodsSchema>;

export const SECOND_STEP_KINDS = ['totp', 'enrol'] as const;
/** Password (or SSO) accepted; the browser holds a challenge cookie and must pass this step. */
export const secondStepSchema = z.object({ kind: z.enum(SECOND_STEP_KINDS) });
export type SecondStep = z.infer<typeof secondStepSchema>;

/** A 6-digit TOTP code, or a recovery code (xxxxx-xxxxx); spaces are ignored. */
export const totpCodeBody = z.object({ code: z.string().trim().min(6).max(20) });

export const totpStatusSchema = z.object({
  enabled: z.boolean(),
  required: z.boolean(),
  recoveryCodesLeft: z.number().int(),
});
export type TotpStatus = z.infer<typeof totpStatusSchema>;

export const totpEnrolmentSchema = z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() });
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;

export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
