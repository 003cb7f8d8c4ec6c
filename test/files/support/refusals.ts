/** What a refused call says: the CloudError it rejects or throws with (failing the test if none). */
import { expect } from 'vitest';
import { CloudError } from '../../../src/errors.js';

export async function refusal(attempt: Promise<unknown>): Promise<CloudError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudError);
  return error as CloudError;
}

export function messageOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(CloudError);
    return (error as CloudError).message;
  }
  throw new Error('expected a CloudError, and nothing was thrown');
}
