// Entry point of the type-level tests: the library's public surface, plus the accessor path
// types and the layout brand the tests name directly. Nothing here is emitted or shipped.
export * from '../runtime/lib/index.ts';
export type { ScalarPath, ArrayPath, RefPath, OptionalRefPath, At, ElementAt, RefTargetAt } from '../runtime/lib/exchangeable.ts';
export type { RRefLike, InferStruct, PrimValue } from '../runtime/heap/layout.ts';
