// The slow path between host and device thread: one request slot in shared memory. The host
// fills it, wakes the device and blocks (Atomics.wait) until the device thread has run the
// register hook or control operation. Only side-effecting registers and control operations
// travel this way; doorbells and plain registers never do.

const LOCK = 0, STATE = 1, DEVICE = 2, OP = 3, ARG_A = 4, ARG_B = 5, RESULT = 6;
/** Incremented by every doorbell write; the device thread sleeps on it. */
export const KICK = 7;
/** Non-zero while the device thread is (about to be) asleep. */
export const SLEEPING = 8;
/** Set by the host to stop the device thread. */
export const STOP = 9;
/** Exceptions a model raised on the device thread (a model bug; the host never sees them). */
export const MODEL_FAULTS = 10;
/** Bumped by the device thread on every turn of its loop (at least every few ms). */
export const HEARTBEAT = 11;
/** A device thread that has not turned its loop for this long is taken for dead. */
const DEAD_AFTER_MS = 2000;
const WORDS = 16;

const IDLE = 0, REQUEST = 1, DONE = 2;
export const OP_READ = 1;
export const OP_WRITE = 2;
export const OP_CONTROL = 3;

export function createMailbox(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(WORDS * 4));
}

/** Wakes the device thread if it sleeps. Cheap when it is busy (one atomic add, one load). */
export function kick(box: Int32Array): void {
  Atomics.add(box, KICK, 1);
  if (Atomics.load(box, SLEEPING) !== 0) Atomics.notify(box, KICK);
}

/** Host side: runs one operation on the device thread and returns its result. */
export function call(box: Int32Array, device: number, op: number, a: number, b: number): number {
  while (Atomics.compareExchange(box, LOCK, 0, 1) !== 0) Atomics.wait(box, LOCK, 1, 1);
  try {
    box[DEVICE] = device;
    box[OP] = op;
    box[ARG_A] = a;
    box[ARG_B] = b;
    Atomics.store(box, STATE, REQUEST);
    kick(box);
    let beat = Atomics.load(box, HEARTBEAT);
    let beatAt = performance.now();
    while (Atomics.load(box, STATE) !== DONE) {
      if (Atomics.load(box, STOP) !== 0 && Atomics.load(box, STATE) === REQUEST) return 0xffffffff; // device thread gone
      Atomics.wait(box, STATE, REQUEST, 50);
      const b = Atomics.load(box, HEARTBEAT);
      if (b !== beat) {
        beat = b;
        beatAt = performance.now();
      } else if (performance.now() - beatAt > DEAD_AFTER_MS) {
        // The device thread died (or hangs): fail the access like a master abort, never block forever.
        Atomics.store(box, STOP, 1);
        Atomics.store(box, STATE, IDLE);
        return 0xffffffff;
      }
    }
    const r = box[RESULT]!;
    Atomics.store(box, STATE, IDLE);
    return r >>> 0;
  } finally {
    Atomics.store(box, LOCK, 0);
    Atomics.notify(box, LOCK, 1);
  }
}

export function pending(box: Int32Array): boolean {
  return Atomics.load(box, STATE) === REQUEST;
}

/** Device side: serves a waiting request, if any. Returns true if it served one. */
export function serve(box: Int32Array, handler: (device: number, op: number, a: number, b: number) => number): boolean {
  if (Atomics.load(box, STATE) !== REQUEST) return false;
  let r: number;
  try {
    r = handler(box[DEVICE]!, box[OP]!, box[ARG_A]!, box[ARG_B]!);
  } catch {
    r = -1; // a model bug must not hang the host: report all ones, like a failed read
    Atomics.add(box, MODEL_FAULTS, 1);
  }
  box[RESULT] = r | 0;
  Atomics.store(box, STATE, DONE);
  Atomics.notify(box, STATE);
  return true;
}
