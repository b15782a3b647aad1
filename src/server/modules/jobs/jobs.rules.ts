/** Wait before retry `attempt` (1 = the first retry): 5 s doubling, at most an hour. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(3600, 5 * 2 ** Math.max(0, attempt - 1));
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
