// The NVMe controller: registers, the enable/reset/shutdown state machine, queue bookkeeping and
// the fetch-execute-complete loop. Command semantics live in admin.ts and io.ts.
import { DmaPort } from '../dma.ts';
import type { DmaMemory } from '../dma.ts';
import type { DeviceModel, DeviceSharedState } from '../mmio.ts';
import { PciFunction } from '../pci.ts';
import { executeAdmin } from './admin.ts';
import { executeIo } from './io.ts';
import type { Namespace, PowerCutMode } from './namespace.ts';
import { PrpWalk } from './prp.ts';
import { CompletionQueue, SubmissionQueue } from './queues.ts';
import {
  buildAccessTable, capDwords, CC_EN, CC_SHN_SHIFT, cqHeadDoorbell, CQ_ENTRY_LOG2, CSTS_CFS, CSTS_RDY, CSTS_SHST_COMPLETE,
  NVME_BAR0_SIZE, NVME_DEVICE_ID_P3700, NVME_VENDOR_ID, NVME_VERSION_1_4, REG_ACQ, REG_AQA, REG_ASQ, REG_CAP, REG_CC,
  REG_CSTS, REG_INTMC, REG_INTMS, REG_VS, setDoorbellAccess, SQ_ENTRY_LOG2, sqTailDoorbell,
} from './registers.ts';
import { CompletionSchedule, defaultClock } from './service.ts';
import type { Clock, ServiceModelOptions } from './service.ts';

export interface NvmeControllerOptions {
  namespaces: Namespace[];
  /** I/O queue pairs supported (queue ids 1..maxQueues). */
  maxQueues?: number;
  /** CAP.MQES: largest queue, 0's based. */
  mqes?: number;
  /** CAP.DSTRD: doorbell stride is 4 << dstrd bytes. */
  dstrd?: number;
  /** MDTS: largest transfer is 2^mdts minimum-size pages. */
  mdts?: number;
  service?: ServiceModelOptions;
  clock?: Clock;
  serial?: string;
  model?: string;
  shared?: DeviceSharedState;
}

/** Commands executed per submission queue per step. */
const STEP_BUDGET = 256;
/** Status returned by a command that completes later (Asynchronous Event Request). */
export const DEFERRED = -1;

export const NVME_DIAGNOSTICS = ['dmaOutOfRange', 'dmaRefused', 'dmaBusMasterOff', 'badDoorbells', 'fatalErrors', 'commands', 'powerCuts', 'lostBlocks'] as const;
export type NvmeDiagnostic = (typeof NVME_DIAGNOSTICS)[number];
export const CONTROL_DIAGNOSTIC = 1;
/** control(CONTROL_POWER_CUT, 0 discard | 1 persist | seed >= 2) */
export const CONTROL_POWER_CUT = 2;

export function powerCutArg(mode: PowerCutMode): number {
  if (mode === 'discard') return 0;
  if (mode === 'persist') return 1;
  return Math.max(2, mode.seed >>> 0);
}

export function nvmePciFunction(config?: SharedArrayBuffer): PciFunction {
  return new PciFunction(
    {
      vendorId: NVME_VENDOR_ID,
      deviceId: NVME_DEVICE_ID_P3700,
      classCode: [0x01, 0x08, 0x02], // mass storage, non-volatile memory, NVM Express
      revision: 1,
      subsystemId: 0x3703,
      bars: [{ size: NVME_BAR0_SIZE, is64: true }],
    },
    config,
  );
}

