import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import { AppError } from '../../http/errors.js';
import {
  globalSearchQuery,
  globalSearchSchema,
  type SearchHit,
  type SearchKind,
} from '../../../shared/search.schemas.js';
import { MeetingsService } from '../meetings/index.js';
import type { ZodApp } from '../module.js';
import { CommunitiesService, SchoolsService, TeachersService } from '../registry/index.js';
import { ResourcesService } from '../resources/index.js';

/**
 * GET /api/v1/search — each kind is asked through the same service call as its list page, so the
 * caller's role and scope apply unchanged and the name search uses that list's gram index. A kind the
 * role may not list (403) is simply absent, not an error of the whole search.
 */
export function searchRoutes(app: ZodApp, ctx: AppContext) {
  const schools = new SchoolsService(ctx.db);
  const teachers = new TeachersService(ctx.db);
  const communities = new CommunitiesService(ctx.db);
  const meetings = new MeetingsService(ctx.db);
  const resources = new ResourcesService(ctx.db, ctx.storage);
  // a small cap: the header needs a few hits, not an exact total
  const cap = 50;

  app.get(
    '/api/v1/search',
    {
      schema: {
        tags: ['search'],
        summary: '全局搜索 Search schools, teachers, communities, meetings and resources',
        querystring: globalSearchQuery,
        response: { 200: globalSearchSchema },
      },
    },
    async (req) => {
      const { actor } = callerOf(req);
      const { q, limit } = req.query;
      const page = { page: 1, pageSize: limit, exactTotal: false } as const;
      const kinds: [SearchKind, () => Promise<SearchHit[]>][] = [
        [
          'school',
          async () =>
            (await schools.list(actor, { ...page, search: q, sort: 'name', order: 'asc' }, cap)).items.map((s) => ({
              id: s.id,
              label: s.name,
              detail: s.code,
            })),
        ],
        [
          'teacher',
          async () =>
            (await teachers.list(actor, { ...page, search: q, sort: 'name', order: 'asc' }, cap)).items.map((x) => ({
              id: x.id,
              label: x.name,
              detail: x.schoolName,
            })),
        ],
        [
          'community',
          async () =>
            (await communities.list(actor, { ...page, search: q, sort: 'name', order: 'asc' }, cap)).items.map((c) => ({
              id: c.id,
              label: c.name,
              detail: null,
            })),
        ],
        [
          'meeting',
          async () =>
            (await meetings.list(actor, { ...page, search: q, order: 'desc' }, cap)).items.map((m) => ({
              id: m.id,
              label: m.title,
              detail: m.communityName,
            })),
        ],
        [
          'resource',
          async () =>
            (await resources.search(actor, { ...page, q, sort: 'relevance' })).items.map((r) => ({
              id: r.id,
              label: r.title,
              detail: r.schoolName,
            })),
        ],
      ];
      const groups = await Promise.all(
        kinds.map(async ([kind, run]) => {
          try {
            return { kind, items: await run() };
          } catch (e) {
            if (e instanceof AppError && e.status === 403) return { kind, items: [] };
            throw e;
          }
        }),
      );
      return { groups: groups.filter((g) => g.items.length > 0) };
    },
  );
}
