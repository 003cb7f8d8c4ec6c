/**
 * The `files` configuration value, checked where it enters, and the store it names: 'memory', a
 * directory ({ dir }), an S3 bucket ({ s3: {...} }), a FileStore of the user's own, or, when
 * absent, the disk store at .nimbus/files under the working directory.
 */
import { errors } from '../errors.js';
import { boolean, must, nonEmptyString, readOptions, readPlainObject, string, type Check, type CheckTable } from '../option-reading.js';
import type { FileStore, FilesConfig, S3FilesConfig } from '../types/file-store.js';
import { createDiskStore } from './disk-store.js';
import { createMemoryStore } from './memory-store.js';
import { LazyStore } from './lazy-store.js';
import { describeS3 } from './s3-description.js';

const FILE_STORE_METHODS = ['write', 'read', 'stat', 'exists', 'remove', 'list'] as const;
const ALLOWED = "'memory', { dir: string }, { s3: { bucket, prefix?, endpoint?, region?, credentials?, forcePathStyle? } } or a FileStore";

const url = must((value) => typeof value === 'string' && /^https?:\/\/[^/]/.test(value), "a URL such as 'http://127.0.0.1:4568'");

/** A table nested in the files config: its options are named by their path ('files.s3.bucket'). */
const nested =
  (table: CheckTable, required: readonly string[]): Check =>
  (value, where) =>
    readOptions(table, value, where, { name: (key) => `${where}.${key}`, required, allowed: 'an object' });

const CREDENTIALS: CheckTable = { accessKeyId: nonEmptyString, secretAccessKey: nonEmptyString, sessionToken: string };

const S3_CONFIG: Readonly<Record<keyof S3FilesConfig, Check>> = {
  bucket: nonEmptyString,
  prefix: string,
  endpoint: url,
  region: nonEmptyString,
  credentials: nested(CREDENTIALS, ['accessKeyId', 'secretAccessKey']),
  forcePathStyle: boolean,
};
const s3Config = nested(S3_CONFIG, ['bucket']);

/**
 * The store `config` names; a CloudError saying what is wrong with a bad one (checked, whatever its
 * type). A store the user brought is used as it is; a configuration is read once, and its copy used.
 */
export function createFileStore(config?: FilesConfig): FileStore {
  if (config === undefined) return createDiskStore();
  if (config === 'memory') return createMemoryStore();
  if (typeof config === 'object' && config !== null && FILE_STORE_METHODS.some((method) => method in config)) return checkFileStore(config);
  const [only, ...more] = readPlainObject(config, 'files', ALLOWED);
  if (only !== undefined && more.length === 0) {
    const [key, value] = only;
    if (key === 'dir') return createDiskStore(nonEmptyString(value, 'files.dir') as string);
    if (key === 's3') {
      const checked = s3Config(value, 'files.s3') as S3FilesConfig;
      return new LazyStore(describeS3(checked), async () => new (await import('./s3-store.js')).S3Store(checked));
    }
  }
  throw errors.badOption('files', config, ALLOWED);
}

function checkFileStore(store: object): FileStore {
  const lacking = FILE_STORE_METHODS.filter((method) => typeof (store as Record<string, unknown>)[method] !== 'function');
  if (lacking.length > 0) throw errors.badOption('files', store, `a complete FileStore (it lacks ${lacking.join(', ')})`);
  return store as FileStore;
}
