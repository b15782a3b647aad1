import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES, SCOPE_KINDS, type Role, type ScopeKind } from '../../shared/enums.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';

/** The signed-in user as every service sees it: who, which role, and over what scope. */
export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  scope: { kind: ScopeKind; id: string };
  teacherId: number | null;
}

/** What a service needs of the request to act and to audit. */
export interface Caller {
  actor: Actor;
  requestId: string;
  ip: string;
}

/**
 * A caller as a background job carries it: the job acts, and is audited, as the user who asked for
 * it, with the request id that asked.
 */
export const actorSchema: z.ZodType<Actor> = z.object({
  userId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  scope: z.object({ kind: z.enum(SCOPE_KINDS), id: z.string() }),
  teacherId: z.number().int().nullable(),
});

export const callerSchema: z.ZodType<Caller> = z.object({
  actor: actorSchema,
  requestId: z.string(),
  ip: z.string(),
});

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function callerOf(req: FastifyRequest): Caller {
  if (!req.actor) throw new UnauthenticatedError();
  return { actor: req.actor, requestId: String(req.id), ip: req.ip };
}

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) throw new ForbiddenError();
}
