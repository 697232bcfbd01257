// One 82599 transmit queue (datasheet 7.2). The driver owns descriptors from TDT around to TDH;
// the hardware fetches from TDH up to TDT, sends each frame (gathered up to EOP), and writes DD
// back into descriptors that asked for it with RS. Advanced data descriptors and legacy
// descriptors share the positions of the length, EOP/IFCS/RS bits and the DD status bit.
import type { DmaPort } from '../dma.ts';
import { MIN_FRAME } from '../wires/frames.ts';
import {
  TDBAH, TDBAL, TDH, TDLEN, TDT, TX_DESC_CMD_DEXT, TX_DESC_CMD_EOP, TX_DESC_CMD_RS, TX_DESC_DTYP_CONTEXT,
  TX_DESC_DTYP_MASK, TX_DESC_STATUS_DD,
} from './registers.ts';

/** Largest frame the gather buffer holds (the 82599's maximum is 15.5 KB). */
export const MAX_TX_FRAME = 15872;

/** Where the transmit path sends a finished frame. */
export interface TxOutput {
  /** Returns nothing; the output counts statistics and hands the frame to the wire. */
  send(src: Uint8Array, off: number, len: number, statIndex: number): void;
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

  /** True when the driver has queued descriptors the hardware has not fetched. */
  pending(): boolean {
    return this.enabled && (Atomics.load(this.regs, this.tdtWord) >>> 0) !== this.head;
  }

  /** Processes up to `budget` descriptors. `pad` is HLREG0.TXPADEN. Returns descriptors done. */
  process(budget: number, out: TxOutput, pad: boolean): number {
    const tail = Atomics.load(this.regs, this.tdtWord) >>> 0;
    if (tail >= this.count) {
      this.badTail++;
      return 0;
    }
    const dma = this.dma;
    const u8 = dma.u8;
    const u32 = dma.u32;
    let head = this.head;
    let done = 0;
    while (head !== tail && done < budget) {
      const d = dma.addr(this.baseLo + head * 16, this.baseHi, 16, true);
      if (d < 0) {
        // A descriptor fetch that faults stalls the queue, as on hardware.
        this.dmaErrors++;
        break;
      }
      const w = d >>> 2;
      const ctl = u32[w + 2]!;
      const advanced = (ctl & TX_DESC_CMD_DEXT) !== 0;
      if (!(advanced && (ctl & TX_DESC_DTYP_MASK) === TX_DESC_DTYP_CONTEXT)) {
        const len = ctl & 0xffff;
        const eop = (ctl & TX_DESC_CMD_EOP) !== 0;
        const b = dma.addr(u32[w]!, u32[w + 1]!, len, false);
        if (b < 0) {
          this.dmaErrors++;
          this.gatherFailed = true;
        }
        if (eop && this.gathered === 0 && !this.gatherFailed && (len >= MIN_FRAME || !pad)) {
          if (len === 0) this.malformed++;
          else out.send(u8, b, len, this.statIndex);
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
            out.send(this.scratch, 0, n, this.statIndex);
          }
          this.gathered = 0;
          this.gatherFailed = false;
        }
      }
      if ((ctl & TX_DESC_CMD_RS) !== 0) {
        if (advanced) u32[w + 3] = TX_DESC_STATUS_DD;
        else u8[d + 12] = u8[d + 12]! | TX_DESC_STATUS_DD;
      }
      head = head + 1 === this.count ? 0 : head + 1;
      done++;
    }
    if (done > 0) {
      this.head = head;
      this.regs[this.tdhWord] = head;
    }
    return done;
  }
}
