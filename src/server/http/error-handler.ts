import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { formatMessage, type Lang } from '../../shared/messages.js';
import { describeIssue } from '../../shared/validation.js';
import type { z } from 'zod';
import { AppError, type FieldIssue } from './errors.js';

export function requestLang(req: FastifyRequest): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'en' || q === 'zh') return q;
  const header = req.headers['accept-language'] ?? '';
  return /^en\b/i.test(header) ? 'en' : 'zh';
}

export interface ErrorBody {
  code: string;
  message: string;
  messageEn: string;
  details: FieldIssue[];
  requestId: string;
}

function send(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  params: Record<string, unknown>,
  details: FieldIssue[],
) {
  const lang = requestLang(req);
  const zh = formatMessage(code, params, 'zh');
  const en = formatMessage(code, params, 'en');
  const body: ErrorBody = { code, message: lang === 'en' ? en : zh, messageEn: en, details, requestId: String(req.id) };
  return reply.status(status).send(body);
}

// PostgreSQL error codes a user can trigger despite the services' own checks (races).
const PG_UNIQUE = '23505';
const PG_FOREIGN_KEY = '23503';
const PG_CHECK = '23514';

export function registerErrorHandler(
  app: FastifyInstance,
  opts: { spaFallback?: (reply: FastifyReply) => FastifyReply } = {},
) {
  app.setNotFoundHandler((req, reply) => {
    // client-side routes of the web app get its shell; unknown API paths stay JSON 404s
    if (opts.spaFallback && req.method === 'GET' && !req.url.startsWith('/api/')) return opts.spaFallback(reply);
    return send(req, reply, 404, 'route_not_found', { method: req.method, url: req.url.split('?')[0] }, []);
  });

  app.setErrorHandler((err: FastifyError & { code?: string }, req, reply) => {
    if (err instanceof AppError) return send(req, reply, err.status, err.code, err.params, err.details);

    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const details = err.validation.map((v) => {
        // the provider flattens each zod issue into {keyword, instancePath, message, params}
        const path = v.instancePath.split('/').filter(Boolean);
        const issue = {
          ...(v.params as object),
          code: v.keyword,
          message: v.message ?? '',
          path,
        } as unknown as z.core.$ZodIssue;
        const text = describeIssue(issue);
        return { field: [where, ...path].join('.'), code: v.keyword, message: text.zh, messageEn: text.en };
      });
      return send(req, reply, 400, 'validation_failed', {}, details);
    }

    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && err instanceof SyntaxError)) {
      return send(req, reply, 400, 'malformed_json', {}, []);
    }
    if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return send(
        req,
        reply,
        413,
        'file_too_large',
        { limitMb: Math.round((app.initialConfig.bodyLimit ?? 0) / 1048576) },
        [],
      );
    }
    if (err.code === PG_UNIQUE) return send(req, reply, 409, 'conflict', { reason: 'duplicate' }, []);
    if (err.code === PG_FOREIGN_KEY) return send(req, reply, 409, 'conflict', { reason: 'reference' }, []);
    if (err.code === PG_CHECK) return send(req, reply, 422, 'invalid_fields', {}, []);
    if (err.statusCode === 415) {
      return send(
        req,
        reply,
        415,
        'unsupported_media_type',
        { reason: `不支持的内容类型：${req.headers['content-type'] ?? '（无）'}`, reasonEn: err.message },
        [],
      );
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // any other refusal of the framework's is a malformed request: one code, one status
      return send(req, reply, 400, 'bad_request', { reason: err.message, reasonEn: err.message }, []);
    }
    req.log.error({ err }, 'unhandled error');
    return send(req, reply, 500, 'internal', { requestId: String(req.id) }, []);
  });
}
