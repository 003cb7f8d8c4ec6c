/**
 * A job id: a positive integer, unique and increasing within one runtime. The brand carries the
 * job's result type so that `cloud.result(await cloud.call(add, 1, 2))` is typed `number`.
 */
declare const resultType: unique symbol;

export type Jid<R = unknown> = number & { readonly [resultType]?: R };

/** The result type a jid stands for. */
export type ResultOf<J> = J extends Jid<infer R> ? R : never;
