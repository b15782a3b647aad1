import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  Activity,
  ActivityDetail,
  ActivityInput,
  ActivityPatch,
  Attachment,
  CalendarEvent,
  Compliance,
  Reminder,
  SupportEntry,
  SupportInput,
  SupportTotals,
  SyncResultInput,
  WorkPlan,
  WorkPlanInput,
} from '../../shared/activities.schemas';
import { api, apiUrl, http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';

/** Query keys: invalidating `all` refreshes lists, calendar, plans and compliance together. */
export const activityKeys = {
  all: ['activities'] as const,
  list: (q: QueryParams) => ['activities', 'list', q] as const,
  detail: (id: number) => ['activities', 'detail', id] as const,
  calendar: (q: QueryParams) => ['activities', 'calendar', q] as const,
  plans: (q: QueryParams) => ['activities', 'plans', q] as const,
  compliance: (id: number) => ['activities', 'compliance', id] as const,
  reminders: (q: QueryParams) => ['activities', 'reminders', q] as const,
  ledger: (q: QueryParams) => ['activities', 'ledger', q] as const,
  totals: (q: QueryParams) => ['activities', 'ledger-totals', q] as const,
};

export const useActivities = (q: QueryParams, enabled = true) =>
  useQuery({
    queryKey: activityKeys.list(q),
    queryFn: () => http.get<Page<Activity>>('/activities', q),
    placeholderData: keepPreviousData,
    enabled,
  });
export const useActivity = (id: number | undefined) =>
  useQuery({
    queryKey: activityKeys.detail(id ?? 0),
    queryFn: () => http.get<ActivityDetail>(`/activities/${id}`),
    enabled: !!id,
  });
/** `toastError: false`: the caller tells the user (the quick-entry form keeps a record made offline). */
export const useCreateActivity = (opts: { toastError?: boolean } = {}) =>
  useApiMutation<ActivityInput, ActivityDetail>({
    success: 'done.createActivity',
    mutationFn: (b) => http.post<ActivityDetail>('/activities', b),
    invalidate: [activityKeys.all],
    ...opts,
  });
export const useUpdateActivity = () =>
  useApiMutation<{ id: number; patch: ActivityPatch }, ActivityDetail>({
    success: 'done.updateActivity',
    mutationFn: ({ id, patch }) => http.patch<ActivityDetail>(`/activities/${id}`, patch),
    invalidate: [activityKeys.all],
  });
export const useDeleteActivity = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/activities/${id}`),
    invalidate: [activityKeys.all],
    success: 'done.deleteActivity',
  });
export const useSyncResult = () =>
  useApiMutation<{ id: number; body: SyncResultInput }, ActivityDetail>({
    success: 'done.syncResult',
    mutationFn: ({ id, body }) => http.post<ActivityDetail>(`/activities/${id}/sync-result`, body),
    invalidate: [activityKeys.all],
  });

export function uploadEvidence(
  activityId: number,
  file: File,
  opts: { caption?: string; correctsId?: number } = {},
): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, file.name);
  const path = opts.correctsId
    ? `/activities/${activityId}/attachments/${opts.correctsId}/versions`
    : `/activities/${activityId}/attachments`;
  return api<Attachment>(path, { method: 'POST', body: form, query: { caption: opts.caption } });
}
export const attachmentUrl = (id: number, kind: 'file' | 'thumb') => apiUrl(`/activity-attachments/${id}/${kind}`);

export const useCalendar = (q: { communityId?: number; schoolId?: number; from: string; to: string }, enabled = true) =>
  useQuery({
    queryKey: activityKeys.calendar(q),
    queryFn: () => http.get<CalendarEvent[]>('/sync-calendar', q),
    enabled,
    placeholderData: keepPreviousData,
  });

export const useWorkPlans = (q: QueryParams, enabled = true) =>
  useQuery({ queryKey: activityKeys.plans(q), queryFn: () => http.get<Page<WorkPlan>>('/work-plans', q), enabled });
export const useCompliance = (planId: number | undefined) =>
  useQuery({
    queryKey: activityKeys.compliance(planId ?? 0),
    queryFn: () => http.get<Compliance>(`/work-plans/${planId}/compliance`),
    enabled: !!planId,
  });
export const useReminders = (q: QueryParams) =>
  useQuery({ queryKey: activityKeys.reminders(q), queryFn: () => http.get<Reminder[]>('/work-plan-reminders', q) });
export const useSavePlan = () =>
  useApiMutation<{ id?: number; body: WorkPlanInput }, WorkPlan>({
    success: 'done.savePlan',
    mutationFn: ({ id, body }) =>
      id
        ? http.patch<WorkPlan>(`/work-plans/${id}`, { title: body.title, notes: body.notes, targets: body.targets })
        : http.post<WorkPlan>('/work-plans', body),
    invalidate: [activityKeys.all],
  });

export const useLedger = (q: QueryParams) =>
  useQuery({
    queryKey: activityKeys.ledger(q),
    queryFn: () => http.get<Page<SupportEntry>>('/support-ledger', q),
    placeholderData: keepPreviousData,
  });
export const useLedgerTotals = (q: QueryParams) =>
  useQuery({ queryKey: activityKeys.totals(q), queryFn: () => http.get<SupportTotals>('/support-ledger/totals', q) });
export const useCreateSupport = () =>
  useApiMutation<SupportInput, SupportEntry>({
    success: 'done.createSupport',
    mutationFn: (b) => http.post<SupportEntry>('/support-ledger', b),
    invalidate: [activityKeys.all],
  });
export const useUpdateSupport = () =>
  useApiMutation<{ id: number; body: Partial<SupportInput> }, SupportEntry>({
    success: 'done.updateSupport',
    mutationFn: ({ id, body }) => http.patch<SupportEntry>(`/support-ledger/${id}`, body),
    invalidate: [activityKeys.all],
  });
export const useDeleteSupport = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/support-ledger/${id}`),
    invalidate: [activityKeys.all],
    success: 'done.deleteSupport',
  });
export function uploadSupportEvidence(id: number, file: File): Promise<SupportEntry> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api<SupportEntry>(`/support-ledger/${id}/evidence`, { method: 'POST', body: form });
}
