import { RibError } from './rib-error.js';

/** Whether `e` is a RibError with the code (tests only). */
export function isRibError(e: unknown, code: string): boolean {
  return e instanceof RibError && e.code === code;
}
