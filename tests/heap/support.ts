// Shared set-up for the heap suites: a small heap and several simulated domains in one realm.
import { SharedHeap } from '../../runtime/heap/index.ts';
import { enterDomain, viewsOf, portFor, detach, attach, identify, lend, endBorrow } from '../../runtime/lib/internal.ts';
import type { HeapViews } from '../../runtime/lib/internal.ts';
import type { Handle } from '../../runtime/lib/index.ts';

export interface World {
  heap: SharedHeap;
  domains: Map<number, HeapViews>;
  /** Makes `id` the current domain (what RRef.new allocates for). */
  as(id: number): HeapViews;
  /** What the kernel's proxy does to move an RRef argument from one domain to another. */
  move<H extends Handle>(h: H, from: number, to: number): H;
  /** What the proxy does for a borrowed argument; returns the callee's handle and the release. */
  borrow<H extends Handle>(h: H, owner: number, to: number): { handle: H; release: () => void };
}

export function world(options: { size?: number; maxObjects?: number } = {}): World {
  const heap = new SharedHeap({ size: options.size ?? 4 * 1024 * 1024, maxObjects: options.maxObjects ?? 4096 });
  const domains = new Map<number, HeapViews>();
  const views = (id: number): HeapViews => {
    let v = domains.get(id);
    if (!v) domains.set(id, (v = viewsOf(portFor(heap, id))));
    return v;
  };
  return {
    heap,
    domains,
    as(id) {
      const v = views(id);
      enterDomain(v);
      return v;
    },
    move(h, from, to) {
      const { slot, kind } = detach(h, (s, gen) => heap.move(s, gen, from, to));
      return attach(views(to), kind, slot);
    },
    borrow(h, owner, to) {
      const { slot, gen, kind } = identify(h);
      heap.borrow(owner, slot, gen);
      const handle = lend<typeof h>(views(to), kind, slot);
      return {
        handle,
        release: () => {
          endBorrow(handle);
          heap.unborrow(slot, gen);
        },
      };
    },
  };
}
