import { z } from 'zod';
import { callerOf } from '../../http/actor.js';
import {
  notificationListQuery,
  notificationListSchema,
  preferencesInput,
  preferencesSchema,
} from '../../../shared/notifications.schemas.js';
import type { ModuleContext, ZodApp } from '../module.js';
import { NotificationsService } from './notifications.service.js';

const tags = { tags: ['notifications'] };
const idParam = z.object({ id: z.coerce.number().int().positive() });

/** The caller's own notifications and preferences; nobody reads or marks another user's. */
export function notificationsRoutes(app: ZodApp, ctx: ModuleContext) {
  const service = new NotificationsService(ctx.db, ctx.config);
  app.get(
    '/api/v1/notifications',
    {
      schema: {
        ...tags,
        summary: '我的通知 My notifications',
        querystring: notificationListQuery,
        response: { 200: notificationListSchema },
      },
    },
    (req) => service.list(callerOf(req).actor, req.query),
  );
  app.post(
    '/api/v1/notifications/read-all',
    { schema: { ...tags, summary: '全部已读 Mark all read', response: { 200: z.object({ marked: z.number() }) } } },
    (req) => service.markAllRead(callerOf(req).actor),
  );
  app.post(
    '/api/v1/notifications/:id/read',
    { schema: { ...tags, summary: '标记已读 Mark read', params: idParam, response: { 204: z.null() } } },
    async (req, reply) => {
      await service.markRead(callerOf(req).actor, req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/v1/notifications/preferences',
    { schema: { ...tags, summary: '通知偏好 Preferences', response: { 200: preferencesSchema } } },
    (req) => service.preferences(callerOf(req).actor),
  );
  app.put(
    '/api/v1/notifications/preferences',
    {
      schema: {
        ...tags,
        summary: '保存通知偏好 Save preferences',
        body: preferencesInput,
        response: { 200: preferencesSchema },
      },
    },
    (req) => service.savePreferences(callerOf(req).actor, req.body),
  );
}
