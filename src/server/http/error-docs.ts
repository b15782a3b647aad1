import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ERROR_STATUS } from './errors.js';

type Transform = typeof jsonSchemaTransform;
type TransformArgs = Parameters<Transform>[0];

/** The body of every error response (see error-handler.ts), as JSON Schema for the OpenAPI document. */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  required: ['code', 'message', 'messageEn', 'details', 'requestId'],
  properties: {
    code: { type: 'string', description: 'stable error code; each code has exactly one HTTP status' },
    message: { type: 'string', description: '中文（或按 Accept-Language 的语言）' },
    messageEn: { type: 'string' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'code', 'message', 'messageEn'],
        properties: {
          field: { type: 'string' },
          code: { type: 'string' },
          message: { type: 'string' },
          messageEn: { type: 'string' },
          row: { type: 'integer' },
        },
      },
    },
    requestId: { type: 'string' },
  },
} as const;

/** The taxonomy's codes by status, for the response descriptions. */
export function codesByStatus(): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const [code, status] of Object.entries(ERROR_STATUS)) m.set(status, [...(m.get(status) ?? []), code]);
  return m;
}

/**
 * The error statuses a route can answer with, from what every route shares: bad input and server
 * faults everywhere; sign-in and role checks unless public; a missing record where the path names
 * one; state conflicts, rule violations, oversized and mistyped bodies where a body is sent.
 */
export function errorStatusesOf(method: string, url: string, isPublic: boolean): number[] {
  const s = new Set<number>([400, 500]);
  if (!isPublic) {
    s.add(401);
    s.add(403);
  }
  if (url.includes(':') || url.includes('{')) s.add(404);
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method.toUpperCase())) {
    s.add(409);
    s.add(422);
  }
  if (['POST', 'PUT', 'PATCH'].includes(method.toUpperCase())) {
    s.add(413);
    s.add(415);
  }
  // sign-in, second step and SSO share their refusals: wrong or missing credentials, locks, throttling, the provider
  if (url.startsWith('/api/v1/auth')) for (const x of [401, 403, 404, 409, 422, 423, 429, 502]) s.add(x);
  // readiness says why this instance cannot serve yet
  if (url === '/api/ready') s.add(503);
  return [...s].sort((a, b) => a - b);
}

/** The zod transform, plus the documented error responses of each route (documentation only: no runtime serializer). */
export const transformWithErrors: Transform = (args: TransformArgs) => {
  const out = jsonSchemaTransform(args);
  const route = args.route as { method: string | string[]; config?: { public?: boolean } };
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  const schema = (out.schema ?? {}) as { response?: Record<string, unknown>; hide?: boolean };
  const byStatus = codesByStatus();
  const response: Record<string, unknown> = { ...(schema.response ?? {}) };
  for (const status of errorStatusesOf(method, args.url, route.config?.public === true)) {
    if (response[String(status)]) continue;
    response[String(status)] = { description: (byStatus.get(status) ?? []).join(' | '), ...ERROR_BODY_SCHEMA };
  }
  return { ...out, schema: { ...schema, response } as typeof out.schema };
};
