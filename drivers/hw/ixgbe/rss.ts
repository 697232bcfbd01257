// Receive-side scaling (datasheet 7.1.2.8): a Toeplitz hash of the IPv4 addresses (and UDP/TCP
// ports when MRQC enables them) indexes the 128-entry redirection table, which names the queue.
import { MRQC_RSS_FIELD_IPV4, MRQC_RSS_FIELD_IPV4_TCP, MRQC_RSS_FIELD_IPV4_UDP } from './registers.ts';

/** RSS type reported in the descriptor's pkt_info bits 3:0. */
export const RSS_TYPE_IPV4_TCP = 0x1;
export const RSS_TYPE_IPV4 = 0x2;
export const RSS_TYPE_IPV4_UDP = 0x7;

export class Rss {
  /** 40-byte secret key, byte 0 first. */
  readonly key = new Uint8Array(40);
  /** Queue per redirection table entry. */
  readonly table = new Uint8Array(128);
  fields = 0;
  /** Outputs of the last {@link classify}: hash and RSS type (0: not hashed). */
  hash = 0;
  type = 0;
  private readonly input = new Uint8Array(12);

  /** Hashes the frame if it is IPv4 with hashing enabled for its protocol; returns the queue. */
  classify(src: Uint8Array, off: number, len: number): number {
    this.hash = 0;
    this.type = 0;
    if (len < 34 || src[off + 12] !== 0x08 || src[off + 13] !== 0x00 || (src[off + 14]! & 0xf0) !== 0x40) return 0;
    const ihl = (src[off + 14]! & 0x0f) * 4;
    const proto = src[off + 23]!;
    const fragmented = ((src[off + 20]! & 0x3f) | src[off + 21]!) !== 0;
    const l4 = off + 14 + ihl;
    let n = 8;
    const inp = this.input;
    for (let i = 0; i < 8; i++) inp[i] = src[off + 26 + i]!; // source then destination address
    const ports = !fragmented && l4 + 4 <= off + len;
    if (ports && proto === 17 && (this.fields & MRQC_RSS_FIELD_IPV4_UDP) !== 0) this.type = RSS_TYPE_IPV4_UDP;
    else if (ports && proto === 6 && (this.fields & MRQC_RSS_FIELD_IPV4_TCP) !== 0) this.type = RSS_TYPE_IPV4_TCP;
    else if ((this.fields & MRQC_RSS_FIELD_IPV4) !== 0) this.type = RSS_TYPE_IPV4;
    else return 0;
    if (this.type !== RSS_TYPE_IPV4) {
      for (let i = 0; i < 4; i++) inp[8 + i] = src[l4 + i]!;
      n = 12;
    }
    this.hash = toeplitz(this.key, inp, n);
    return this.table[this.hash & 0x7f]!;
  }
}

/** The Toeplitz hash of `n` bytes of `input` under `key` (Microsoft RSS specification). */
export function toeplitz(key: Uint8Array, input: Uint8Array, n: number): number {
  let result = 0;
  // The 32-bit window of the key that lines up with the current input bit.
  let window = ((key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!) >>> 0;
  for (let i = 0; i < n; i++) {
    const byte = input[i]!;
    const nextKey = key[i + 4] ?? 0;
    for (let bit = 7; bit >= 0; bit--) {
      if ((byte >>> bit) & 1) result ^= window;
      window = ((window << 1) | ((nextKey >>> bit) & 1)) >>> 0;
    }
  }
  return result >>> 0;
}
