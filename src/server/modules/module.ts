import type { FastifyInstance, RawServerDefault, FastifyBaseLogger, RawRequestDefaultExpression, RawReplyDefaultExpression } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Migration } from 'kysely';
import type { AppContext } from '../context.js';

export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** A domain module: its tables' migrations and its routes. Wiring of its services happens in `routes`. */
export interface GongjinModule {
  name: string;
  migrations: Record<string, Migration>;
  routes?: (app: ZodApp, ctx: AppContext) => Promise<void> | void;
}
