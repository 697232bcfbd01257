// PCI: a bus of functions, each with a type-0 configuration header. The header lives in a
// SharedArrayBuffer so a device running on a worker thread sees the command register (memory
// space enable, bus master enable) the host writes.

export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_REVISION = 0x08;
export const PCI_PROG_IF = 0x09;
export const PCI_SUBCLASS = 0x0a;
export const PCI_CLASS = 0x0b;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BAR0 = 0x10;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_CAPABILITIES = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;

export const PCI_COMMAND_IO = 0x1;
export const PCI_COMMAND_MEMORY = 0x2;
export const PCI_COMMAND_MASTER = 0x4;
/** Command bits a driver may change; the rest read as zero. */
const COMMAND_WRITABLE = 0x0001 | 0x0002 | 0x0004 | 0x0040 | 0x0100 | 0x0400;

export const CONFIG_SPACE_SIZE = 256;

export interface BarSpec {
  /** Size in bytes, a power of two of at least 16. */
  size: number;
  /** A 64-bit memory BAR takes two BAR slots. */
  is64: boolean;
  prefetchable?: boolean;
}

export interface PciFunctionSpec {
  vendorId: number;
  deviceId: number;
  /** Class code: base class, subclass, programming interface. */
  classCode: [number, number, number];
  revision?: number;
  subsystemVendorId?: number;
  subsystemId?: number;
  bars: BarSpec[];
  interruptPin?: number;
}

/** One PCI function (one 82599 port, one NVMe controller). */
export class PciFunction {
  readonly config: SharedArrayBuffer;
  /** Word 1 of the header (command in the low half), for DMA checks on any thread. */
  readonly commandWord: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly barSizes: number[] = [];

  constructor(readonly spec: PciFunctionSpec, config?: SharedArrayBuffer) {
    this.config = config ?? new SharedArrayBuffer(CONFIG_SPACE_SIZE);
    this.bytes = new Uint8Array(this.config);
    this.view = new DataView(this.config);
    this.commandWord = new Int32Array(this.config, PCI_COMMAND, 1);
    let slot = 0;
    for (const bar of spec.bars) {
      this.barSizes[slot] = bar.size;
      if (bar.is64) this.barSizes[slot + 1] = -1; // high half of a 64-bit BAR
      slot += bar.is64 ? 2 : 1;
    }
    if (config === undefined) this.reset();
  }

  /** Power-on values of the header. BAR addresses are cleared; the driver (or firmware) assigns them. */
  reset(): void {
    const s = this.spec;
    this.bytes.fill(0);
    this.view.setUint16(PCI_VENDOR_ID, s.vendorId, true);
    this.view.setUint16(PCI_DEVICE_ID, s.deviceId, true);
    this.view.setUint16(PCI_STATUS, 0x0010, true); // capabilities list present
    this.bytes[PCI_REVISION] = s.revision ?? 1;
    this.bytes[PCI_PROG_IF] = s.classCode[2];
    this.bytes[PCI_SUBCLASS] = s.classCode[1];
    this.bytes[PCI_CLASS] = s.classCode[0];
    this.view.setUint16(PCI_SUBSYSTEM_VENDOR_ID, s.subsystemVendorId ?? s.vendorId, true);
    this.view.setUint16(PCI_SUBSYSTEM_ID, s.subsystemId ?? 0, true);
    this.bytes[PCI_INTERRUPT_PIN] = s.interruptPin ?? 1;
    let slot = 0;
    for (const bar of s.bars) {
      this.view.setUint32(PCI_BAR0 + 4 * slot, this.barTypeBits(bar), true);
      slot += bar.is64 ? 2 : 1;
    }
  }

  private barTypeBits(bar: BarSpec): number {
    return (bar.is64 ? 0x4 : 0) | (bar.prefetchable ? 0x8 : 0);
  }

  read8(offset: number): number {
    return offset >= 0 && offset < CONFIG_SPACE_SIZE ? (this.bytes[offset] ?? 0) : 0xff;
  }
  read16(offset: number): number {
    if (offset < 0 || offset + 2 > CONFIG_SPACE_SIZE || (offset & 1) !== 0) return 0xffff;
    return this.view.getUint16(offset, true);
  }
  read32(offset: number): number {
    if (offset < 0 || offset + 4 > CONFIG_SPACE_SIZE || (offset & 3) !== 0) return 0xffffffff;
    if (offset === PCI_COMMAND) return (Atomics.load(this.commandWord, 0) >>> 0);
    return this.view.getUint32(offset, true);
  }

