import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { http, type Page, type QueryParams } from './client';

export interface AuditEntry {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
}
export const auditKeys = { all: ['audit-log'] as const, list: (q: QueryParams) => ['audit-log', 'list', q] as const };
export function useAuditLog(q: QueryParams) {
  return useQuery({
    queryKey: auditKeys.list(q),
    queryFn: () => http.get<Page<AuditEntry>>('/audit-log', q),
    placeholderData: keepPreviousData,
  });
}
