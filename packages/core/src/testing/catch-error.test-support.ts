/** Test support (not exported from the package): the error a call throws, or a failure if it throws none. */
export interface CaughtError {
  code: string;
  details: Record<string, unknown>;
  message: string;
}

/** Runs `fn` and returns what it threw; throws if it threw nothing, so a test can never pass by accident. */
export function catchError(fn: () => unknown): CaughtError {
  try {
    fn();
  } catch (err) {
    return err as CaughtError;
  }
  throw new Error('expected an error, but the call succeeded');
}
