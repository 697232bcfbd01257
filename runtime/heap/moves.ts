// Ownership changes that need nothing but the shared columns: moving a root to another owner,
// and counting borrows. The kernel's SharedHeap and the call glue inside every domain realm run
// this same code over their own views of the same memory, so a proxy moves an RRef argument
// without leaving its realm. Errors are created by the caller's copy of HeapError, in its realm.

import { HeapError } from './errors.ts';
import { FREE, ownerName } from './owners.ts';
import { rowOf } from './accounts.ts';

/** The registry and account columns these operations touch. */
export interface OwnershipColumns {
  readonly owner: Int32Array;
  readonly borrows: Int32Array;
  readonly gen: Uint32Array;
  readonly treeObjects: Uint32Array;
  readonly treeBytes: Uint32Array;
  readonly acctObjects: Float64Array;
  readonly acctBytes: Float64Array;
  readonly acctQuota: Float64Array;
  readonly acctOpen: Float64Array;
}

export function checkRoot(c: OwnershipColumns, owner: number, slot: number, gen: number, what: string): void {
  if (!(slot > 0 && slot < c.owner.length)) throw new HeapError('BAD_HANDLE', `cannot ${what} slot ${slot}: no such slot`);
  if (c.gen[slot] !== gen) {
    if (c.owner[slot] === FREE && what === 'free') throw new HeapError('DOUBLE_FREE', `double free of slot ${slot}`);
    throw new HeapError('USE_AFTER_FREE', `cannot ${what} slot ${slot}: the handle is stale (the object was moved or freed)`);
  }
  if (c.owner[slot] !== owner) {
    throw new HeapError('NOT_OWNER', `cannot ${what} slot ${slot}: it belongs to ${ownerName(c.owner[slot]!)}, not ${ownerName(owner)}`);
  }
}

/**
 * Moves root (slot, gen) from `from` to `to` with everything nested in it, in O(1): the root's
 * subtree totals move between the two accounts. Returns the new generation (old handles go stale).
 */
export function moveRoot(c: OwnershipColumns, slot: number, gen: number, from: number, to: number): number {
  checkRoot(c, from, slot, gen, 'move');
  if (c.borrows[slot] !== 0) throw new HeapError('BORROWED', `cannot move slot ${slot}: it is borrowed`);
  const src = rowOf(from), dst = rowOf(to);
  if (dst < 0 || c.acctOpen[dst] !== 1) throw new HeapError('BAD_OWNER', `cannot move slot ${slot} to ${ownerName(to)}: it is not running`);
  const bytes = c.treeBytes[slot]!, objects = c.treeObjects[slot]!;
  if (c.acctBytes[dst]! + bytes > c.acctQuota[dst]!) {
    throw new HeapError('QUOTA_EXCEEDED', `${ownerName(to)} would exceed its shared-heap quota receiving ${bytes} bytes`);
  }
  c.acctObjects[src] = c.acctObjects[src]! - objects;
  c.acctBytes[src] = c.acctBytes[src]! - bytes;
  c.owner[slot] = to;
  c.acctObjects[dst] = c.acctObjects[dst]! + objects;
  c.acctBytes[dst] = c.acctBytes[dst]! + bytes;
  return (c.gen[slot] = (c.gen[slot]! + 1) >>> 0);
}

/** Counts a borrow of a root; it cannot move or be freed until {@link unborrowRoot}. */
export function borrowRoot(c: OwnershipColumns, owner: number, slot: number, gen: number): void {
  checkRoot(c, owner, slot, gen, 'borrow');
  c.borrows[slot] = c.borrows[slot]! + 1;
}

/** Ends a borrow; nothing to do when the object died meanwhile (its owner crashed and was reclaimed). */
export function unborrowRoot(c: OwnershipColumns, slot: number, gen: number): void {
  if (c.gen[slot] !== gen || c.owner[slot] === FREE) return;
  if (c.borrows[slot]! <= 0) throw new HeapError('NOT_BORROWED', `slot ${slot} is not borrowed`);
  c.borrows[slot] = c.borrows[slot]! - 1;
}
