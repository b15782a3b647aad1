import { z } from 'zod';
import { ROLES, SCOPE_KINDS } from './enums.js';
import { bi } from './validation.js';

export const loginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(200),
});

export const scopeSchema = z.object({ kind: z.enum(SCOPE_KINDS), id: z.string().min(1).max(20) });

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  scope: scopeSchema,
  scopeName: z.string().nullable(),
  teacherId: z.number().int().nullable(),
  isActive: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const meSchema = userSchema
  .pick({ id: true, username: true, displayName: true, role: true, scope: true, scopeName: true, teacherId: true })
  /** true after an administrator reset the password: the API answers nothing else until it is changed */
  .extend({ mustChangePassword: z.boolean() });
export type Me = z.infer<typeof meSchema>;

const password = z
  .string()
  .min(8, { message: bi('密码至少 8 位', 'Password needs at least 8 characters') })
  .max(200);

export const userCreate = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_.-]{3,64}$/, {
      message: bi('用户名为 3-64 位字母、数字、下划线、点或横线', 'Username: 3–64 letters, digits, _ . -'),
    }),
  displayName: z.string().trim().min(1).max(64),
  password,
  role: z.enum(ROLES),
  scope: scopeSchema,
  teacherId: z.number().int().positive().nullable().optional(),
});
export type UserCreate = z.infer<typeof userCreate>;

export const userUpdate = userCreate.omit({ username: true, password: true }).partial().extend({
  password: password.optional(),
  isActive: z.boolean().optional(),
});
export type UserUpdate = z.infer<typeof userUpdate>;

export const changePasswordBody = z.object({ currentPassword: z.string().min(1), newPassword: password });

/** One of the signed-in user's sessions (the id is the stored hash, never the cookie token). */
export const sessionViewSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;
export const sessionIdParam = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) });

export const loginLockSchema = z.object({
  userId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  lockedAt: z.string(),
});
export type LoginLock = z.infer<typeof loginLockSchema>;
