// comlink ships no types for its ESM build's path. nimbus imports that build: the package's
// `main` is a UMD file, which Node loads as CommonJS through its lexer, some 5 ms more than the
// module itself (bench/README.md, worker-start).
declare module 'comlink/dist/esm/comlink.mjs' {
  export * from 'comlink';
}
