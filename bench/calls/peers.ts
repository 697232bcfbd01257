// Peers of the cross-domain call: what other ways of calling "across a boundary" cost in this
// same process, so the domain call figures have something to stand beside.
//   vm raw       the bare cost of a call from one node:vm context into another, with no
//                tracking or checks: the floor any in-heap isolation pays.
//   worker sync  a synchronous request/response to a worker thread over SharedArrayBuffer and
//                Atomics: separate heaps, like hardware-isolated IPC (seL4-style call/reply).
//   MessagePort  asynchronous message passing, one message each way per round trip.
// Each returns the median nanoseconds per round trip over SAMPLES samples after WARMUP.
import vm from 'node:vm';
import { MessageChannel, Worker } from 'node:worker_threads';
import { median, sink } from '../lib/measure.ts';

const SAMPLES = 11;
const WARMUP = 3;

type Add = (a: number, b: number) => number;
type Loop = (f: Add, n: number) => number;

function isolatedContext(): vm.Context {
  return vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
}

/** Nanoseconds per call from a loop in context A into a function of context B. */
export function vmRawCallNs(calls: number): number {
  // The loop lives in a realm too, so every call crosses realms the way domain calls do,
  // rather than starting from the host's own realm.
  const loop = vm.runInContext(
    '(f, n) => { let s = 0; for (let i = 0; i < n; i++) s = f(s, i) | 0; return s; }',
    isolatedContext(),
  ) as Loop;
  const add = vm.runInContext('(a, b) => a + b', isolatedContext()) as Add;
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const start = process.hrtime.bigint();
    sink(loop(add, calls));
    const elapsed = Number(process.hrtime.bigint() - start);
    if (i >= WARMUP) samples.push(elapsed / calls);
  }
  return median(samples);
}

// Shared cells: the request sequence number and arguments, then the reply sequence and value.
const REQ = 0;
const ARG_A = 1;
const ARG_B = 2;
const REP = 3;
const RESULT = 4;
const STOP = -1;
// Both sides poll with Atomics.load for up to SPIN iterations before sleeping in Atomics.wait,
// so a prompt reply is seen without a futex sleep and wake-up. Without the spin the figure
// would only measure the kernel's wake-up latency, twice per round trip.
const SPIN = 4000;

const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
const cells = new Int32Array(workerData.buffer);
let seen = 0;
for (;;) {
  let req = Atomics.load(cells, ${REQ});
  for (let i = 0; req === seen && i < ${SPIN}; i++) req = Atomics.load(cells, ${REQ});
  while (req === seen) {
    Atomics.wait(cells, ${REQ}, seen);
    req = Atomics.load(cells, ${REQ});
  }
  if (req === ${STOP}) break;
  seen = req;
  cells[${RESULT}] = (cells[${ARG_A}] + cells[${ARG_B}]) | 0;
  Atomics.store(cells, ${REP}, req);
  Atomics.notify(cells, ${REP});
}
`;

/** Nanoseconds per synchronous call/reply to a worker thread over shared memory. */
export async function workerSyncRttNs(roundTrips: number): Promise<number> {
  const cells = new Int32Array(new SharedArrayBuffer(5 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { buffer: cells.buffer } });
  // Wait until it runs, so worker start-up is not part of the first sample.
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  let seq = 0;
  const call = (a: number, b: number): number => {
    seq = (seq + 1) & 0x3fffffff; // stays positive, never STOP
    cells[ARG_A] = a;
    cells[ARG_B] = b;
    Atomics.store(cells, REQ, seq);
    Atomics.notify(cells, REQ);
    let rep = Atomics.load(cells, REP);
    for (let i = 0; rep !== seq && i < SPIN; i++) rep = Atomics.load(cells, REP);
    while (rep !== seq) {
      Atomics.wait(cells, REP, rep);
      rep = Atomics.load(cells, REP);
    }
    return cells[RESULT]!;
  };
  const samples: number[] = [];
  try {
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      let s = 0;
      const start = process.hrtime.bigint();
      for (let j = 0; j < roundTrips; j++) s = call(s, j);
      const elapsed = Number(process.hrtime.bigint() - start);
      sink(s);
      if (i >= WARMUP) samples.push(elapsed / roundTrips);
    }
  } finally {
    // Let the worker leave its loop by itself, then make sure it is gone.
    Atomics.store(cells, REQ, STOP);
    Atomics.notify(cells, REQ);
    await worker.terminate();
  }
  return median(samples);
}

/** Nanoseconds per sequential MessageChannel round trip within this thread. */
export async function messagePortRttNs(roundTrips: number): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  port2.on('message', (n: number) => port2.postMessage(n + 1));
  let reply: (n: number) => void = () => {};
  port1.on('message', (n: number) => reply(n));
  const roundTrip = (n: number): Promise<number> =>
    new Promise((resolve) => {
      reply = resolve;
      port1.postMessage(n);
    });
  const samples: number[] = [];
  try {
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      let s = 0;
      const start = process.hrtime.bigint();
      for (let j = 0; j < roundTrips; j++) s = await roundTrip(s);
      const elapsed = Number(process.hrtime.bigint() - start);
      sink(s);
      if (i >= WARMUP) samples.push(elapsed / roundTrips);
    }
  } finally {
    port1.close(); // closes both ends of the channel
  }
  return median(samples);
}
