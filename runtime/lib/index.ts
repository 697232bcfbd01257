// The trusted library every domain links: exchangeable layouts and the RRef family.
// This is the whole public surface domain code may import (besides the IDL).

import { RRefImpl, RRefVecImpl, RRefArrayImpl, RRefDequeImpl } from './handles.ts';
import type { Exchangeable, VecElement } from './exchangeable.ts';

export { u8, i8, u16, i16, u32, i32, u64, i64, f32, f64, bool, array, struct, rref, optionalRref, LayoutError } from '../heap/layout.ts';
export type { Infer, PrimKind, PrimLayout, ArrayLayout, StructLayout, RefLayout, ValueLayout } from '../heap/layout.ts';
export { HeapError } from '../heap/errors.ts';
export type { HeapErrorCode } from '../heap/errors.ts';
export type { Exchangeable, ExchangeableRecord, IsExchangeable, VecElement } from './exchangeable.ts';
import type { Handle } from './handles.ts';
export type { Init, Handle, DataHandle } from './handles.ts';
export { RpcError, ok } from './rpc.ts';
export type { RpcResult, RpcOk, RpcErr, RpcErrorKind } from './rpc.ts';
export type { Syscalls, HeapStats, Device, DmaTarget } from './syscalls.ts';

/**
 * Marks an IDL parameter that is lent for the call instead of moved: the callee gets a
 * read-only handle revoked when the call returns; the caller keeps ownership.
 */
export type Borrowed<T extends Handle> = T;

/** An owned (or, during one call, borrowed) reference to an exchangeable object in the shared heap. */
export type RRef<T extends Exchangeable> = RRefImpl<T>;
export const RRef = RRefImpl;

/** A run-time sized array of one primitive type in the shared heap. */
export type RRefVec<T extends VecElement> = RRefVecImpl<T>;
export const RRefVec = RRefVecImpl;

/** N slots, each holding an RRef<T> or nothing: set moves in, take moves out. */
export type RRefArray<T extends Exchangeable, N extends number = number> = RRefArrayImpl<T, N>;
export const RRefArray = RRefArrayImpl;

/** A ring of up to N RRef<T>: pushBack hands the item back when full, popFront returns undefined when empty. */
export type RRefDeque<T extends Exchangeable, N extends number = number> = RRefDequeImpl<T, N>;
export const RRefDeque = RRefDequeImpl;
