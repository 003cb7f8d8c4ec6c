/**
 * The `files` configuration value, checked where it enters, and the store it names: 'memory', a
 * directory ({ dir }), an S3 bucket ({ s3: {...} }), a FileStore of the user's own, or, when
 * absent, the disk store at .nimbus/files under the working directory.
 */
import { errors } from '../errors.js';
import type { FileStore, FilesConfig, S3FilesConfig } from '../types/file-store.js';
import { createDiskStore } from './disk-store.js';
import { createMemoryStore } from './memory-store.js';
import { LazyStore } from './lazy-store.js';
import { describeS3 } from './s3-description.js';

const FILE_STORE_METHODS = ['write', 'read', 'stat', 'exists', 'remove', 'list'] as const;
const ALLOWED = "'memory', { dir: string }, { s3: { bucket, prefix?, endpoint?, region?, credentials?, forcePathStyle? } } or a FileStore";

type Check = (value: unknown, name: string) => void;

const nonEmptyString: Check = (value, name) => {
  if (typeof value !== 'string' || value.length === 0) throw errors.badOption(name, value, 'a non-empty string');
};
const string: Check = (value, name) => {
  if (typeof value !== 'string') throw errors.badOption(name, value, 'a string');
};
const boolean: Check = (value, name) => {
  if (typeof value !== 'boolean') throw errors.badOption(name, value, 'true or false');
};
const url: Check = (value, name) => {
  if (typeof value !== 'string' || !/^https?:\/\/[^/]/.test(value)) throw errors.badOption(name, value, "a URL such as 'http://127.0.0.1:4568'");
};
const credentials: Check = (value, name) => checkTable(CREDENTIALS, value, name, ['accessKeyId', 'secretAccessKey']);

const CREDENTIALS: Readonly<Record<string, Check>> = { accessKeyId: nonEmptyString, secretAccessKey: nonEmptyString, sessionToken: string };

const S3_CONFIG: Readonly<Record<keyof S3FilesConfig, Check>> = {
  bucket: nonEmptyString,
  prefix: string,
  endpoint: url,
  region: nonEmptyString,
  credentials,
  forcePathStyle: boolean,
};

/** The store `config` names; a CloudError saying what is wrong with a bad one (checked, whatever its type). */
export function createFileStore(config?: FilesConfig): FileStore {
  if (config === undefined) return createDiskStore();
  if (config === 'memory') return createMemoryStore();
  if (typeof config === 'object' && config !== null && !Array.isArray(config)) {
    if (FILE_STORE_METHODS.some((method) => method in config)) return checkFileStore(config);
    const keys = Object.keys(config);
    if (keys.length === 1 && keys[0] === 'dir') {
      nonEmptyString((config as { dir: unknown }).dir, 'files.dir');
      return createDiskStore((config as { dir: string }).dir);
    }
    if (keys.length === 1 && keys[0] === 's3') {
      const s3 = (config as { s3: unknown }).s3;
      checkTable(S3_CONFIG, s3, 'files.s3', ['bucket']);
      const checked = s3 as S3FilesConfig;
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

function checkTable(table: Readonly<Record<string, Check>>, value: unknown, where: string, required: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw errors.badOption(where, value, 'an object');
  for (const [key, option] of Object.entries(value)) {
    const check = table[key];
    if (!check) throw errors.unknownOption(where, key, Object.keys(table));
    if (option !== undefined) check(option, `${where}.${key}`);
  }
  for (const key of required) {
    if ((value as Record<string, unknown>)[key] === undefined) table[key]!(undefined, `${where}.${key}`);
  }
}
