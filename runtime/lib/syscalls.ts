// The syscall capability: what the kernel offers every domain, handed to its create function.
// Domains have no timers, no console and no clock of their own (their realms have none); they
// ask the kernel, which attributes every request to the domain.

export interface HeapStats {
  /** Shared-heap objects the domain owns (roots and everything nested in them). */
  readonly objects: number;
  readonly bytes: number;
}

/**
 * A device the kernel gave this domain instance (of a kind whose capabilities `mmio:<kind>` and
 * `dma:<kind>` its domain.json declares): its BAR0 registers, and device addresses of the
 * domain's own shared-heap objects.
 */
export interface Device {
  readonly name: string;
  /** BAR0 size in bytes. */
  readonly size: number;
  read32(offset: number): number;
  write32(offset: number, value: number): void;
  /**
   * The device address of an object this domain owns, which the device may then read and write
   * by DMA (needs `dma:<name>`). The grant ends when the domain dies.
   */
  dmaAddress(object: DmaTarget): number;
}

/** What can be handed to a device: any shared-heap handle the domain owns. */
export interface DmaTarget {
  readonly byteLength: number;
}

export interface Syscalls {
  /** Writes a line of text to the domain's console. */
  print(text: string): void;
  /** Monotonic time in milliseconds (fractional). */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /** Lets every other runnable task run once, then resolves. */
  yield(): Promise<void>;
  /**
   * Starts a thread: a kernel-managed task running `entry` in this domain. Returns its id. A
   * throw or rejection escaping `entry` crashes the domain.
   */
  spawn(name: string, entry: () => Promise<void> | void): number;
  /**
   * Shadows only (the `restart` capability): re-creates the domain this shadow stands in front
   * of, if it died, with the arguments it was first created with. The interface reference the
   * shadow was created with then reaches the new instance. Throws when it cannot.
   */
  restart(): void;
  /** This domain's id. */
  domainId(): number;
  /** What this domain holds in the shared heap. */
  heapStats(): HeapStats;
  /** A device the kernel gave this instance (by name), of a kind the domain declared. */
  device(name: string): Device;
}
