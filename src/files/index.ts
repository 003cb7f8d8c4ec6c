/** cloud.files: the user-facing API (CloudFiles), the stores behind it, and what a store must do. */
export { CloudFiles, MAX_FILE_BYTES } from './cloud-files.js';
export type { CloudFilesOptions, FileData } from './cloud-files.js';
export { createFileStore } from './files-config.js';
export { filesConfigOf } from './files-location.js';
export { DEFAULT_FILES_DIR } from './disk-store.js';
export type { ByteRange, FileStat, FileStore, FilesConfig, S3FilesConfig } from '../types/file-store.js';
