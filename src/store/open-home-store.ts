/**
 * Opens a home's job store, loading SQLite only then: better-sqlite3 is a native package (an
 * optional dependency), so a Cloud without a home never loads it and an install that could not
 * build it still runs every job; a home without it is refused with a CloudError that says why.
 */
import { CloudError, errors } from '../errors.js';
import type { JobStore } from '../types/job-store.js';

export interface HomeStoreSettings {
  /** Open the store only to read (see SqliteJobStore). */
  readOnly: boolean;
}

export async function openHomeStore(home: string, owner: string, settings: HomeStoreSettings): Promise<JobStore> {
  let module: typeof import('./sqlite-job-store.js');
  try {
    module = await import('./sqlite-job-store.js');
  } catch (error) {
    throw errors.sqliteUnavailable(error);
  }
  try {
    return new module.SqliteJobStore(home, owner, undefined, { readOnly: settings.readOnly });
  } catch (error) {
    // The package loads its native addon with the first database: a missing or foreign binary fails here.
    if (error instanceof CloudError || !isAddonFailure(error)) throw error;
    throw errors.sqliteUnavailable(error);
  }
}

/** better-sqlite3's native part could not be found or loaded (not built, built for another Node). */
function isAddonFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /bindings file|better_sqlite3\.node|NODE_MODULE_VERSION|was compiled against a different Node/i.test(message);
}
