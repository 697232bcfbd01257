// One 82599 transmit queue (datasheet 7.2). The driver owns descriptors from TDT around to TDH;
// the hardware fetches from TDH up to TDT, sends each frame (gathered up to EOP), and writes DD
// back into descriptors that asked for it with RS. Advanced data descriptors and legacy
// descriptors share the positions of the length, EOP/IFCS/RS bits and the DD status bit.
import type { DmaPort } from '../dma.ts';
import { MIN_FRAME } from '../wires/frames.ts';
import {
  TDBAH, TDBAL, TDH, TDLEN, TDT, TX_DESC_CMD_DEXT, TX_DESC_CMD_EOP, TX_DESC_CMD_RS, TX_DESC_DTYP_CONTEXT,
  TX_DESC_DTYP_DATA, TX_DESC_DTYP_MASK, TX_DESC_STATUS_DD,
} from './registers.ts';

/** Largest frame the gather buffer holds (the 82599's maximum is 15.5 KB). */
export const MAX_TX_FRAME = 15872;

/** Where the transmit path sends a finished frame. */
export interface TxOutput {
  /** Hands one frame to the wire; false when it was dropped (link down). */
  send(src: Uint8Array, off: number, len: number): boolean;
  /** Counts a batch of sent frames in the statistics (once per batch, not per frame). */
  account(packets: number, bytes: number, statIndex: number): void;
}

export class TxQueue {
  enabled = false;
  private baseLo = 0;
  private baseHi = 0;
  count = 0;
  head = 0;
  statIndex = 0;
  badTail = 0;
  dmaErrors = 0;
  /** Frames dropped as malformed (too long, zero length). */
  malformed = 0;
  private readonly tdhWord: number;
  private readonly tdtWord: number;
  /** Gather buffer for frames that span descriptors or need padding. */
  private readonly scratch = new Uint8Array(MAX_TX_FRAME);
  private gathered = 0;
  private gatherFailed = false;

  constructor(readonly index: number, private readonly regs: Int32Array, private readonly dma: DmaPort) {
    this.tdhWord = TDH(index) >>> 2;
    this.tdtWord = TDT(index) >>> 2;
  }

  enable(): boolean {
    const r = this.regs;
    const len = r[TDLEN(this.index) >>> 2]! >>> 0;
    if (len < 128) return false;
    this.baseLo = r[TDBAL(this.index) >>> 2]! >>> 0;
    this.baseHi = r[TDBAH(this.index) >>> 2]! >>> 0;
    this.count = len >>> 4;
    this.head = (r[this.tdhWord]! >>> 0) % this.count;
    r[this.tdhWord] = this.head;
    this.gathered = 0;
    this.gatherFailed = false;
    this.enabled = true;
    return true;
  }

  disable(): void {
    this.enabled = false;
  }

  setHead(value: number): void {
    if (this.enabled) return;
    this.regs[this.tdhWord] = value & 0xffff;
  }

  /** Processes up to `budget` descriptors. `pad` is HLREG0.TXPADEN. Returns descriptors done. */
  process(budget: number, out: TxOutput, pad: boolean): number {
    const tail = Atomics.load(this.regs, this.tdtWord) >>> 0;
    if (tail >= this.count) {
      this.badTail++;
      return 0;
    }
    let head = this.head;
    if (head === tail) return 0;
    const dma = this.dma;
    if (!dma.mastering()) return 0;
    const u8 = dma.u8;
    const u32 = dma.u32;
    const size = dma.size;
    const filtered = dma.filtered;
    let done = 0, packets = 0, bytes = 0;
    while (head !== tail && done < budget) {
      // Fetch a contiguous run of descriptors: one DMA check for the run, as one burst read.
      let run = (tail > head ? tail : this.count) - head;
      if (run > budget - done) run = budget - done;
      const d = dma.target(this.baseLo + head * 16, this.baseHi, run * 16, true);
      if (d < 0) {
        // A descriptor fetch that faults stalls the queue, as on hardware.
        this.dmaErrors++;
        break;
      }
      for (let w = d >>> 2, end = w + run * 4; w < end; w += 4) {
        const ctl = u32[w + 2]!;
        const len = ctl & 0xffff;
        const lo = u32[w]!;
        if ((ctl & (TX_DESC_CMD_EOP | TX_DESC_DTYP_MASK | TX_DESC_CMD_DEXT)) === (TX_DESC_CMD_EOP | TX_DESC_DTYP_DATA | TX_DESC_CMD_DEXT) &&
            this.gathered === 0 && !this.gatherFailed && len >= MIN_FRAME &&
            (filtered ? dma.allows(lo, u32[w + 1]!, len, false) : u32[w + 1] === 0 && lo + len <= size)) {
          // Fast path: a whole frame in one advanced descriptor, sent straight from DMA memory.
          if (out.send(u8, lo, len)) {
            packets++;
            bytes += len;
          }
        } else {
          const sent = this.slowDescriptor(u8, u32, w, ctl, pad, out);
          if (sent > 0) {
            packets++;
            bytes += sent;
          }
        }
        if ((ctl & TX_DESC_CMD_RS) !== 0) {
          if ((ctl & TX_DESC_CMD_DEXT) !== 0) u32[w + 3] = TX_DESC_STATUS_DD;
          else u8[(w << 2) + 12] = u8[(w << 2) + 12]! | TX_DESC_STATUS_DD;
        }
      }
      head += run;
      if (head === this.count) head = 0;
      done += run;
    }
    if (done > 0) {
      this.head = head;
      this.regs[this.tdhWord] = head;
      if (packets > 0) out.account(packets, bytes, this.statIndex);
    }
    return done;
  }

  /**
   * Everything but the fast path: context descriptors, legacy descriptors, frames spanning
   * descriptors, short frames to pad, buffers that fail the DMA check. Returns the length of the
   * frame it sent, or 0.
   */
  private slowDescriptor(u8: Uint8Array, u32: Uint32Array, w: number, ctl: number, pad: boolean, out: TxOutput): number {
    const advanced = (ctl & TX_DESC_CMD_DEXT) !== 0;
    if (advanced && (ctl & TX_DESC_DTYP_MASK) === TX_DESC_DTYP_CONTEXT) return 0;
    const len = ctl & 0xffff;
    const eop = (ctl & TX_DESC_CMD_EOP) !== 0;
    const b = this.dma.target(u32[w]!, u32[w + 1]!, len, false);
    if (b < 0) {
      this.dmaErrors++;
      this.gatherFailed = true;
    }
    let sent = 0;
    if (eop && this.gathered === 0 && !this.gatherFailed && (len >= MIN_FRAME || !pad)) {
      if (len === 0) this.malformed++;
      else if (out.send(u8, b, len)) sent = len;
    } else if (!this.gatherFailed) {
      if (this.gathered + len > MAX_TX_FRAME) {
        this.gatherFailed = true;
        this.malformed++;
      } else {
        this.scratch.set(u8.subarray(b, b + len), this.gathered);
        this.gathered += len;
      }
    }
    if (eop) {
      if (!this.gatherFailed && this.gathered > 0) {
        let n = this.gathered;
        if (pad && n < MIN_FRAME) {
          this.scratch.fill(0, n, MIN_FRAME);
          n = MIN_FRAME;
        }
        if (out.send(this.scratch, 0, n)) sent = n;
      }
      this.gathered = 0;
      this.gatherFailed = false;
    }
    return sent;
  }
}
