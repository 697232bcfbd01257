// Layouts the system's interfaces move between domains.
import { array, rref, struct, u8, u16, u32, i32, u64, bool } from '../lib/index.ts';
import type { Infer } from '../lib/index.ts';

/** A 4 KiB disk block; allocated page aligned, so an NVMe PRP can point straight at it. */
export const Block = array(u8, 4096);
export type Block = Infer<typeof Block>;

/** One block request: the block moves with it, so data reaches the device without a copy. */
export const BlockRequest = struct({
  /** Logical block number, in 4 KiB blocks. */
  block: u64,
  /** Caller's tag, returned unchanged with the completion. */
  tag: u32,
  /** 0 on success, a negative errno-style code once completed with an error. */
  status: i32,
  write: bool,
  data: rref(Block),
});
export type BlockRequest = Infer<typeof BlockRequest>;

/** Bytes of a packet buffer available for the frame (a 2 KiB allocation with its length word). */
export const PACKET_DATA = 2046;

/** A packet buffer: the NIC writes the frame into `data` and the driver sets `len`. */
export const PacketBuffer = struct({ len: u16, data: array(u8, PACKET_DATA) });
export type PacketBuffer = Infer<typeof PacketBuffer>;

/** Batch size of the driver interfaces, as upstream. */
export const BATCH = 32;

/** A counter cell (the kernel's test domains pass it around). */
export const Cell = struct({ value: u32 });
export type Cell = Infer<typeof Cell>;
