// DMA from the devices' side. Device addresses are byte offsets into one SharedArrayBuffer (the
// shared heap). A DMA that falls outside the buffer, that an IOMMU-style filter refuses, or that
// a device attempts while the host has bus mastering off is dropped and counted, the way a PCIe
// master abort or an IOMMU fault would be: the host never sees an exception.
import type { PciFunction } from './pci.ts';

/** The memory the devices may reach by DMA: the shared heap. */
export interface DmaMemory {
  readonly buffer: SharedArrayBuffer;
  /**
   * IOMMU-style filter: return false to refuse a DMA of `len` bytes at `addr`. Runs on the
   * device's thread; the threaded engine accepts only a {@link DmaPageFilter} here, because a
   * plain function cannot cross to a worker.
   */
  check?(addr: number, len: number, write: boolean): boolean;
  /** The page filter behind `check`, when there is one: this form can cross to a worker. */
  readonly pageFilter?: DmaPageFilter;
}

/** DMA memory filtered by `filter` (usable by both engines). */
export function filteredDma(buffer: SharedArrayBuffer, filter: DmaPageFilter): DmaMemory {
  return { buffer, pageFilter: filter, check: (addr, len, write) => filter.check(addr, len, write) };
}

const PAGE_SHIFT = 12;

/**
 * A page-granular DMA permission table kept in shared memory, so the kernel (on the host thread)
 * can grant and revoke pages while a device on a worker thread consults the same table. Two bits
 * per 4 KB page: device may read, device may write.
 */
export class DmaPageFilter {
  readonly table: Uint8Array;
  constructor(readonly state: SharedArrayBuffer) {
    this.table = new Uint8Array(state);
  }
  /** A filter for `memory` that refuses everything until pages are allowed. */
  static forBuffer(buffer: SharedArrayBuffer): DmaPageFilter {
    return new DmaPageFilter(new SharedArrayBuffer(Math.ceil(buffer.byteLength / (1 << PAGE_SHIFT))));
  }
  allow(addr: number, len: number, access: { read?: boolean; write?: boolean } = { read: true, write: true }): void {
    const bits = (access.read === false ? 0 : 1) | (access.write === false ? 0 : 2);
    this.forPages(addr, len, (p) => Atomics.store(this.table, p, bits));
  }
  revoke(addr: number, len: number): void {
    this.forPages(addr, len, (p) => Atomics.store(this.table, p, 0));
  }
  check(addr: number, len: number, write: boolean): boolean {
    const need = write ? 2 : 1;
    const last = (addr + len - 1) >>> PAGE_SHIFT;
    for (let p = addr >>> PAGE_SHIFT; p <= last; p++) {
      if (((this.table[p] ?? 0) & need) === 0) return false;
    }
    return true;
  }
  private forPages(addr: number, len: number, f: (page: number) => void): void {
    if (len <= 0) return;
    const last = Math.min((addr + len - 1) >>> PAGE_SHIFT, this.table.length - 1);
    for (let p = addr >>> PAGE_SHIFT; p <= last; p++) f(p);
  }
}

/** Why a DMA was dropped; counted per device. */
export interface DmaFaultCounts {
  /** Address beyond the DMA memory, or a 64-bit address with a non-zero high dword. */
  outOfRange: number;
  /** Refused by the IOMMU-style filter. */
  refused: number;
  /** Attempted while the PCI command register had bus mastering disabled. */
  busMasterOff: number;
}

/**
 * A device's window on DMA memory. Every access is first validated with {@link DmaPort.addr},
 * which returns the byte offset or -1 (after counting the fault); hot paths then use the typed
 * views directly.
 */
export class DmaPort {
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly size: number;
  readonly faults: DmaFaultCounts = { outOfRange: 0, refused: 0, busMasterOff: 0 };
  private readonly filter: ((addr: number, len: number, write: boolean) => boolean) | undefined;
  /** True when an IOMMU-style filter must see every access (hot paths then skip their shortcut). */
  readonly filtered: boolean;
  /** The function's PCI command word (bit 2: bus master enable), for inlined checks. */
  readonly command: Int32Array;

  constructor(memory: DmaMemory, pci: PciFunction) {
    this.u8 = new Uint8Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer, 0, memory.buffer.byteLength >>> 2);
    this.i32 = new Int32Array(memory.buffer, 0, memory.buffer.byteLength >>> 2);
    this.size = memory.buffer.byteLength;
    const check = memory.check;
    this.filter = check ? check.bind(memory) : undefined;
    this.filtered = check !== undefined;
    this.command = pci.commandWord;
  }

  /** True while the host lets this function master the bus (PCI command bit 2). */
  busMaster(): boolean {
    return (Atomics.load(this.command, 0) & 0x4) !== 0;
  }

  /**
   * Validates a DMA of `len` bytes at the 64-bit address (lo, hi). Returns the byte offset into
   * the DMA memory, or -1 when the access is dropped (and counted).
   */
  addr(lo: number, hi: number, len: number, write: boolean): number {
    if ((Atomics.load(this.command, 0) & 0x4) === 0) {
      this.faults.busMasterOff++;
      return -1;
    }
    return this.target(lo, hi, len, write);
  }

  /**
   * Like {@link addr} without the bus-master check, for hot loops that checked
   * {@link mastering} once per batch (a batch is one instant for the device).
   */
  target(lo: number, hi: number, len: number, write: boolean): number {
    const a = lo >>> 0;
    if (hi !== 0 || a + len > this.size || len < 0) {
      this.faults.outOfRange++;
      return -1;
    }
    if (this.filter !== undefined && !this.filter(a, len, write)) {
      this.faults.refused++;
      return -1;
    }
    return a;
  }

  /** The test {@link target} makes, without counting a fault: for choosing a fast path. */
  allows(lo: number, hi: number, len: number, write: boolean): boolean {
    const a = lo >>> 0;
    return hi === 0 && len >= 0 && a + len <= this.size && (this.filter === undefined || this.filter(a, len, write));
  }

  /** True when bus mastering is on; otherwise counts one dropped DMA and returns false. */
  mastering(): boolean {
    if ((Atomics.load(this.command, 0) & 0x4) !== 0) return true;
    this.faults.busMasterOff++;
    return false;
  }
}
