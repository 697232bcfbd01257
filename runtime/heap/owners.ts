// Owner values in the registry. Domain ids are positive; the sentinels are negative so that no
// domain id can ever be mistaken for them (upstream RedLeaf used 0 for both the kernel and
// "owned by a parent object"; here each has its own value, and 0 is never a valid owner).

/** The registry slot is not allocated. */
export const FREE = -1;
/** Owned by the kernel (device rings, objects of a domain being created). */
export const KERNEL = -2;
/** Nested inside another shared-heap object; freed with it. */
export const PARENT = -3;

export const MIN_DOMAIN_ID = 1;

export function ownerName(owner: number): string {
  switch (owner) {
    case FREE: return 'FREE';
    case KERNEL: return 'KERNEL';
    case PARENT: return 'PARENT';
    default: return `domain ${owner}`;
  }
}
