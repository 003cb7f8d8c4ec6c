/**
 * What `require('@nimbus-js/nimbus')` loads: nimbus is an ES module only (its workers rebuild functions with
 * import()), so CommonJS gets a message that says how to load it instead of
 * ERR_PACKAGE_PATH_NOT_EXPORTED.
 */
const message =
  "nimbus is an ES module only and cannot be loaded with require(). Use import { Cloud } from '@nimbus-js/nimbus' " +
  'in an ES module (a .mjs file, or "type": "module" in package.json), or from CommonJS: const { Cloud } = await import(\'@nimbus-js/nimbus\')';

throw Object.assign(new Error(message), { code: 'ERR_REQUIRE_ESM' });