export class NvmeController implements DeviceModel {
  readonly pci: PciFunction;
  readonly dma: DmaPort;
  readonly regs: Int32Array;
  readonly access: Uint8Array;
  readonly namespaces: Namespace[];
  readonly maxQueues: number;
  readonly mqes: number;
  readonly dstrd: number;
  readonly mdts: number;
  readonly serial: string;
  readonly model: string;
  /** Bytes per memory page (CC.MPS), fixed while enabled. */
  pageSize = 4096;
  /** Largest transfer in bytes. */
  maxTransfer: number;
  readonly sqs: (SubmissionQueue | undefined)[] = [];
  readonly cqs: (CompletionQueue | undefined)[] = [];
  /** SQs in creation order (the admin queue first); replaced, never mutated, when it changes. */
  private active: SubmissionQueue[] = [];
  readonly prp: PrpWalk;
  /** Bounce buffer for transfers that span several PRP segments. */
  readonly bounce: Uint8Array;
  /** Scratch page for Identify and log pages. */
  readonly page = new Uint8Array(4096);
  /** Command-specific result (completion DW0) of the command that just executed. */
  result = 0;
  aerOutstanding = 0;
  /** Number of Queues feature as granted (0's based counts). */
  queuesGranted = -1;
  private readonly schedule: CompletionSchedule | undefined;
  private fatalErrors = 0;
  private commands = 0;
  private powerCuts = 0;
  private lostBlocks = 0;
  private deadBadDoorbells = 0;
  private badWrites = 0;

  constructor(memory: DmaMemory, options: NvmeControllerOptions) {
    this.pci = nvmePciFunction(options.shared?.config);
    this.dma = new DmaPort(memory, this.pci);
    this.regs = new Int32Array(options.shared?.regs ?? new SharedArrayBuffer(NVME_BAR0_SIZE));
    this.access = buildAccessTable(options.shared?.access ?? new SharedArrayBuffer(NVME_BAR0_SIZE >>> 2));
    this.namespaces = options.namespaces;
    this.maxQueues = Math.min(options.maxQueues ?? 64, 1023);
    this.mqes = Math.min(options.mqes ?? 4095, 0xffff);
    this.dstrd = options.dstrd ?? 0;
    this.mdts = options.mdts ?? 5;
    this.maxTransfer = 4096 << this.mdts;
    this.serial = options.serial ?? 'RLTS00000001';
    this.model = options.model ?? 'RedLeaf.ts NVMe model (P3700-like)';
    if (cqHeadDoorbell(this.maxQueues, this.dstrd) + 4 > NVME_BAR0_SIZE) throw new RangeError('doorbells do not fit in BAR0');
    this.prp = new PrpWalk((this.maxTransfer >>> 12) + 2);
    this.bounce = new Uint8Array(this.maxTransfer);
    this.schedule = options.service ? new CompletionSchedule(options.service, options.clock ?? defaultClock) : undefined;
    this.powerOn();
  }

  /** Power-on state of the registers. */
  private powerOn(): void {
    const r = this.regs;
    r.fill(0);
    const [capLo, capHi] = capDwords({ mqes: this.mqes, timeout: 20, dstrd: this.dstrd, mpsmin: 0, mpsmax: 4 });
    r[REG_CAP >>> 2] = capLo;
    r[(REG_CAP >>> 2) + 1] = capHi;
    r[REG_VS >>> 2] = NVME_VERSION_1_4;
    this.dropQueues();
  }

  private dropQueues(): void {
    for (let q = 0; q <= this.maxQueues; q++) {
      this.sqs[q] = undefined;
      this.cqs[q] = undefined;
      setDoorbellAccess(this.access, sqTailDoorbell(q, this.dstrd), false);
      setDoorbellAccess(this.access, cqHeadDoorbell(q, this.dstrd), false);
    }
    this.active = [];
    this.aerOutstanding = 0;
    this.queuesGranted = -1;
    this.schedule?.clear();
  }

  get ready(): boolean {
    return (this.regs[REG_CSTS >>> 2]! & (CSTS_RDY | CSTS_CFS)) === CSTS_RDY;
  }

  mmioRead(word: number): number {
    if (word === REG_INTMS >>> 2 || word === REG_INTMC >>> 2) return this.regs[REG_INTMS >>> 2]! >>> 0;
    return this.regs[word]! >>> 0;
  }

