import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Me, User, UserCreate, UserUpdate } from '../../shared/auth.schemas';
import type { Role, ScopeKind } from '../../shared/enums';
import { api, ApiError, http, type Page } from './client';
import { useApiMutation } from './mutation';

export const authKeys = {
  me: ['auth', 'me'] as const,
};
export const userKeys = {
  all: ['users'] as const,
  list: (q: object) => ['users', 'list', q] as const,
};

/** The signed-in user, or null when there is no session. */
export function useMe() {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: async () => {
      try {
        return await api<Me>('/auth/me', { quiet401: true });
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useLogin() {
  const qc = useQueryClient();
  return useApiMutation<{ username: string; password: string }, { user?: Me; secondStep?: { kind: 'totp' | 'enrol' } }>(
    {
      mutationFn: (body) =>
        api<{ user?: Me; secondStep?: { kind: 'totp' | 'enrol' } }>('/auth/login', {
          method: 'POST',
          body,
          quiet401: true,
        }),
      success: false,
      onSuccess: (data) => {
        if (!data.user) return; // second step (TOTP) pending: no session yet
        qc.clear();
        qc.setQueryData(authKeys.me, data.user);
      },
    },
  );
}

export function useLogout() {
  const qc = useQueryClient();
  return useApiMutation<void, void>({
    mutationFn: () => api<void>('/auth/logout', { method: 'POST', body: {}, quiet401: true }),
    success: false,
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(authKeys.me, null);
    },
  });
}

/** Changing the password ends the user's other sessions and clears a forced change. */
export function useChangePassword() {
  return useApiMutation<{ currentPassword: string; newPassword: string }>({
    success: 'done.changePassword',
    mutationFn: (body) => http.post('/auth/password', body),
    invalidate: [authKeys.me, ['auth', 'sessions']],
  });
}

export interface UserListQuery {
  page?: number;
  pageSize?: number;
  search?: string;
  role?: Role;
}
export function useUsers(q: UserListQuery, enabled = true) {
  return useQuery({
    queryKey: userKeys.list(q),
    queryFn: () => http.get<Page<User>>('/users', { ...q }),
    placeholderData: (prev) => prev,
    enabled,
  });
}
export function useCreateUser() {
  return useApiMutation<UserCreate, User>({
    success: 'done.createUser',
    mutationFn: (b) => http.post<User>('/users', b),
    invalidate: [userKeys.all],
  });
}
export function useUpdateUser() {
  return useApiMutation<{ id: number; patch: UserUpdate }, User>({
    success: 'done.updateUser',
    mutationFn: ({ id, patch }) => http.patch<User>(`/users/${id}`, patch),
    invalidate: [userKeys.all],
  });
}

/** What the signed-in user may grant: roles (with the scope kinds each may hold) and its own scope. */
export interface Grantable {
  roles: { role: Role; scopeKinds: ScopeKind[] }[];
  scope: { kind: ScopeKind; id: string };
}
export function useGrantable(enabled = true) {
  return useQuery({
    queryKey: ['users', 'grantable'],
    queryFn: () => http.get<Grantable>('/users/grantable'),
    staleTime: 5 * 60_000,
    enabled,
  });
}
