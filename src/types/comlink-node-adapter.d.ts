// comlink ships its ESM build without types for its ESM paths. nimbus imports the ESM build:
// its `main` is a UMD file, which Node loads as CommonJS through its lexer, some 5 ms more of a
// worker's start than the module itself (bench/README.md, worker-start).
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { MessagePort } from 'node:worker_threads';
  export default function nodeEndpoint(port: MessagePort): Endpoint;
}
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink';
}