  mmioWrite(word: number, value: number): void {
    const r = this.regs;
    switch (word << 2) {
      case REG_CC: {
        const old = r[word]!;
        r[word] = value;
        if ((old & CC_EN) === 0 && (value & CC_EN) !== 0) this.enable();
        else if ((old & CC_EN) !== 0 && (value & CC_EN) === 0) this.controllerReset();
        const shn = (value >>> CC_SHN_SHIFT) & 3;
        if (shn !== 0 && ((old >>> CC_SHN_SHIFT) & 3) === 0) {
          // Shutdown: finish outstanding work and make the write cache durable.
          for (const ns of this.namespaces) ns.flush();
          r[REG_CSTS >>> 2] = r[REG_CSTS >>> 2]! | CSTS_SHST_COMPLETE;
        }
        return;
      }
      case REG_INTMS:
        r[REG_INTMS >>> 2] = r[REG_INTMS >>> 2]! | value;
        return;
      case REG_INTMC:
        r[REG_INTMS >>> 2] = r[REG_INTMS >>> 2]! & ~value;
        return;
    }
    // CAP, VS, CSTS are read-only; a write hook on a doorbell word means the queue does not
    // exist or the offset is not on the stride: an error a real controller reports through an
    // asynchronous event. Either way nothing changes.
    if ((word << 2) >= 0x1000) this.badWrites++;
  }

  /** CC.EN 0 -> 1: check the configuration (spec 3.1.5, 7.6.1) and bring up the admin queues. */
  private enable(): void {
    const r = this.regs;
    const cc = r[REG_CC >>> 2]!;
    const csts = REG_CSTS >>> 2;
    const css = (cc >>> 4) & 7, mps = (cc >>> 7) & 0xf, ams = (cc >>> 11) & 7;
    const iosqes = (cc >>> 16) & 0xf, iocqes = (cc >>> 20) & 0xf;
    const aqa = r[REG_AQA >>> 2]!;
    const asqs = (aqa & 0xfff) + 1, acqs = ((aqa >>> 16) & 0xfff) + 1;
    const asqLo = r[REG_ASQ >>> 2]! >>> 0, asqHi = r[(REG_ASQ >>> 2) + 1]! >>> 0;
    const acqLo = r[REG_ACQ >>> 2]! >>> 0, acqHi = r[(REG_ACQ >>> 2) + 1]! >>> 0;
    const pageSize = 4096 << mps;
    const capHi = r[(REG_CAP >>> 2) + 1]!;
    const mpsmin = (capHi >>> 16) & 0xf, mpsmax = (capHi >>> 20) & 0xf;
    const refuse =
      css !== 0 || ams !== 0 || mps < mpsmin || mps > mpsmax ||
      iosqes !== SQ_ENTRY_LOG2 || iocqes !== CQ_ENTRY_LOG2 ||
      asqs < 2 || acqs < 2 ||
      asqHi !== 0 || acqHi !== 0 || asqLo === 0 || acqLo === 0 ||
      (asqLo & (pageSize - 1)) !== 0 || (acqLo & (pageSize - 1)) !== 0;
    if (refuse) {
      r[csts] = CSTS_CFS;
      this.fatalErrors++;
      return;
    }
    this.pageSize = pageSize;
    this.maxTransfer = 4096 << this.mdts;
    const cq = this.addCq(0, acqLo, acqs);
    this.addSq(0, asqLo, asqs, cq);
    r[csts] = CSTS_RDY;
  }

  /** CC.EN 1 -> 0: all queues are deleted and the controller goes idle. Media is untouched. */
  private controllerReset(): void {
    this.dropQueues();
    this.regs[REG_CSTS >>> 2] = 0;
  }

  addCq(id: number, base: number, size: number): CompletionQueue {
    const db = cqHeadDoorbell(id, this.dstrd);
    const cq = new CompletionQueue(id, base, size, this.regs, db >>> 2);
    this.cqs[id] = cq;
    setDoorbellAccess(this.access, db, true);
    return cq;
  }

  addSq(id: number, base: number, size: number, cq: CompletionQueue): SubmissionQueue {
    const db = sqTailDoorbell(id, this.dstrd);
    const sq = new SubmissionQueue(id, base, size, cq, this.regs, db >>> 2);
    this.sqs[id] = sq;
    cq.users++;
    this.active = [...this.active, sq];
    setDoorbellAccess(this.access, db, true);
    return sq;
  }

  removeSq(id: number): void {
    const sq = this.sqs[id];
    if (sq === undefined) return;
    this.deadBadDoorbells += sq.badDoorbells;
    sq.cq.users--;
    this.sqs[id] = undefined;
    this.active = this.active.filter((s) => s !== sq);
    setDoorbellAccess(this.access, sqTailDoorbell(id, this.dstrd), false);
  }

