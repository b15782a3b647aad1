import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { callerOf } from '../../http/actor.js';
import {
  exchangeRequest,
  exchangeResult,
  pairingRequest,
  pairingResult,
  planAccept,
  planCreate,
  planDetail,
  planListQuery,
  planPatch,
  planSummary,
  plannedExchangeSchema,
} from '../../../shared/planner.schemas.js';
import { idParam } from '../../../shared/registry.schemas.js';
import { pageOf } from '../../../shared/validation.js';
import type { ZodApp } from '../module.js';
import { PlannerService } from './planner.service.js';

const tags = { tags: ['planner'] };
/** An imported province instance with a travel-time matrix is far larger than ordinary requests. */
const LARGE_BODY = 64 * 1024 * 1024;

export function plannerRoutes(app: ZodApp, ctx: AppContext) {
  const planner = new PlannerService(ctx.db);

  app.post(
    '/api/v1/planner/pairings',
    {
      bodyLimit: LARGE_BODY,
      schema: {
        ...tags,
        summary: '求解结对方案（不保存） Solve a pairing instance (not saved)',
        body: pairingRequest,
        response: { 200: pairingResult },
      },
    },
    (req) => planner.solvePairings(callerOf(req), req.body),
  );

  app.post(
    '/api/v1/planner/exchanges',
    {
      schema: {
        ...tags,
        summary: '教师交流匹配（不保存） Match teacher exchanges (not saved)',
        body: exchangeRequest,
        response: { 200: exchangeResult },
      },
    },
    (req) => planner.solveExchanges(callerOf(req), req.body.region, req.body.settings),
  );

  app.get(
    '/api/v1/planner/plans',
    {
      schema: {
        ...tags,
        summary: '规划方案列表 List plans',
        querystring: planListQuery,
        response: { 200: pageOf(planSummary) },
      },
    },
    (req) => planner.list(callerOf(req).actor, req.query),
  );
  app.post(
    '/api/v1/planner/plans',
    {
      schema: {
        ...tags,
        summary: '新建并求解方案 Create and solve a plan',
        body: planCreate,
        response: { 201: planDetail },
      },
    },
    async (req, reply) => reply.status(201).send(await planner.create(callerOf(req), req.body)),
  );
  app.get('/api/v1/planner/plans/:id', { schema: { ...tags, params: idParam, response: { 200: planDetail } } }, (req) =>
    planner.get(callerOf(req).actor, req.params.id),
  );
  app.patch(
    '/api/v1/planner/plans/:id',
    {
      schema: {
        ...tags,
        summary: '修改锁定/禁止/容量等并重新规划 Edit locks, forbidden pairs, capacities … and re-plan',
        params: idParam,
        body: planPatch,
        response: { 200: planDetail },
      },
    },
    (req) => planner.update(callerOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/planner/plans/:id/replan',
    {
      schema: {
        ...tags,
        summary: '用最新名册数据重新规划 Re-plan with fresh registry data',
        params: idParam,
        response: { 200: planDetail },
      },
    },
    (req) => planner.update(callerOf(req), req.params.id, {}),
  );
  app.post(
    '/api/v1/planner/plans/:id/accept',
    {
      schema: {
        ...tags,
        summary: '采纳方案 Accept a plan (creates communities or planned exchanges)',
        params: idParam,
        body: planAccept,
        response: { 200: planDetail },
      },
    },
    (req) => planner.accept(callerOf(req), req.params.id, req.body.effectiveDate, req.body.exchange),
  );
  app.delete(
    '/api/v1/planner/plans/:id',
    { schema: { ...tags, params: idParam, response: { 204: z.null() } } },
    async (req, reply) => {
      await planner.remove(callerOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/v1/planner/plans/:id/exchanges',
    {
      schema: {
        ...tags,
        summary: '已采纳的交流安排 Planned exchanges of an accepted plan',
        params: idParam,
        response: { 200: z.array(plannedExchangeSchema) },
      },
    },
    (req) => planner.plannedExchanges(callerOf(req).actor, req.params.id),
  );
}
