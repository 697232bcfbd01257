// A reference NVMe host driver following the spec's bring-up (NVMe 1.4, 7.6.1): disable, admin
// queues, enable, Identify, Number of Queues, I/O CQ then I/O SQ. Commands are polled by phase.
import * as N from '../../../drivers/hw/nvme/registers.ts';
import type { Mmio } from '../../../drivers/hw/mmio.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../../../drivers/hw/pci.ts';
import type { PciFunction } from '../../../drivers/hw/pci.ts';
import type { Engine } from '../../../drivers/hw/engine/engine.ts';
import type { DmaArena } from './memory.ts';
import { waitUntil } from './engines.ts';

export interface Queue {
  id: number;
  sq: number;
  cq: number;
  size: number;
  sqTail: number;
  cqHead: number;
  phase: number;
  nextCid: number;
}

export interface Completion {
  dw0: number;
  sqhd: number;
  sqid: number;
  cid: number;
  /** SCT << 8 | SC */
  code: number;
  dnr: boolean;
  phase: number;
}

export interface Command {
  opcode: number;
  nsid?: number;
  prp1?: number;
  prp2?: number;
  cdw10?: number;
  cdw11?: number;
  cdw12?: number;
  flags?: number;
}

export class RefNvme {
  admin!: Queue;
  readonly io: Queue[] = [];
  dstrd = 0;
  mqes = 0;
  blockSize = 512;
  blocks = 0;
  constructor(readonly engine: Engine, readonly bar: Mmio, readonly pci: PciFunction, readonly mem: DmaArena) {}

  enablePci(): void {
    this.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
  }

  /** Disable, program admin queues, enable; returns false when the controller refused. */
  enable(options: { adminSize?: number; cc?: number; asq?: number; acq?: number } = {}): boolean {
    const b = this.bar;
    const cap = b.read64(N.REG_CAP);
    this.mqes = Number(cap & 0xffffn);
    this.dstrd = Number((cap >> 32n) & 0xfn);
    b.write32(N.REG_CC, b.read32(N.REG_CC) & ~N.CC_EN);
    if (!waitUntil(this.engine, () => (b.read32(N.REG_CSTS) & N.CSTS_RDY) === 0)) return false;
    const size = options.adminSize ?? 32;
    const sq = options.asq ?? this.mem.alloc(size * 64);
    const cq = options.acq ?? this.mem.alloc(size * 16);
    this.admin = { id: 0, sq, cq, size, sqTail: 0, cqHead: 0, phase: 1, nextCid: 0 };
    b.write32(N.REG_AQA, ((size - 1) << 16) | (size - 1));
    b.write64(N.REG_ASQ, BigInt(sq));
    b.write64(N.REG_ACQ, BigInt(cq));
    const cc = options.cc ?? ((N.CQ_ENTRY_LOG2 << N.CC_IOCQES_SHIFT) | (N.SQ_ENTRY_LOG2 << N.CC_IOSQES_SHIFT) | N.CC_EN);
    b.write32(N.REG_CC, cc);
    return waitUntil(this.engine, () => (b.read32(N.REG_CSTS) & (N.CSTS_RDY | N.CSTS_CFS)) !== 0) && (b.read32(N.REG_CSTS) & N.CSTS_RDY) !== 0;
  }

  /** Full bring-up: enable, Identify (controller, namespace list, namespace 1), one I/O queue pair. */
  init(ioQueues = 1, ioSize = 256): void {
    this.enablePci();
    if (!this.enable()) throw new Error('controller did not become ready');
    const page = this.mem.alloc(4096);
    this.expectOk(this.adminCmd({ opcode: N.ADMIN_IDENTIFY, prp1: page, cdw10: N.CNS_CONTROLLER }));
    this.expectOk(this.adminCmd({ opcode: N.ADMIN_IDENTIFY, prp1: page, cdw10: N.CNS_ACTIVE_NAMESPACES }));
    const nsid = this.mem.u32[page >>> 2]!;
    if (nsid !== 1) throw new Error('namespace 1 is not active');
    this.expectOk(this.adminCmd({ opcode: N.ADMIN_IDENTIFY, nsid: 1, prp1: page, cdw10: N.CNS_NAMESPACE }));
    this.blocks = Number(new DataView(this.mem.buffer, page, 8).getBigUint64(0, true));
    this.blockSize = 1 << this.mem.u8[page + 128 + 2]!;
    this.expectOk(this.adminCmd({ opcode: N.ADMIN_SET_FEATURES, cdw10: N.FEATURE_NUMBER_OF_QUEUES, cdw11: ((ioQueues - 1) << 16) | (ioQueues - 1) }));
    for (let q = 1; q <= ioQueues; q++) this.createIoQueue(q, ioSize);
  }

