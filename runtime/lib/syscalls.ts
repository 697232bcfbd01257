// The syscall capability: what the kernel offers every domain, handed to its create function.
// Domains have no timers, no console and no clock of their own (their realms have none); they
// ask the kernel, which attributes every request to the domain.

export interface HeapStats {
  /** Shared-heap objects the domain owns (roots and everything nested in them). */
  readonly objects: number;
  readonly bytes: number;
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
  /** This domain's id. */
  domainId(): number;
  /** What this domain holds in the shared heap. */
  heapStats(): HeapStats;
}
