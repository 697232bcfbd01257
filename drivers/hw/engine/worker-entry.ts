// Entry point of the device thread. Builds the models from the host's specs over the shared
// buffers, then loops: serve slow-path register requests, step every device, and when nothing
// happens for a while sleep on the doorbell counter. The sleep is a synchronous Atomics.wait
// with a short timeout: Atomics.waitAsync wake-ups from another thread were observed to arrive
// only when the timeout fired. Between sleeps the loop yields so sockets and timers still run.
import { parentPort, workerData } from 'node:worker_threads';
import { KICK, MODEL_FAULTS, OP_CONTROL, OP_READ, OP_WRITE, serve, SLEEPING, STOP } from './mailbox.ts';
import { buildDevices, dmaFromSpec } from './spec.ts';
import type { DeviceSpec, DmaSpec } from './spec.ts';

export interface WorkerInit {
  specs: DeviceSpec[];
  dma: DmaSpec;
  mailbox: SharedArrayBuffer;
}

/** Idle rounds spent spinning before sleeping: keeps wake-up latency low under load. */
const SPIN_ROUNDS = 4096;
const MAX_SLEEP_MS = 8;

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const box = new Int32Array(init.mailbox);
  let built;
  try {
    built = buildDevices(init.specs, dmaFromSpec(init.dma));
  } catch (e) {
    parentPort?.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const models = built.models;
  const handler = (device: number, op: number, a: number, b: number): number => {
    const m = models[device];
    if (m === undefined) return -1;
    if (op === OP_READ) return m.mmioRead(a);
    if (op === OP_WRITE) {
      m.mmioWrite(a, b);
      return 0;
    }
    if (op === OP_CONTROL) return m.control(a, b);
    return -1;
  };
  parentPort?.postMessage({ type: 'ready' });

  let idleRounds = 0;
  let sleepMs = 1;
  while (Atomics.load(box, STOP) === 0) {
    const until = performance.now() + 5;
    let rounds = 0;
    let kickSeen: number;
    for (;;) {
      kickSeen = Atomics.load(box, KICK);
      let work = serve(box, handler) ? 1 : 0;
      for (let i = 0; i < models.length; i++) {
        try {
          work += models[i]!.step();
        } catch {
          Atomics.add(box, MODEL_FAULTS, 1); // a model bug: count it, keep the machine running
        }
      }
      if (work !== 0) {
        idleRounds = 0;
        sleepMs = 1;
      } else if (++idleRounds > SPIN_ROUNDS) break;
      // Yield now and then so timers and sockets on this thread get their turn.
      if ((++rounds & 1023) === 0 && performance.now() > until) break;
    }
    if (Atomics.load(box, STOP) !== 0) break;
    if (idleRounds > SPIN_ROUNDS && models.every((m) => m.idle?.() ?? true)) {
      Atomics.store(box, SLEEPING, 1);
      Atomics.wait(box, KICK, kickSeen, sleepMs);
      Atomics.store(box, SLEEPING, 0);
      await new Promise((resolve) => setImmediate(resolve));
      sleepMs = Math.min(sleepMs * 2, MAX_SLEEP_MS);
      idleRounds = SPIN_ROUNDS >> 1;
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  built.close();
  parentPort?.postMessage({ type: 'closed' });
}

void main();
