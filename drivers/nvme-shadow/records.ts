// What the shadow remembers of each request between handing it to the driver and seeing it
// complete. A request's tag is replaced by its record's slot while the shadow has it (callers'
// tags need not be unique) and restored on completion.
import { RRef } from '../../runtime/lib/index.ts';
import type { Borrowed } from '../../runtime/lib/index.ts';
import { Block, BlockRequest } from '../../runtime/idl/layouts.ts';

export class Records {
  #callerTag: number[] = [];
  #block: bigint[] = [];
  #write: boolean[] = [];
  /** For a write, a copy of its data: the original dies with the driver if it crashes. */
  #copy: (RRef<Block> | undefined)[] = [];
  /** Whether the driver has the request (true) or the shadow does (false). */
  #held: boolean[] = [];
  #live: boolean[] = [];
  /** Admission order, so replays go out in the order requests came in. */
  #seq: number[] = [];
  #next = 0;
  #free: number[] = [];
  #spare: RRef<Block>[] = [];

  /** Records a request from the caller (undefined passes through). */
  admit(req: RRef<BlockRequest> | undefined): RRef<BlockRequest> | undefined {
    if (req === undefined) return undefined;
    const slot = this.#free.pop() ?? this.#live.length;
    const write = req.get('write');
    this.#callerTag[slot] = req.get('tag');
    this.#block[slot] = req.get('block');
    this.#write[slot] = write;
    this.#held[slot] = false;
    this.#live[slot] = true;
    this.#seq[slot] = this.#next++;
    let copy: RRef<Block> | undefined;
    if (write) {
      copy = this.#spare.pop() ?? RRef.new(Block);
      const into = copy;
      req.borrowField('data', (data) => {
        if (data !== undefined) into.copyFrom(data);
      });
    }
    this.#copy[slot] = copy;
    req.set('tag', slot);
    return req;
  }

  held(req: RRef<BlockRequest>): RRef<BlockRequest> {
    this.#held[this.#slot(req)] = true;
    return req;
  }

  unheld(req: RRef<BlockRequest>): RRef<BlockRequest> {
    this.#held[this.#slot(req)] = false;
    return req;
  }

  /** Forgets a completed request and gives it its caller's tag back. */
  complete(req: Borrowed<RRef<BlockRequest>>): void {
    const slot = this.#slot(req);
    req.set('tag', this.#callerTag[slot] ?? 0);
    const copy = this.#copy[slot];
    if (copy !== undefined) this.#spare.push(copy);
    this.#copy[slot] = undefined;
    this.#live[slot] = false;
    this.#free.push(slot);
  }

  /** New requests standing for every one the driver held, in admission order; all now the shadow's. */
  rebuildHeld(): RRef<BlockRequest>[] {
    const slots: number[] = [];
    for (let s = 0; s < this.#live.length; s++) if (this.#live[s] === true && this.#held[s] === true) slots.push(s);
    slots.sort((a, b) => (this.#seq[a] ?? 0) - (this.#seq[b] ?? 0));
    return slots.map((s) => {
      this.#held[s] = false;
      const data = RRef.new(Block);
      const copy = this.#copy[s];
      if (copy !== undefined) data.copyFrom(copy);
      return RRef.new(BlockRequest, { block: this.#block[s] ?? 0n, tag: s, status: 0, write: this.#write[s] === true, data });
    });
  }

  #slot(req: Borrowed<RRef<BlockRequest>>): number {
    const slot = req.get('tag');
    if (this.#live[slot] !== true) throw new Error(`nvme-shadow: the driver returned a request the shadow never gave it (tag ${slot})`);
    return slot;
  }
}
