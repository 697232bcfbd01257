// The console device (xv6's console.c): output goes straight to the host's terminal; input is
// read from it by one outstanding request at a time into a buffer that readers take from, so
// a reader that is killed while it waits loses no input.
import type { Borrowed, RRef } from '../../runtime/lib/index.ts';
import { RRef as Ref } from '../../runtime/lib/index.ts';
import type { Console } from '../../runtime/idl/rv6.ts';
import { Block } from '../../runtime/idl/layouts.ts';
import { EINTR, EIO } from '../../runtime/idl/errno.ts';
import { WaitQueue } from './wait.ts';
import type { Proc } from './proc.ts';

export class ConsoleDevice {
  readonly #host: Console;
  #input: number[] = [];
  /** The host reported end of input; the next reader gets 0 bytes, once. */
  #eof = false;
  #reading = false;
  #failed = false;
  readonly #arrived = new WaitQueue();

  constructor(host: Console) {
    this.#host = host;
  }

  write(n: number, data: Borrowed<RRef<Block>>): number {
    const r = this.#host.write(data, n);
    return r.ok ? r.value : -EIO;
  }

  /** Waits until input (or its end) is there; -EINTR when `p` was killed. */
  async readable(p: Proc): Promise<number> {
    while (this.#input.length === 0 && !this.#eof) {
      if (p.killed) return -EINTR;
      if (this.#failed) return -EIO;
      if (!this.#reading) this.#fill();
      await p.interruptible(this.#arrived.wait());
    }
    return p.killed ? -EINTR : 0;
  }

  /** Copies up to `n` bytes of input into `data`; 0 at end of input. */
  take(n: number, data: Borrowed<RRef<Block>>): number {
    if (this.#input.length === 0) {
      this.#eof = false;
      return 0;
    }
    const count = Math.min(n, this.#input.length);
    const taken = this.#input.slice(0, count);
    this.#input = this.#input.slice(count);
    data.withBytes((b) => {
      for (let i = 0; i < count; i++) b[i] = taken[i] ?? 0;
    });
    return count;
  }

  /** Starts one read of the host's terminal. */
  #fill(): void {
    this.#reading = true;
    void this.#host.read(4096, Ref.new(Block)).then((r) => {
      this.#reading = false;
      if (!r.ok) this.#failed = true;
      else {
        const { n, data } = r.value;
        const bytes = data.withBytes((b) => b.slice(0, n));
        data.drop();
        if (n === 0) this.#eof = true;
        for (const byte of bytes) this.#input.push(byte);
      }
      this.#arrived.wakeAll();
    });
  }
}
