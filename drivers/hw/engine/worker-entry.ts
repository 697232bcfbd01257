// Entry point of the device thread. Builds the models from the host's specs over the shared
// buffers, then loops: serve slow-path register requests, step every device, and when nothing
// happens for a while sleep on the doorbell counter. The sleep is a synchronous Atomics.wait
// with a short timeout: Atomics.waitAsync wake-ups from another thread were observed to arrive
// only when the timeout fired. Between sleeps the loop yields so sockets and timers still run.
import { parentPort, workerData } from 'node:worker_threads';
import { HEARTBEAT, KICK, MODEL_FAULTS, OP_CONTROL, OP_READ, OP_WRITE, serve, SLEEPING, STOP } from './mailbox.ts';
import { buildDevices, dmaFromSpec } from './spec.ts';
import type { DeviceSpec, DmaSpec } from './spec.ts';

export interface WorkerInit {
  specs: DeviceSpec[];
  dma: DmaSpec;
  mailbox: SharedArrayBuffer;
}

/**
 * Idle policy. For the first SPIN_MS without work the thread busy-polls (a driver refills a ring
 * within microseconds, and waking a sleeping thread costs a futex wake-up, 0.1-1 ms on a busy
 * machine). Until DOZE_MS it polls between short waits that a doorbell interrupts, so a core
 * shared with the driver is handed back. After that it sleeps in growing steps.
 */
const SPIN_MS = 0.2;
const DOZE_MS = 2;
const DOZE_WAIT_MS = 0.05;
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

  let idleSince = -1; // when the device last stopped finding work (-1: it is busy)
  let sleepMs = 1;
  while (Atomics.load(box, STOP) === 0) {
    Atomics.add(box, HEARTBEAT, 1);
    const until = performance.now() + 5;
    let rounds = 0;
    let kickSeen: number;
    let sleepy = false;
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
        idleSince = -1;
        sleepMs = 1;
      }
      // Clock checks are not free: look at the time only every 256 rounds.
      if ((++rounds & 255) === 0 || idleSince >= 0) {
        const now = performance.now();
        if (work === 0 && idleSince < 0) idleSince = now;
        const idleFor = idleSince < 0 ? 0 : now - idleSince;
        if (idleFor > SPIN_MS && work === 0 && !models.every((m) => m.idle?.() ?? true)) {
          idleSince = now; // timed work is due soon: keep polling
        } else if (idleFor > DOZE_MS) {
          sleepy = true;
          break;
        } else if (idleFor > SPIN_MS && work === 0) {
          Atomics.store(box, SLEEPING, 1);
          Atomics.wait(box, KICK, kickSeen, DOZE_WAIT_MS);
          Atomics.store(box, SLEEPING, 0);
        }
        // Yield now and then so timers and sockets on this thread get their turn.
        if (now > until) break;
      }
    }
    if (Atomics.load(box, STOP) !== 0) break;
    if (sleepy) {
      Atomics.store(box, SLEEPING, 1);
      Atomics.wait(box, KICK, kickSeen, sleepMs);
      Atomics.store(box, SLEEPING, 0);
      sleepMs = Math.min(sleepMs * 2, MAX_SLEEP_MS);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  built.close();
  parentPort?.postMessage({ type: 'closed' });
}

void main();