  createIoQueue(id: number, size: number): Queue {
    const sq = this.mem.alloc(size * 64);
    const cq = this.mem.alloc(size * 16);
    this.expectOk(this.adminCmd({ opcode: N.ADMIN_CREATE_CQ, prp1: cq, cdw10: ((size - 1) << 16) | id, cdw11: 1 }));
    this.expectOk(this.adminCmd({ opcode: N.ADMIN_CREATE_SQ, prp1: sq, cdw10: ((size - 1) << 16) | id, cdw11: (id << 16) | 1 }));
    const q = { id, sq, cq, size, sqTail: 0, cqHead: 0, phase: 1, nextCid: 0 };
    this.io[id - 1] = q;
    return q;
  }

  /** Driver-side state for an I/O queue pair created by hand. */
  createIoQueueState(id: number, sq: number, cq: number, size: number): Queue {
    const q = { id, sq, cq, size, sqTail: 0, cqHead: 0, phase: 1, nextCid: 0 };
    this.io[id - 1] = q;
    return q;
  }

  expectOk(c: Completion): Completion {
    if (c.code !== 0) throw new Error(`command failed with status 0x${c.code.toString(16)}`);
    return c;
  }

  /** Writes a command into `q` without ringing the doorbell. Returns its CID. */
  put(q: Queue, cmd: Command): number {
    const w = (q.sq + q.sqTail * 64) >>> 2;
    const u32 = this.mem.u32;
    u32.fill(0, w, w + 16);
    const cid = q.nextCid;
    q.nextCid = (q.nextCid + 1) & 0xffff;
    u32[w] = (cmd.opcode & 0xff) | ((cmd.flags ?? 0) << 8) | (cid << 16);
    u32[w + 1] = cmd.nsid ?? 0;
    u32[w + 6] = cmd.prp1 ?? 0;
    u32[w + 8] = cmd.prp2 ?? 0;
    u32[w + 10] = cmd.cdw10 ?? 0;
    u32[w + 11] = cmd.cdw11 ?? 0;
    u32[w + 12] = cmd.cdw12 ?? 0;
    q.sqTail = (q.sqTail + 1) % q.size;
    return cid;
  }

  ring(q: Queue): void {
    this.bar.write32(N.sqTailDoorbell(q.id, this.dstrd), q.sqTail);
  }

  /** Takes the next completion if its phase says it is new. */
  reap(q: Queue): Completion | undefined {
    const w = (q.cq + q.cqHead * 16) >>> 2;
    const dw3 = Atomics.load(this.mem.i32, w + 3);
    if (((dw3 >>> 16) & 1) !== q.phase) return undefined;
    const u32 = this.mem.u32;
    const st = N.decodeStatus(dw3);
    const c: Completion = { dw0: u32[w]!, sqhd: u32[w + 2]! & 0xffff, sqid: u32[w + 2]! >>> 16, cid: dw3 & 0xffff, code: st.code, dnr: st.dnr, phase: st.phase };
    q.cqHead++;
    if (q.cqHead === q.size) {
      q.cqHead = 0;
      q.phase ^= 1;
    }
    this.bar.write32(N.cqHeadDoorbell(q.id, this.dstrd), q.cqHead);
    return c;
  }

  /** Submits and waits for the completion (undefined if none arrived). */
  submit(q: Queue, cmd: Command): Completion {
    this.put(q, cmd);
    this.ring(q);
    let c: Completion | undefined;
    if (!waitUntil(this.engine, () => (c = this.reap(q)) !== undefined)) throw new Error('no completion');
    return c!;
  }

  adminCmd(cmd: Command): Completion {
    return this.submit(this.admin, cmd);
  }

  read(q: Queue, lba: number, blocks: number, prp1: number, prp2 = 0): Completion {
    return this.submit(q, { opcode: N.NVM_READ, nsid: 1, prp1, prp2, cdw10: lba, cdw12: blocks - 1 });
  }

  write(q: Queue, lba: number, blocks: number, prp1: number, prp2 = 0, fua = false): Completion {
    return this.submit(q, { opcode: N.NVM_WRITE, nsid: 1, prp1, prp2, cdw10: lba, cdw12: (blocks - 1) | (fua ? N.RW_FUA : 0) });
  }

  flush(q: Queue): Completion {
    return this.submit(q, { opcode: N.NVM_FLUSH, nsid: 1 });
  }
}
