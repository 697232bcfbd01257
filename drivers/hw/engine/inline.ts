// The inline engine: models run on the host's own thread. A doorbell write steps the device at
// once and `poll()` steps every device, so a test sees exactly the same sequence every run.
import type { DeviceModel } from '../mmio.ts';
import { Engine, HostMmio } from './engine.ts';
import type { EngineKind } from './engine.ts';
import { buildDevices } from './spec.ts';
import type { BuiltDevices } from './spec.ts';

/** Counts exceptions a model raised (a model bug): the host sees all ones or nothing instead. */
class FaultCounter {
  count = 0;
}

class InlineMmio extends HostMmio {
  constructor(size: number, private readonly model: DeviceModel, private readonly faults: FaultCounter) {
    super(size, model.pci, model.regs, model.access);
  }
  protected readHook(word: number): number {
    try {
      return this.model.mmioRead(word);
    } catch {
      this.faults.count++;
      return 0xffffffff;
    }
  }
  protected writeHook(word: number, value: number): void {
    try {
      this.model.mmioWrite(word, value);
    } catch {
      this.faults.count++;
    }
  }
  protected doorbell(): void {
    try {
      this.model.step();
    } catch {
      this.faults.count++;
    }
  }
}

export interface InlineEngineOptions {
  /** Nanosecond clock for service models and rate-limited generators (tests pass a fake one). */
  clock?: () => number;
}

export class InlineEngine extends Engine {
  readonly kind: EngineKind = 'inline';
  private built: BuiltDevices | undefined;
  private mmios: InlineMmio[] = [];
  private models: DeviceModel[] = [];
  private readonly faults = new FaultCounter();

  constructor(dma: ConstructorParameters<typeof Engine>[0], private readonly options: InlineEngineOptions = {}) {
    super(dma);
  }

  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      this.built = buildDevices(this.specs(), this.dma, this.options.clock ? { clock: this.options.clock } : {});
      this.models = this.built.models;
      this.mmios = this.models.map((m, i) => new InlineMmio(this.declared[i]!.size, m, this.faults));
    }
    return Promise.resolve();
  }

  poll(): number {
    let work = 0;
    for (const m of this.models) {
      try {
        work += m.step();
      } catch {
        this.faults.count++;
      }
    }
    return work;
  }

  modelFaults(): number {
    return this.faults.count;
  }

  /** Steps until no device has work left (bounded, for tests). */
  settle(maxRounds = 1000): number {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const w = this.poll();
      if (w === 0) break;
      total += w;
    }
    return total;
  }

  /** The model behind a device (inline only: tests inspect internals through it). */
  model(index: number): DeviceModel {
    const m = this.models[index];
    if (m === undefined) throw new Error('engine not started');
    return m;
  }

  mmio(index: number): HostMmio {
    const m = this.mmios[index];
    if (m === undefined) throw new Error('engine not started');
    return m;
  }

  control(index: number, op: number, arg: number): number {
    try {
      return this.model(index).control(op, arg);
    } catch {
      this.faults.count++;
      return 0xffffffff;
    }
  }

  shutdown(): Promise<void> {
    this.built?.close();
    this.built = undefined;
    return Promise.resolve();
  }
}
