// Physical Region Page lists (NVMe 1.4, 4.3). PRP1 may start anywhere dword aligned inside a
// page; the rest of the transfer is whole pages named by PRP2 directly (if one page remains) or
// by a PRP list at PRP2, whose last entry chains to the next list page when more are needed.
import type { DmaPort } from '../dma.ts';
import { genericError, SC_DATA_TRANSFER_ERROR, SC_PRP_OFFSET_INVALID } from './registers.ts';

/**
 * The segments of one transfer, validated against DMA memory. Reused for every command so the
 * I/O path does not allocate.
 */
export class PrpWalk {
  readonly addr: Float64Array;
  readonly len: Float64Array;
  count = 0;

  constructor(maxSegments: number) {
    this.addr = new Float64Array(maxSegments);
    this.len = new Float64Array(maxSegments);
  }

  /**
   * Resolves a transfer of `length` bytes. `write` says whether the device will write the
   * memory (a read command). Returns 0 or an NVMe status field.
   */
  resolve(dma: DmaPort, prp1Lo: number, prp1Hi: number, prp2Lo: number, prp2Hi: number, length: number, pageSize: number, write: boolean): number {
    this.count = 0;
    if ((prp1Lo & 3) !== 0) return genericError(SC_PRP_OFFSET_INVALID);
    const mask = pageSize - 1;
    const first = Math.min(length, pageSize - ((prp1Lo >>> 0) & mask));
    if (!this.push(dma, prp1Lo, prp1Hi, first, write)) return genericError(SC_DATA_TRANSFER_ERROR);
    let remaining = length - first;
    if (remaining === 0) return 0;
    if (remaining <= pageSize) {
      if (((prp2Lo >>> 0) & mask) !== 0) return genericError(SC_PRP_OFFSET_INVALID);
      return this.push(dma, prp2Lo, prp2Hi, remaining, write) ? 0 : genericError(SC_DATA_TRANSFER_ERROR);
    }
    // PRP2 points at a list; its own offset need only be qword aligned.
    if ((prp2Lo & 7) !== 0) return genericError(SC_PRP_OFFSET_INVALID);
    let listLo = prp2Lo >>> 0, listHi = prp2Hi >>> 0;
    const u32 = dma.u32;
    while (remaining > 0) {
      const entriesInPage = (pageSize - (listLo & mask)) >>> 3;
      const list = dma.addr(listLo, listHi, entriesInPage * 8, false);
      if (list < 0) return genericError(SC_DATA_TRANSFER_ERROR);
      for (let e = 0; e < entriesInPage && remaining > 0; e++) {
        const lo = u32[(list >>> 2) + 2 * e]!, hi = u32[(list >>> 2) + 2 * e + 1]!;
        const lastSlot = e === entriesInPage - 1;
        if (lastSlot && remaining > pageSize) {
          // More pages than this list page holds: the last entry points at the next list page.
          if ((lo & mask) !== 0) return genericError(SC_PRP_OFFSET_INVALID);
          listLo = lo;
          listHi = hi;
          break;
        }
        if ((lo & mask) !== 0) return genericError(SC_PRP_OFFSET_INVALID);
        const n = Math.min(remaining, pageSize);
        if (!this.push(dma, lo, hi, n, write)) return genericError(SC_DATA_TRANSFER_ERROR);
        remaining -= n;
      }
    }
    return 0;
  }

  private push(dma: DmaPort, lo: number, hi: number, len: number, write: boolean): boolean {
    if (this.count === this.addr.length) return false;
    const a = dma.addr(lo, hi, len, write);
    if (a < 0) return false;
    this.addr[this.count] = a;
    this.len[this.count] = len;
    this.count++;
    return true;
  }
}
