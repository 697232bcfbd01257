// Pipes (xv6's pipe.c): a ring of bytes in core's own memory. A reader waits while the pipe is
// empty and a writer is left; a writer waits while it is full and a reader is left.
import type { Borrowed, RRef } from '../../runtime/lib/index.ts';
import type { Block } from '../../runtime/idl/layouts.ts';
import { EINTR, EPIPE } from '../../runtime/idl/errno.ts';
import { WaitQueue } from './wait.ts';
import type { Proc } from './proc.ts';

export const PIPESIZE = 4096;

export class Pipe {
  readonly #ring = new Uint8Array(PIPESIZE);
  /** Bytes read and written so far (xv6's nread and nwrite). */
  #nread = 0;
  #nwrite = 0;
  readers = 1;
  writers = 1;
  readonly changed = new WaitQueue();

  /** Waits until there is data or no writer is left; -EINTR when `p` was killed. */
  async readable(p: Proc): Promise<number> {
    while (this.#nread === this.#nwrite && this.writers > 0) {
      if (p.killed) return -EINTR;
      await p.interruptible(this.changed.wait());
    }
    return p.killed ? -EINTR : 0;
  }

  /** Copies up to `n` waiting bytes into `data`; 0 at end (no writer left). */
  take(n: number, data: Borrowed<RRef<Block>>): number {
    const count = Math.min(n, this.#nwrite - this.#nread);
    const ring = this.#ring;
    const start = this.#nread;
    data.withBytes((b) => {
      for (let i = 0; i < count; i++) b[i] = ring[(start + i) % PIPESIZE] ?? 0;
    });
    this.#nread += count;
    this.changed.wakeAll();
    return count;
  }

  /** Copies `n` bytes in, waiting for room; -EPIPE when no reader is left. */
  async write(p: Proc, n: number, bytes: Uint8Array): Promise<number> {
    let done = 0;
    while (done < n) {
      if (this.readers === 0) return done > 0 ? done : -EPIPE;
      if (p.killed) return -EINTR;
      if (this.#nwrite - this.#nread === PIPESIZE) {
        this.changed.wakeAll();
        await p.interruptible(this.changed.wait());
        continue;
      }
      while (done < n && this.#nwrite - this.#nread < PIPESIZE) {
        this.#ring[this.#nwrite % PIPESIZE] = bytes[done] ?? 0;
        this.#nwrite++;
        done++;
      }
      this.changed.wakeAll();
    }
    return done;
  }

  /** One end closed. */
  close(writeEnd: boolean): void {
    if (writeEnd) this.writers--;
    else this.readers--;
    this.changed.wakeAll();
  }
}
