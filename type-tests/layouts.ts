// Layouts shared by the type-level tests (type-checked only, never run).
import { u8, u16, u32, u64, i64, f64, bool, array, struct, rref, optionalRref } from './index.js';
import type { Infer } from './index.js';

export const Hdr = struct({ src: u32, dst: u32 });
export type Hdr = Infer<typeof Hdr>;

export const Payload = array(u8, 64);
export type Payload = Infer<typeof Payload>;

/** Every kind of field: scalars of each value type, a nested struct, an array, a required and an optional nested RRef. */
export const Packet = struct({
  len: u16,
  seq: u64,
  delta: i64,
  ratio: f64,
  ok: bool,
  hdr: Hdr,
  data: array(u8, 16),
  body: rref(Payload),
  next: optionalRref(Hdr),
});
export type Packet = Infer<typeof Packet>;

/** A struct nested two deep, to exercise dotted paths. */
export const Frame = struct({ id: u32, outer: struct({ inner: struct({ flag: bool, stamp: u64 }), words: array(u16, 4) }), link: optionalRref(Packet) });
export type Frame = Infer<typeof Frame>;
