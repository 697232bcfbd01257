// Sleep and wakeup (xv6's sleep/wakeup on a channel): a process waits on a queue until another
// wakes every waiter, then checks its condition again. Only the waiting process blocks.

export class WaitQueue {
  #waiters: (() => void)[] = [];

  /** Resolves at the next wakeAll. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiters.push(resolve);
    });
  }

  wakeAll(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const resolve of w) resolve();
  }
}
