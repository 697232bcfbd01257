// Trusted-only entry points of the library: for the kernel, generated glue and tests, never for
// domain code (the checker allows domains to import runtime/lib/index.ts only).

export { enterDomain, currentViews, detach, attach, lend, endBorrow, identify, rrefKind, vecKind, arrayKind, dequeKind } from './handles.ts';
export type { HandleKind } from './handles.ts';
export { portFor, viewsOf } from './port.ts';
export type { HeapPort, HeapViews } from './port.ts';
export { rpcError } from './rpc.ts';
