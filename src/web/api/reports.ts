import { useQuery } from '@tanstack/react-query';
import type { ReportJob } from '../../shared/reports.schemas';
import { apiUrl, http, type QueryParams } from './client';

export const reportKeys = {
  all: ['reports'] as const,
  one: (id: string) => ['reports', id] as const,
};

/** Asks for a background report; the server checks access at once (a refusal is an ApiError here). */
export const createReport = (kind: string, params: QueryParams) =>
  http.post<ReportJob>('/reports', { kind, params: withoutEmpty(params) });

/** A report's state, polled every second while it is queued or running. */
export function useReport(id: string | null) {
  return useQuery({
    queryKey: reportKeys.one(id ?? ''),
    queryFn: () => http.get<ReportJob>(`/reports/${id}`),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && ['done', 'failed'].includes(q.state.data.status) ? false : 1000),
  });
}

export const reportDownloadUrl = (id: string) => apiUrl(`/reports/${id}/download`);

function withoutEmpty(params: QueryParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}
