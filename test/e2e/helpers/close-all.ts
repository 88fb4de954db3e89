// Runs every cleanup step even when one fails (a browser that will not close must not leave the
// server running), then reports the first failure.

/** Calls each closer in order; rejects with the first error once all have run. */
export async function closeAll(
  ...closers: Array<(() => Promise<unknown> | unknown) | undefined>
): Promise<void> {
  let failure: unknown;
  for (const close of closers) {
    try {
      await close?.();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}
