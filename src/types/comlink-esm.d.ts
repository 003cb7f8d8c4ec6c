// comlink ships no types for its ESM build's path. nimbus imports that build: the package's
// `main` is a UMD file, which Node loads as CommonJS through its lexer, some 5 ms more than the
// module itself (bench/README.md, worker-start).
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink';
}

// Its node adapter, a file of its own that loads nothing of comlink: a worker's entry makes its
// port endpoint with it (wire/nested-endpoints.ts) before any job asks for comlink itself.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { MessagePort } from 'node:worker_threads';
  export default function nodeEndpoint(port: MessagePort): Endpoint;
}
