// The policy's public surface, for the IDL compiler and the ESLint rules alike.
export { createHost, defaultRuntimeDir } from './host.ts';
export type { PolicyHost, TypeScript } from './host.ts';
export { layoutExchangeable } from './layout.ts';
export { crossingExchangeable, methodResult, rpcResultValue } from './crossing.ts';
export type { MethodResult, Position } from './crossing.ts';
export { layoutCanonical } from './canonical.ts';
export { explain } from './verdict.ts';
export type { Verdict, Violation, Accepted } from './verdict.ts';
export type { CrossingKind, CrossingType, HandleCrossing, LayoutField, LayoutShape, LayoutType, RecordField } from './shapes.ts';
