import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { JobView } from '../../shared/jobs.schemas';
import { http, type QueryParams } from './client';
import { useApiMutation } from './mutation';

export type { JobView };
export interface JobList {
  items: JobView[];
  total: number;
  counts: Record<string, number>;
}

export const jobKeys = { all: ['jobs'] as const, list: (q: QueryParams) => ['jobs', 'list', q] as const };

export function useJobs(q: QueryParams) {
  return useQuery({
    queryKey: jobKeys.list(q),
    queryFn: () => http.get<JobList>('/jobs', q),
    placeholderData: keepPreviousData,
    // the queue moves by itself: keep the page current while it is open
    refetchInterval: 5000,
  });
}

export function useRetryJob() {
  return useApiMutation<number>({
    mutationFn: (id) => http.post(`/jobs/${id}/retry`),
    invalidate: [jobKeys.all],
    success: 'jobs:retried',
  });
}

export function useDiscardJob() {
  return useApiMutation<number>({
    mutationFn: (id) => http.del(`/jobs/${id}`),
    invalidate: [jobKeys.all],
    success: 'jobs:discarded',
  });
}
