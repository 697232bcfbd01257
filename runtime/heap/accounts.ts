// Owner accounts: objects and bytes each owner holds, and its quota, in a SharedArrayBuffer.
// They live in shared memory (like the registry) so that the trusted glue inside every domain
// realm can move an RRef to another domain without calling into the kernel: a cross-domain call
// then crosses realms exactly once (docs/design.md, "The call path").
//
// Row 0 is the kernel's; a domain's row is its id. The kernel opens a row when it creates a
// domain and closes it when the domain is reclaimed: nothing can be moved to a closed row, so a
// crashed domain cannot be handed objects that would outlive its reclamation.

import { KERNEL, MIN_DOMAIN_ID } from './owners.ts';
import { detachedFromHost } from './buffer.ts';

/** Domain ids are below this (the kernel recycles the ids of reclaimed domains). */
export const MAX_DOMAINS = 1 << 16;

const COLUMNS = 4;

export class Accounts {
  readonly buffer: SharedArrayBuffer;
  /** Objects held (roots and everything nested in them). */
  readonly objects: Float64Array;
  readonly bytes: Float64Array;
  /** Byte limit; Infinity when there is none. */
  readonly quota: Float64Array;
  /** 1 while the row may hold objects and receive moves. */
  readonly open: Float64Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? detachedFromHost(new SharedArrayBuffer(MAX_DOMAINS * 8 * COLUMNS));
    if (this.buffer.byteLength !== MAX_DOMAINS * 8 * COLUMNS) throw new RangeError('accounts buffer has the wrong size');
    const column = (i: number): Float64Array => new Float64Array(this.buffer, i * MAX_DOMAINS * 8, MAX_DOMAINS);
    this.objects = column(0);
    this.bytes = column(1);
    this.quota = column(2);
    this.open = column(3);
  }
}

/** The account row of `owner`, or -1 when it cannot own root objects (FREE, PARENT, bad ids). */
export function rowOf(owner: number): number {
  if (owner === KERNEL) return 0;
  return owner >= MIN_DOMAIN_ID && owner < MAX_DOMAINS && Math.floor(owner) === owner ? owner : -1;
}