  removeCq(id: number): void {
    const cq = this.cqs[id];
    if (cq === undefined) return;
    this.deadBadDoorbells += cq.badDoorbells;
    this.cqs[id] = undefined;
    setDoorbellAccess(this.access, cqHeadDoorbell(id, this.dstrd), false);
  }

  namespace(nsid: number): Namespace | undefined {
    return nsid >= 1 ? this.namespaces[nsid - 1] : undefined;
  }

  /** A DMA fault on queue memory: the controller stops until the host resets it. */
  private fatal(): void {
    this.regs[REG_CSTS >>> 2] = this.regs[REG_CSTS >>> 2]! | CSTS_CFS;
    this.fatalErrors++;
  }

  private readonly postDue = (cqId: number, sqId: number, sqHead: number, cid: number, status: number, dw0: number): void => {
    const cq = this.cqs[cqId];
    if (cq === undefined) return; // deleted meanwhile (only after a reset)
    cq.reserved--;
    if (!cq.post(this.dma, dw0, sqHead, sqId, cid, status)) this.fatal();
  };

  step(): number {
    if (!this.ready) return 0;
    let work = this.schedule !== undefined ? this.schedule.drain(this.postDue) : 0;
    const list = this.active;
    const dma = this.dma;
    for (let i = 0; i < list.length; i++) {
      const sq = list[i]!;
      if (this.sqs[sq.id] !== sq) continue; // deleted by an admin command in this step
      let n = sq.pending();
      if (n > STEP_BUDGET) n = STEP_BUDGET;
      const cq = sq.cq;
      while (n > 0) {
        if (cq.space() <= 0) break;
        const a = dma.addr(sq.fetchAddress(), 0, 64, false);
        if (a < 0) {
          this.fatal();
          return work;
        }
        const w = a >>> 2;
        const cid = dma.u32[w]! >>> 16;
        this.result = 0;
        this.commands++;
        const status = sq.id === 0 ? executeAdmin(this, w) : executeIo(this, w);
        n--;
        work++;
        if (status === DEFERRED) continue;
        if (this.schedule !== undefined) {
          const opcode = dma.u32[w]! & 0xff;
          cq.reserved++;
          this.schedule.push(this.schedule.dueTime(sq.id !== 0 && opcode === 0x02), cq.id, sq.id, sq.head, cid, status, this.result);
        } else if (!cq.post(dma, this.result, sq.head, sq.id, cid, status)) {
          this.fatal();
          return work;
        }
        if (!this.ready) return work; // the command reset or killed the controller
      }
    }
    return work;
  }

  idle(): boolean {
    return this.schedule === undefined || this.schedule.length === 0;
  }

  /** Simulated power loss: the write cache loses what `mode` says, the controller powers up fresh. */
  powerCut(mode: PowerCutMode): number {
    let lost = 0;
    for (const ns of this.namespaces) lost += ns.cache?.powerCut(mode) ?? 0;
    this.powerOn();
    this.pci.reset();
    this.powerCuts++;
    this.lostBlocks += lost;
    return lost;
  }

  diagnostics(): Record<NvmeDiagnostic, number> {
    let bad = this.deadBadDoorbells + this.badWrites;
    for (const q of this.sqs) bad += q?.badDoorbells ?? 0;
    for (const q of this.cqs) bad += q?.badDoorbells ?? 0;
    const f = this.dma.faults;
    return {
      dmaOutOfRange: f.outOfRange, dmaRefused: f.refused, dmaBusMasterOff: f.busMasterOff, badDoorbells: bad,
      fatalErrors: this.fatalErrors, commands: this.commands, powerCuts: this.powerCuts, lostBlocks: this.lostBlocks,
    };
  }

  control(op: number, arg: number): number {
    if (op === CONTROL_DIAGNOSTIC) return this.diagnostics()[NVME_DIAGNOSTICS[arg] ?? 'commands'];
    if (op === CONTROL_POWER_CUT) return this.powerCut(arg === 0 ? 'discard' : arg === 1 ? 'persist' : { seed: arg });
    return 0;
  }

  close(): void {
    for (const ns of this.namespaces) ns.store.close();
  }
}
