import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  ExchangeAcceptOptions,
  PlanCreate,
  PlanDetail,
  PlannedExchange,
  PlanSummary,
} from '../../shared/planner.schemas';
import { http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';
import { exchangeKeys } from './exchange';
import { communityKeys, schoolKeys } from './registry';

/** Query keys: invalidating `all` refreshes the plan list and every plan. */
export const planKeys = {
  all: ['planner-plans'] as const,
  list: (q: QueryParams) => ['planner-plans', 'list', q] as const,
  detail: (id: number) => ['planner-plans', 'detail', id] as const,
  exchanges: (id: number) => ['planner-plans', 'exchanges', id] as const,
};

export const usePlans = (q: QueryParams) =>
  useQuery({
    queryKey: planKeys.list(q),
    queryFn: () => http.get<Page<PlanSummary>>('/planner/plans', q),
    placeholderData: keepPreviousData,
  });
export const usePlan = (id: number | undefined) =>
  useQuery({
    queryKey: planKeys.detail(id ?? 0),
    queryFn: () => http.get<PlanDetail>(`/planner/plans/${id}`),
    enabled: !!id,
  });
export const usePlannedExchanges = (id: number, enabled: boolean) =>
  useQuery({
    queryKey: planKeys.exchanges(id),
    queryFn: () => http.get<PlannedExchange[]>(`/planner/plans/${id}/exchanges`),
    enabled,
  });

/** Request bodies the pages send; kept as pure builders so a page never assembles JSON inline. */
export type CreatePlanBody = {
  kind: PlanCreate['kind'];
  name: string;
  regionCode: string;
  settings?: Record<string, unknown>;
};
export const useCreatePlan = () =>
  useApiMutation<CreatePlanBody, PlanDetail>({
    mutationFn: (b) => http.post<PlanDetail>('/planner/plans', b),
    invalidate: [planKeys.all],
    success: false,
  });
export const useUpdatePlan = (id: number) =>
  useApiMutation<Record<string, unknown>, PlanDetail>({
    mutationFn: (settings) => http.patch<PlanDetail>(`/planner/plans/${id}`, { settings }),
    invalidate: [planKeys.all],
    success: 'planner:replanned',
  });
export const useReplan = (id: number) =>
  useApiMutation<void, PlanDetail>({
    mutationFn: () => http.post<PlanDetail>(`/planner/plans/${id}/replan`),
    invalidate: [planKeys.all],
    success: 'planner:replanned',
  });
/** The accept body: the effective date, and for an exchange plan the term and each row's kind and workload. */
export type AcceptPlanBody = { effectiveDate: string; exchange?: ExchangeAcceptOptions };
export const useAcceptPlan = (id: number) =>
  useApiMutation<AcceptPlanBody, PlanDetail>({
    mutationFn: (body) => http.post<PlanDetail>(`/planner/plans/${id}/accept`, body),
    invalidate: [planKeys.all, communityKeys.all, schoolKeys.all, exchangeKeys.all],
    // the dialog lists each refused row itself
    toastError: false,
    success: 'planner:accepted',
  });
export const useDeletePlan = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/planner/plans/${id}`),
    invalidate: [planKeys.all],
    success: 'done.deletePlan',
  });
