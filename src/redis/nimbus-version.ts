/**
 * This nimbus's version (package.json), which a chunk carries beside WIRE_VERSION so that a worker
 * refusing it can name both sides. Read once, from the package this module belongs to.
 */
import { readFileSync } from 'node:fs';

// src/redis/ and dist/redis/ are both two levels below the package's root.
export const NIMBUS_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
