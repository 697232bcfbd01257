// One 82599 receive queue (datasheet 7.1). The ring holds RDLEN/16 descriptors; hardware owns
// the descriptors from RDH up to (not including) RDT, so RDH == RDT means "no buffers". Each
// frame goes into one or more buffers of SRRCTL.BSIZEPACKET KB, and the descriptors are written
// back in the advanced (or legacy) format with DD, and EOP on the last.
import type { DmaPort } from '../dma.ts';
import { FrameCopier } from '../copy.ts';
import { PCI_COMMAND_MASTER } from '../pci.ts';
import { crc32, FCS_LEN } from '../wires/frames.ts';
import {
  RDBAH, RDBAL, RDH, RDLEN, RDT, RX_DESC_STATUS_DD, RX_DESC_STATUS_EOP, SRRCTL, SRRCTL_BSIZEPACKET_MASK,
  SRRCTL_DESCTYPE_LEGACY, SRRCTL_DESCTYPE_MASK, SRRCTL_DROP_EN,
} from './registers.ts';

/** Advanced write-back error bit RXE: the frame could not be stored (DMA fault). */
export const RX_DESC_ERROR_RXE = 1 << 29;

export class RxQueue {
  enabled = false;
  /** Ring geometry latched at enable. */
  private baseLo = 0;
  private baseHi = 0;
  private ringInRange = false;
  count = 0;
  head = 0;
  private tail = 0;
  private bufSize = 2048;
  private legacy = false;
  dropEnable = false;
  /** Statistics register this queue counts into (RQSMR). */
  statIndex = 0;
  /** Tail values at or beyond the ring size that were ignored. */
  badTail = 0;
  /** Descriptor fetches or buffer writes refused by DMA checks. */
  dmaErrors = 0;
  private readonly rdhWord: number;
  private readonly rdtWord: number;
  private crcScratch = new Uint8Array(4);
  private readonly copier = new FrameCopier();

  constructor(readonly index: number, private readonly regs: Int32Array, private readonly dma: DmaPort) {
    this.rdhWord = RDH(index) >>> 2;
    this.rdtWord = RDT(index) >>> 2;
  }

  /** RXDCTL.ENABLE 0 -> 1. Returns false (queue stays off) when the ring is not set up. */
  enable(): boolean {
    const r = this.regs;
    const len = r[RDLEN(this.index) >>> 2]! >>> 0;
    if (len < 128) return false;
    this.baseLo = r[RDBAL(this.index) >>> 2]! >>> 0;
    this.baseHi = r[RDBAH(this.index) >>> 2]! >>> 0;
    this.count = len >>> 4;
    this.ringInRange = !this.dma.filtered && this.baseHi === 0 && this.baseLo + len <= this.dma.size;
    const srrctl = r[SRRCTL(this.index) >>> 2]! >>> 0;
    const kb = srrctl & SRRCTL_BSIZEPACKET_MASK;
    this.bufSize = (kb === 0 ? 2 : kb) * 1024;
    this.legacy = (srrctl & SRRCTL_DESCTYPE_MASK) === SRRCTL_DESCTYPE_LEGACY;
    this.dropEnable = (srrctl & SRRCTL_DROP_EN) !== 0;
    this.head = (r[this.rdhWord]! >>> 0) % this.count;
    r[this.rdhWord] = this.head;
    this.tail = this.head;
    this.refreshTail();
    this.enabled = true;
    return true;
  }

  disable(): void {
    this.enabled = false;
  }

  /** RDH written by the driver: only meaningful while the queue is off. */
  setHead(value: number): void {
    if (this.enabled) return;
    this.regs[this.rdhWord] = value & 0xffff;
  }

  private refreshTail(): void {
    const t = Atomics.load(this.regs, this.rdtWord) >>> 0;
    if (t >= this.count) {
      this.badTail++;
      return;
    }
    this.tail = t;
  }

  /** Descriptors the hardware owns right now. */
  free(): number {
    if (this.head === this.tail) this.refreshTail();
    const d = this.tail - this.head;
    return d < 0 ? d + this.count : d;
  }

  /**
   * Stores one frame (without FCS) and writes its descriptors back. `appendFcs` is set when the
   * driver turned CRC stripping off; `hash` and `rssType` come from RSS (0 without it).
   * Returns false when there were not enough descriptors.
   */
  deliver(src: Uint8Array, off: number, len: number, appendFcs: boolean, hash: number, rssType: number): boolean {
    const total = appendFcs ? len + FCS_LEN : len;
    const bufSize = this.bufSize;
    if (this.head === this.tail) this.refreshTail();
    let avail = this.tail - this.head;
    if (avail < 0) avail += this.count;
    const need = total <= bufSize ? 1 : Math.ceil(total / bufSize);
    if (avail < need) return false;
    if (appendFcs) {
      const c = crc32(src, off, len);
      const s = this.crcScratch;
      s[0] = c;
      s[1] = c >>> 8;
      s[2] = c >>> 16;
      s[3] = c >>> 24;
    }
    const dma = this.dma;
    if ((Atomics.load(dma.command, 0) & PCI_COMMAND_MASTER) === 0) {
      dma.faults.busMasterOff++;
      return true; // the frame is lost inside the NIC
    }
    const u8 = dma.u8;
    const u32 = dma.u32;
    let done = 0;
    for (let i = 0; i < need; i++) {
      // Without an IOMMU filter the ring's bounds cannot change while it is enabled: checked once.
      const d = this.ringInRange ? this.baseLo + this.head * 16 : dma.target(this.baseLo + this.head * 16, this.baseHi, 16, true);
      if (d < 0) {
        // Descriptor fetch failed: nothing can be reported to the driver; drop the frame.
        this.dmaErrors++;
        return true;
      }
      const w = d >>> 2;
      const chunk = total - done < bufSize ? total - done : bufSize;
      const lo = u32[w]!;
      const b = !dma.filtered && u32[w + 1] === 0 && lo + chunk <= dma.size ? lo : dma.target(lo, u32[w + 1]!, chunk, true);
      let error = 0;
      if (b < 0) {
        this.dmaErrors++;
        error = RX_DESC_ERROR_RXE;
      } else {
        const dataEnd = done + chunk < len ? done + chunk : len;
        if (dataEnd > done) this.copier.copy(u8, u32, b, src, off + done, dataEnd - done);
        for (let k = dataEnd > done ? dataEnd : done; k < done + chunk; k++) u8[b + k - done] = this.crcScratch[k - len]!;
      }
      const last = i === need - 1;
      const status = RX_DESC_STATUS_DD | (last ? RX_DESC_STATUS_EOP : 0);
      if (this.legacy) {
        // Legacy write-back: length @8, checksum @10, status @12, errors @13, vlan @14.
        u32[w + 2] = chunk;
        u32[w + 3] = status | (error !== 0 ? 0x8000 : 0);
      } else {
        u32[w] = rssType; // pkt_info: RSS type; packet type and header info are not classified
        u32[w + 1] = hash;
        u32[w + 3] = chunk;
        u32[w + 2] = status | error; // written last: DD publishes the descriptor
      }
      done += chunk;
      this.head = this.head + 1 === this.count ? 0 : this.head + 1;
    }
    this.regs[this.rdhWord] = this.head;
    return true;
  }
}
