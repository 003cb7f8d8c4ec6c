/** What a refused call says: the CloudError (of the built package) it throws or rejects with, failing the test if none. */
import { CloudError } from '@nimbus-js/nimbus';
import { expect } from 'vitest';

export async function refusal(attempt: () => unknown): Promise<CloudError> {
  let error: unknown;
  try {
    await attempt();
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(CloudError);
  return error as CloudError;
}