  /** Config writes touch only the writable fields: command, BARs, interrupt line. */
  write32(offset: number, value: number): void {
    if (offset < 0 || offset + 4 > CONFIG_SPACE_SIZE || (offset & 3) !== 0) return;
    value >>>= 0;
    if (offset === PCI_COMMAND) {
      // The status half is write-one-to-clear; we keep no error bits, so only the command changes.
      const status = this.view.getUint16(PCI_STATUS, true);
      Atomics.store(this.commandWord, 0, ((status << 16) | (value & COMMAND_WRITABLE)) | 0);
      return;
    }
    if (offset >= PCI_BAR0 && offset < PCI_BAR0 + 24) {
      this.writeBar((offset - PCI_BAR0) >> 2, value);
      return;
    }
    if (offset === PCI_INTERRUPT_LINE) this.bytes[PCI_INTERRUPT_LINE] = value & 0xff;
  }
  write16(offset: number, value: number): void {
    if ((offset & 1) !== 0) return;
    const base = offset & ~3;
    const shift = (offset & 2) * 8;
    const old = this.read32(base);
    this.write32(base, (old & ~(0xffff << shift)) | ((value & 0xffff) << shift));
  }

  private writeBar(slot: number, value: number): void {
    const size = this.barSizes[slot];
    const at = PCI_BAR0 + 4 * slot;
    if (size === undefined) return; // unimplemented BAR reads as zero
    if (size === -1) {
      // High dword of a 64-bit BAR: all bits writable (sizing reads back all ones).
      this.view.setUint32(at, value, true);
      return;
    }
    const typeBits = this.view.getUint32(at, true) & 0xf;
    // Address bits below the size are hard-wired to zero: that is how sizing works.
    this.view.setUint32(at, ((value & ~(size - 1) & ~0xf) | typeBits) >>> 0, true);
  }

  /** Address the host assigned to BAR `index` (64-bit aware). */
  barAddress(index: number): number {
    const lo = this.view.getUint32(PCI_BAR0 + 4 * index, true);
    const hi = this.barSizes[index + 1] === -1 ? this.view.getUint32(PCI_BAR0 + 4 * (index + 1), true) : 0;
    return hi * 2 ** 32 + ((lo & ~0xf) >>> 0);
  }
  barSize(index: number): number {
    return this.barSizes[index] ?? 0;
  }

  vendorId(): number {
    return this.read16(PCI_VENDOR_ID);
  }
  deviceId(): number {
    return this.read16(PCI_DEVICE_ID);
  }
  memoryEnabled(): boolean {
    return (Atomics.load(this.commandWord, 0) & PCI_COMMAND_MEMORY) !== 0;
  }
  busMasterEnabled(): boolean {
    return (Atomics.load(this.commandWord, 0) & PCI_COMMAND_MASTER) !== 0;
  }
}

export interface PciAddress {
  bus: number;
  device: number;
  function: number;
}

export function formatPciAddress(a: PciAddress): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `${h(a.bus, 2)}:${h(a.device, 2)}.${a.function}`;
}

/** A PCI bus: functions at bus:device.function; empty slots read all ones, like a real bus. */
export class PciBus {
  private readonly slots = new Map<string, { address: PciAddress; fn: PciFunction }>();

  attach(fn: PciFunction, address: PciAddress): void {
    const key = formatPciAddress(address);
    if (this.slots.has(key)) throw new Error(`PCI slot ${key} is taken`);
    this.slots.set(key, { address: { ...address }, fn });
  }

  /** Next free device number on bus 0, function 0. */
  attachNext(fn: PciFunction): PciAddress {
    for (let device = 0; device < 32; device++) {
      const address = { bus: 0, device, function: 0 };
      if (!this.slots.has(formatPciAddress(address))) {
        this.attach(fn, address);
        return address;
      }
    }
    throw new Error('PCI bus 0 is full');
  }

  function(address: PciAddress): PciFunction | undefined {
    return this.slots.get(formatPciAddress(address))?.fn;
  }

  configRead32(address: PciAddress, offset: number): number {
    const fn = this.function(address);
    return fn ? fn.read32(offset) : 0xffffffff;
  }
  configWrite32(address: PciAddress, offset: number, value: number): void {
    this.function(address)?.write32(offset, value);
  }

  /** Probes every bus:device.function the way firmware does: a vendor id of 0xFFFF means empty. */
  enumerate(): { address: PciAddress; vendorId: number; deviceId: number; classCode: number }[] {
    const found: { address: PciAddress; vendorId: number; deviceId: number; classCode: number }[] = [];
    const sorted = [...this.slots.values()].sort(
      (a, b) => a.address.bus - b.address.bus || a.address.device - b.address.device || a.address.function - b.address.function,
    );
    for (const { address } of sorted) {
      const id = this.configRead32(address, PCI_VENDOR_ID);
      if ((id & 0xffff) === 0xffff) continue;
      found.push({ address, vendorId: id & 0xffff, deviceId: id >>> 16, classCode: this.configRead32(address, PCI_REVISION) >>> 8 });
    }
    return found;
  }

  find(vendorId: number, deviceId: number): PciAddress[] {
    return this.enumerate().filter((f) => f.vendorId === vendorId && f.deviceId === deviceId).map((f) => f.address);
  }
}
