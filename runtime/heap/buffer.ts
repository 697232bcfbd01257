// Shared buffers that domains may hold a view of.

/**
 * Cuts a shared buffer off from the host's intrinsics. Domains make typed-array views of the
 * heap's buffers in their own realms, and a view's `.buffer` is this very object: with the host's
 * SharedArrayBuffer.prototype behind it, `.constructor.constructor` would be the host's Function
 * (invariant I1). Typed arrays, Atomics and postMessage work on it unchanged; its size stays
 * readable as an own data property (the prototype's getter is gone).
 */
export function detachedFromHost(buffer: SharedArrayBuffer): SharedArrayBuffer {
  const byteLength = buffer.byteLength;
  Object.setPrototypeOf(buffer, null);
  Object.defineProperty(buffer, 'byteLength', { value: byteLength, enumerable: false, writable: false, configurable: false });
  return Object.freeze(buffer);
}
