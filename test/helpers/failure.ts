import { exitCodeFor } from '../../src/core/errors.js';

/** The exit code and message of the error `work` rejects with; fails the test when it resolves. */
export async function failure(work: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await work;
  } catch (error) {
    return { code: exitCodeFor(error), message: (error as Error).message };
  }
  throw new Error('expected a failure');
}
