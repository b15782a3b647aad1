import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Me } from '../../shared/auth.schemas';
import type { AuthMethods, SecondStep, TotpEnrolment, TotpStatus } from '../../shared/identity.schemas';
import { api } from './client';
import { authKeys } from './auth';
import { useApiMutation } from './mutation';

/** SSO and two-step verification: what the login page offers, the second step, TOTP management. */

export const identityKeys = {
  methods: ['auth', 'methods'] as const,
  totp: ['auth', 'totp'] as const,
};

export function useAuthMethods() {
  return useQuery({
    queryKey: identityKeys.methods,
    queryFn: () => api<AuthMethods>('/auth/methods', { quiet401: true }),
    staleTime: Infinity,
  });
}

/** The second step this browser must still pass (after SSO), or null. */
export function usePendingChallenge(enabled: boolean) {
  return useQuery({
    queryKey: ['auth', 'challenge'],
    queryFn: async () => {
      try {
        return await api<SecondStep>('/auth/challenge', { quiet401: true });
      } catch {
        return null;
      }
    },
    enabled,
    retry: false,
  });
}

export interface SignedIn {
  user: Me;
  returnTo: string | null;
}

function useSignedIn() {
  const qc = useQueryClient();
  return (user: Me | undefined) => {
    if (!user) return;
    qc.clear();
    qc.setQueryData(authKeys.me, user);
  };
}

export function useVerifyCode() {
  const signedIn = useSignedIn();
  return useApiMutation<{ code: string }, SignedIn>({
    mutationFn: (body) => api<SignedIn>('/auth/totp/verify', { method: 'POST', body, quiet401: true }),
    success: false,
    toastError: false,
    onSuccess: (data) => signedIn(data.user),
  });
}

export function useTotpStatus(enabled = true) {
  return useQuery({ queryKey: identityKeys.totp, queryFn: () => api<TotpStatus>('/auth/totp'), enabled });
}

export function useStartEnrolment() {
  return useApiMutation<void, TotpEnrolment>({
    mutationFn: () => api<TotpEnrolment>('/auth/totp/enrol', { method: 'POST', body: {}, quiet401: true }),
    success: false,
  });
}

/** Confirms an enrolment; when it was the login's enrolment step, the answer also signs in. */
export function useConfirmEnrolment() {
  const qc = useQueryClient();
  return useApiMutation<{ code: string }, { recoveryCodes: string[]; user?: Me; returnTo?: string | null }>({
    mutationFn: (body) => api('/auth/totp/confirm', { method: 'POST', body, quiet401: true }),
    success: false,
    toastError: false,
    onSuccess: () => void qc.invalidateQueries({ queryKey: identityKeys.totp }),
  });
}

export function useDisableTotp() {
  return useApiMutation<{ code: string }, void>({
    success: 'done.disableTotp',
    mutationFn: (body) => api<void>('/auth/totp/disable', { method: 'POST', body }),
    invalidate: [identityKeys.totp],
    toastError: false,
  });
}

export function useNewRecoveryCodes() {
  return useApiMutation<{ code: string }, { recoveryCodes: string[] }>({
    mutationFn: (body) => api('/auth/totp/recovery-codes', { method: 'POST', body }),
    invalidate: [identityKeys.totp],
    success: false,
    toastError: false,
  });
}

/** Signs out; a session that came through SSO is then ended at the provider too. */
export function useSsoAwareLogout() {
  const qc = useQueryClient();
  return useApiMutation<void, { redirectTo: string | null }>({
    mutationFn: () => api('/auth/oidc/logout', { method: 'POST', body: {}, quiet401: true }),
    success: false,
    onSuccess: () => {
      qc.clear();
      qc.setQueryData(authKeys.me, null);
    },
  });
}
