/**
 * A value computed on first use and shared after: for libraries that only some requests need
 * (spreadsheets, PDF, charts, images, mail), loaded with `import()` when first wanted so that a
 * server start does not pay for them. A failed load is not remembered, so the next call retries.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((e: unknown) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}
