// The contract between a device model and the engines that run it. A model keeps its register
// file in a SharedArrayBuffer and says, per 32-bit register, whether an access has side effects.
// Registers without side effects are read and written straight in the shared file (that is what
// lets a driver on the host reach a device on a worker thread with no message on the hot path);
// the rest go through the model's handlers.
import type { DmaPort } from './dma.ts';
import type { PciFunction } from './pci.ts';

/** Plain storage: host reads and writes the register file directly. */
export const ACCESS_PLAIN = 0;
/** Reading has a side effect (clear-on-read, self-clearing bits, computed value). */
export const ACCESS_READ_HOOK = 1;
/** Writing has a side effect (reset, enable, read-only register, aliases). */
export const ACCESS_WRITE_HOOK = 2;
/** A doorbell: the write is stored directly and the device is told to look. */
export const ACCESS_DOORBELL = 4;

/** What a driver holds: 32-bit (and split 64-bit) access to one BAR. */
export interface Mmio {
  /** BAR size in bytes. */
  readonly size: number;
  read32(offset: number): number;
  write32(offset: number, value: number): void;
  /** Two dword reads, low first (as a 32-bit host would do it). */
  read64(offset: number): bigint;
  /** Two dword writes, low first. */
  write64(offset: number, value: bigint): void;
}

/** A modeled device as the engines see it. All methods run on the device's thread. */
export interface DeviceModel {
  readonly pci: PciFunction;
  readonly dma: DmaPort;
  /** The register file (little-endian dwords), shared with the host. */
  readonly regs: Int32Array;
  /** ACCESS_* bits per dword of `regs`. */
  readonly access: Uint8Array;
  mmioRead(word: number): number;
  mmioWrite(word: number, value: number): void;
  /** Does pending work (queues, wires). Returns how much was done; 0 means idle. */
  step(): number;
  /** Out-of-band operations that are not register accesses (power cut, counters). */
  control(op: number, arg: number): number;
  /** False while work is due that no doorbell will announce (timed completions, a paced generator). */
  idle?(): boolean;
  /** Flushes files and closes sockets. */
  close(): void;
}

/** Counts MMIO accesses a real device would ignore (misaligned, beyond the BAR). */
export interface MmioErrorCounts {
  misaligned: number;
  outOfRange: number;
  /** Accesses while PCI memory space was disabled (reads returned all ones). */
  memoryDisabled: number;
}

export function split64(value: bigint): [number, number] {
  const v = BigInt.asUintN(64, value);
  return [Number(v & 0xffffffffn), Number(v >> 32n)];
}

export function join64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/**
 * The shared buffers behind one device: register file, access-class table and PCI configuration
 * header. The threaded engine creates them on the host and the worker builds the model on them.
 */
export interface DeviceSharedState {
  regs: SharedArrayBuffer;
  access: SharedArrayBuffer;
  config: SharedArrayBuffer;
}
