// The IDL model: a deterministic, JSON-able description of every interface, from which the
// generator writes caller stubs and callee dispatchers, and whose digests the kernel compares.
import { createHash } from 'node:crypto';
import type { CrossingType } from '../policy/shapes.ts';

export const MODEL_VERSION = 1;

export interface ParamModel {
  readonly name: string;
  readonly type: CrossingType;
}

export interface MethodModel {
  readonly name: string;
  /** sync: returns RpcResult<T>; async: Promise<RpcResult<T>>; create: a @create function. */
  readonly mode: 'sync' | 'async' | 'create';
  readonly params: readonly ParamModel[];
  /** T of RpcResult<T>, or what a create function returns. */
  readonly result: CrossingType;
}

export interface InterfaceModel {
  readonly name: string;
  readonly tag: 'idl' | 'create';
  /** Declaring file, relative to the repository root, with '/' separators. */
  readonly file: string;
  readonly methods: readonly MethodModel[];
  /** SHA-256 of the canonical JSON of name, tag and methods (the file is not part of it). */
  readonly digest: string;
}

export interface IdlModel {
  readonly version: typeof MODEL_VERSION;
  /** Sorted by name. */
  readonly interfaces: readonly InterfaceModel[];
}

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function interfaceDigest(i: Omit<InterfaceModel, 'digest' | 'file'>): string {
  return createHash('sha256').update(canonicalJson({ version: MODEL_VERSION, name: i.name, tag: i.tag, methods: i.methods })).digest('hex');
}
