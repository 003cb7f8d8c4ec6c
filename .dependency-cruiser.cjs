/**
 * The layers of src/, checked by `npm run check` (part of `npm test`). ARCHITECTURE.md says the
 * same in prose; when the two disagree, this file is the one that runs.
 * Dynamic imports (`await import(...)`) are how the host loads its machinery on first use: they
 * are left out of the graph, so the rules (what a worker loads, above all) follow static imports.
 */
/** The host's machinery: what only the process that owns a runtime loads. */
const HOST_MACHINERY = '^src/(runtime|simulator|dashboard|cli)/|^src/store/(?!home-dir\\.ts)|^src/local/local-engine\\.ts$|^src/redis/(?!redis-backend\\.ts$)';

/** The modules of the public API, which the tools may use as a user does. */
const PUBLIC_MODULES = ['index\\.ts', 'cloud\\.ts', 'errors\\.ts', 'error-codes\\.ts', 'option-reading\\.ts', 'files/index\\.ts', 'redis/start-worker\\.ts'];

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No module imports itself through others: layers stay layers.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment:
        'The runtime core (job table, scheduler, waiters, the host runtime) imports no node:* module and no package: it runs anywhere and tests drive it with no worker.',
      severity: 'error',
      from: { path: '^src/runtime/[^/]+\\.ts$' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'core-knows-no-executor',
      comment: 'The core drives executors through the Executor contract (src/types/), never one by name.',
      severity: 'error',
      from: { path: '^src/runtime/[^/]+\\.ts$' },
      to: { path: '^src/(runtime/(process|thread)|simulator|worker|store|files|local|dashboard|cli)/' },
    },
    {
      name: 'worker-stays-lean',
      comment:
        'Code that runs inside a worker never loads the host: the runtime, the executors, the stores, the dashboard, the CLI, SQLite, the AWS SDK, piscina or node:http.',
      severity: 'error',
      from: { path: '^src/worker/' },
      to: {
        reachable: true,
        path: `${HOST_MACHINERY}|(^|/)node_modules/(better-sqlite3|@aws-sdk|piscina)/|^http$|^node:http$`,
      },
    },
    {
      name: 'worker-starts-without-its-cloud',
      comment:
        "A worker's entry does not load a job's own cloud (the Cloud class, shipping's parser, comlink, import-meta-resolve): job-cloud.ts imports it when a job first needs it, so a worker of plain jobs starts and idles smaller.",
      severity: 'error',
      from: { path: '^src/worker/(process|thread)-entry\\.ts$' },
      to: {
        reachable: true,
        path: '^src/cloud\\.ts$|^src/shipping/(capture|ship-function|module-resolution)\\.ts$|(^|/)node_modules/(acorn|periscopic|nanoid|import-meta-resolve)/|(^|/)node_modules/comlink/(?!dist/esm/node-adapter\\.mjs$)',
      },
    },
    {
      name: 'worker-knows-no-redis',
      comment:
        'Code that runs inside a worker never loads a Redis client: a job on a Redis worker reaches Redis through its host, over its channel, as any job reaches its runtime.',
      severity: 'error',
      from: { path: '^src/worker/' },
      to: { reachable: true, path: '(^|/)node_modules/(ioredis|bullmq)/' },
    },
    {
      name: 'contracts-are-types',
      comment: 'src/types/ holds contracts: it imports other contracts, nothing that runs.',
      severity: 'error',
      from: { path: '^src/types/' },
      to: { path: '^src/', pathNot: '^src/(types/|error-codes\\.ts$)' },
    },
    {
      name: 'tools-use-the-public-api',
      comment:
        'The CLI and the dashboard are built on what a user can import (the Cloud class, its errors and types), the one validation helper and the formats; never on a runtime, a store or a backend.',
      severity: 'error',
      from: { path: '^src/(cli|dashboard)/' },
      to: { path: '^src/', pathNot: `^src/(cli|dashboard|format|types)/|^src/(${PUBLIC_MODULES.join('|')})$` },
    },
    {
      name: 'files-know-no-jobs',
      comment: 'The file stores know nothing of jobs or runtimes.',
      severity: 'error',
      from: { path: '^src/files/' },
      to: { path: '^src/(runtime|worker|store|local|simulator|dashboard|cli)/|^src/cloud\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { dynamic: true },
    // What runs: type-only imports vanish in the build, so they make no layer, cycle or load.
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.cts', '.js', '.cjs', '.mjs'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
