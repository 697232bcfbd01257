// Submission and completion queues as the controller tracks them. Tails of SQs and heads of CQs
// come from doorbells the host writes into the shared register file; the controller owns the SQ
// head and CQ tail and reports them back in every completion (SQHD) and by the phase tag.
import type { DmaPort } from '../dma.ts';

export class CompletionQueue {
  tail = 0;
  /** Phase tag the controller writes; starts at 1 and flips at every wrap. */
  phase = 1;
  /** Last valid head the host reported. */
  head = 0;
  /** Completions promised to commands still in flight (service model), so they find room. */
  reserved = 0;
  /** Submission queues that post here (a CQ with users cannot be deleted). */
  users = 0;
  /** Doorbell values at or beyond the queue size, ignored. */
  badDoorbells = 0;
  private lastRawHead = 0;

  constructor(
    readonly id: number,
    /** Byte offset of the ring in DMA memory. */
    readonly base: number,
    readonly size: number,
    private readonly regs: Int32Array,
    private readonly doorbellWord: number,
  ) {
    regs[doorbellWord] = 0;
  }

  /** Entries the controller may still post without overrunning the host. */
  space(): number {
    const raw = Atomics.load(this.regs, this.doorbellWord) >>> 0;
    if (raw !== this.head) {
      if (raw < this.size) this.head = raw;
      else if (raw !== this.lastRawHead) this.badDoorbells++;
      this.lastRawHead = raw;
    }
    const used = this.tail >= this.head ? this.tail - this.head : this.tail + this.size - this.head;
    return this.size - 1 - used - this.reserved;
  }

  /**
   * Writes one completion entry. DW3 (CID, phase, status) goes last with an atomic store, so a
   * host polling the phase tag on another thread sees a complete entry. Returns false on a DMA
   * fault.
   */
  post(dma: DmaPort, dw0: number, sqHead: number, sqId: number, cid: number, status: number): boolean {
    const a = dma.addr(this.base + this.tail * 16, 0, 16, true);
    if (a < 0) return false;
    const w = a >>> 2;
    dma.u32[w] = dw0;
    dma.u32[w + 1] = 0;
    dma.u32[w + 2] = (sqHead & 0xffff) | (sqId << 16);
    Atomics.store(dma.i32, w + 3, (cid & 0xffff) | (((status << 1) | this.phase) << 16));
    if (++this.tail === this.size) {
      this.tail = 0;
      this.phase ^= 1;
    }
    return true;
  }
}

export class SubmissionQueue {
  head = 0;
  /** Last valid tail the host wrote. */
  tail = 0;
  badDoorbells = 0;
  private lastRawTail = 0;

  constructor(
    readonly id: number,
    readonly base: number,
    readonly size: number,
    readonly cq: CompletionQueue,
    private readonly regs: Int32Array,
    private readonly doorbellWord: number,
  ) {
    regs[doorbellWord] = 0;
  }

  /** Commands waiting to be fetched. */
  pending(): number {
    const raw = Atomics.load(this.regs, this.doorbellWord) >>> 0;
    if (raw !== this.tail) {
      if (raw < this.size) this.tail = raw;
      else if (raw !== this.lastRawTail) this.badDoorbells++;
      this.lastRawTail = raw;
    }
    const d = this.tail - this.head;
    return d < 0 ? d + this.size : d;
  }

  /** Byte offset of the entry at the head, then advances the head. */
  fetchAddress(): number {
    const a = this.base + this.head * 64;
    this.head = this.head + 1 === this.size ? 0 : this.head + 1;
    return a;
  }
}
