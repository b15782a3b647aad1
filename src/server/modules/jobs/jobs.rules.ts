export const RETRY_BASE_SECONDS = 5;
export const RETRY_MAX_SECONDS = 3600;

/** Wait before retry `attempt` (1 = the first retry): 5 s doubling, at most an hour. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** Math.max(0, attempt - 1));
}

/** What happens after a failed run: another try later, or dead (kept, visible, retryable by hand). */
export function afterFailure(
  attempts: number,
  maxAttempts: number,
): { status: 'queued' | 'dead'; delaySeconds: number } {
  return attempts >= maxAttempts
    ? { status: 'dead', delaySeconds: 0 }
    : { status: 'queued', delaySeconds: retryDelaySeconds(attempts) };
}
