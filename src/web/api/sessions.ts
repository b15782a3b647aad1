import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { LoginLock, SessionView } from '../../shared/auth.schemas';
import { api, http } from './client';
import { authKeys } from './auth';
import { useApiMutation } from './mutation';

/** The signed-in user's sessions (会话管理) and, for user administrators, locked accounts. */
export const sessionKeys = {
  mine: ['auth', 'sessions'] as const,
  locks: ['users', 'locks'] as const,
};

export function useSessions(enabled = true) {
  return useQuery({ queryKey: sessionKeys.mine, queryFn: () => http.get<SessionView[]>('/auth/sessions'), enabled });
}

export function useRevokeSession() {
  return useApiMutation<string, void>({
    mutationFn: (id) => http.del(`/auth/sessions/${id}`),
    invalidate: [sessionKeys.mine],
    success: 'sessions.revoked',
  });
}

/** Ends every session, this one included; the caller then goes to the login page. */
export function useSignOutEverywhere() {
  const qc = useQueryClient();
  return useApiMutation<void, void>({
    mutationFn: () => api<void>('/auth/sessions', { method: 'DELETE', quiet401: true }),
    success: false,
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(authKeys.me, null);
    },
  });
}

export function useLoginLocks(enabled = true) {
  return useQuery({ queryKey: sessionKeys.locks, queryFn: () => http.get<LoginLock[]>('/login-locks'), enabled });
}

export function useUnlockUser() {
  return useApiMutation<number, void>({
    mutationFn: (id) => http.post(`/users/${id}/unlock`),
    invalidate: [sessionKeys.locks],
    success: 'unlocked',
  });
}
