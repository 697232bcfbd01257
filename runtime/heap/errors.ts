// Errors the shared heap reports. Each carries a stable code so callers (and tests) can tell
// a quota problem from a use-after-free without parsing messages.

export type HeapErrorCode =
  | 'HEAP_EXHAUSTED' | 'QUOTA_EXCEEDED' | 'REGISTRY_FULL' | 'BAD_SIZE' | 'BAD_TYPE' | 'BAD_OWNER'
  | 'BAD_HANDLE' | 'USE_AFTER_FREE' | 'DOUBLE_FREE' | 'NOT_OWNER' | 'BORROWED' | 'NOT_BORROWED'
  | 'BAD_REF' | 'REF_OCCUPIED' | 'REVOKED' | 'READ_ONLY' | 'OUT_OF_BOUNDS' | 'NOT_PLAIN_DATA';

export class HeapError extends Error {
  override name = 'HeapError';
  constructor(readonly code: HeapErrorCode, message: string) {
    super(`${message} [${code}]`);
  }
}
