import { z } from 'zod';
import { callerOf } from '../../http/actor.js';
import { userCreate, userSchema, userUpdate, scopeSchema } from '../../../shared/auth.schemas.js';
import { ROLES, SCOPE_KINDS } from '../../../shared/enums.js';
import { idParam } from '../../../shared/registry.schemas.js';
import { pageOf, pageQuery } from '../../../shared/validation.js';
import type { ZodApp } from '../module.js';
import type { UsersService } from './users.service.js';

const grantableSchema = z.object({
  roles: z.array(z.object({ role: z.enum(ROLES), scopeKinds: z.array(z.enum(SCOPE_KINDS)) })),
  scope: scopeSchema,
});

/** User administration, scoped by users.policy.ts. */
export function usersRoutes(app: ZodApp, users: UsersService, listCountCap?: number) {
  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: '用户列表 List users',
        querystring: pageQuery.extend({ search: z.string().max(50).optional(), role: z.enum(ROLES).optional() }),
        response: { 200: pageOf(userSchema) },
      },
    },
    (req) => users.list(callerOf(req), req.query, listCountCap),
  );
  app.get(
    '/api/v1/users/grantable',
    {
      schema: {
        tags: ['users'],
        summary: '可授予的角色与范围 Roles and scopes you may grant',
        response: { 200: grantableSchema },
      },
    },
    (req) => users.grantable(callerOf(req).actor),
  );
  app.get(
    '/api/v1/users/:id',
    { schema: { tags: ['users'], summary: '用户 User', params: idParam, response: { 200: userSchema } } },
    (req) => users.get(callerOf(req), req.params.id),
  );
  app.post(
    '/api/v1/users',
    { schema: { tags: ['users'], summary: '新建用户 Create a user', body: userCreate, response: { 201: userSchema } } },
    async (req, reply) => reply.status(201).send(await users.create(callerOf(req), req.body)),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: '修改用户 Change a user',
        params: idParam,
        body: userUpdate,
        response: { 200: userSchema },
      },
    },
    (req) => users.update(callerOf(req), req.params.id, req.body),
  );
}
