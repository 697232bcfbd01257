// The threaded engine: all its devices run on one worker thread, concurrently with the driver,
// like hardware on its own silicon. The driver's MMIO reaches the shared register file directly
// (Atomics); only side-effecting registers and control operations take the mailbox.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Engine, HostMmio } from './engine.ts';
import type { EngineKind } from './engine.ts';
import { call, createMailbox, kick, MODEL_FAULTS, OP_CONTROL, OP_READ, OP_WRITE, STOP } from './mailbox.ts';
import type { DmaSpec } from './spec.ts';
import type { WorkerInit } from './worker-entry.ts';

class ThreadedMmio extends HostMmio {
  constructor(size: number, pci: ConstructorParameters<typeof HostMmio>[1], regs: Int32Array, access: Uint8Array, private readonly box: Int32Array, private readonly device: number) {
    super(size, pci, regs, access);
  }
  protected readHook(word: number): number {
    return call(this.box, this.device, OP_READ, word, 0);
  }
  protected writeHook(word: number, value: number): void {
    call(this.box, this.device, OP_WRITE, word, value);
  }
  protected doorbell(): void {
    kick(this.box);
  }
}

let workerCode: Promise<string> | undefined;

/** Bundles the worker entry once per process, so workers run the same TypeScript under tsx and vitest. */
function bundleWorker(): Promise<string> {
  workerCode ??= (async () => {
    const { build } = await import('esbuild');
    const entry = fileURLToPath(new URL('./worker-entry.ts', import.meta.url));
    const out = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
    const file = out.outputFiles[0];
    if (file === undefined) throw new Error('worker bundle is empty');
    return file.text;
  })();
  return workerCode;
}

export class ThreadedEngine extends Engine {
  readonly kind: EngineKind = 'threaded';
  private worker: Worker | undefined;
  private readonly box = createMailbox();
  private mmios: ThreadedMmio[] = [];
  private closed: Promise<void> | undefined;

  async start(): Promise<void> {
    if (this.started) return;
    if (this.dma.check !== undefined && this.dma.pageFilter === undefined) {
      throw new Error('the threaded engine needs DMA filtering as a DmaPageFilter (see filteredDma)');
    }
    this.started = true;
    const dma: DmaSpec = { buffer: this.dma.buffer, ...(this.dma.pageFilter ? { filter: this.dma.pageFilter.state } : {}) };
    const init: WorkerInit = { specs: this.specs(), dma, mailbox: this.box.buffer as SharedArrayBuffer };
    const worker = new Worker(await bundleWorker(), { eval: true, workerData: init });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { type: string; message?: string }): void => {
        worker.off('error', onError);
        if (m.type === 'ready') resolve();
        else reject(new Error(`device thread failed to start: ${m.message ?? m.type}`));
      };
      const onError = (e: Error): void => {
        worker.off('message', onMessage);
        reject(e);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
    this.closed = new Promise<void>((resolve) => {
      worker.on('message', (m: { type: string }) => {
        if (m.type === 'closed') resolve();
      });
      worker.on('exit', () => {
        Atomics.store(this.box, STOP, 1);
        resolve();
      });
      worker.on('error', () => Atomics.store(this.box, STOP, 1));
    });
    this.mmios = this.declared.map((d, i) => {
      const s = d.spec.shared;
      return new ThreadedMmio(d.size, d.pci, new Int32Array(s.regs), new Uint8Array(s.access), this.box, i);
    });
  }

  poll(): number {
    return 0;
  }

  modelFaults(): number {
    return Atomics.load(this.box, MODEL_FAULTS);
  }

  mmio(index: number): HostMmio {
    const m = this.mmios[index];
    if (m === undefined) throw new Error('engine not started');
    return m;
  }

  control(index: number, op: number, arg: number): number {
    return call(this.box, index, OP_CONTROL, op, arg);
  }

  async shutdown(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    Atomics.store(this.box, STOP, 1);
    kick(this.box);
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000))]);
    await worker.terminate();
  }
}
