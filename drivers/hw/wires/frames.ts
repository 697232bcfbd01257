// Ethernet frames on the modeled wire. Frames travel without their 4-byte FCS (as in pcap files
// and on a TAP device); a 60-byte frame on the wire is a 64-byte frame on the fibre.

/** Minimum frame length without FCS. */
export const MIN_FRAME = 60;
export const FCS_LEN = 4;

/** A wire end that accepts frames from a port's transmit side. */
export interface FrameSink {
  /** The frame is `len` bytes of `src` at `off`; the sink must copy what it keeps. */
  transmit(src: Uint8Array, off: number, len: number): void;
}

/** A port's receive side, as a wire sees it. */
export interface FrameReceiver {
  /** Offers a frame; false when the port dropped it (no descriptor, receiver off). */
  receive(src: Uint8Array, off: number, len: number): boolean;
  /**
   * How many frames offered now would find a descriptor (counted in descriptors, so a frame
   * larger than one receive buffer uses more than one). A hint: receive() still decides.
   */
  room(): number;
}

/** A wire end that produces frames for a port's receive side. */
export interface FrameSource {
  /** Offers up to `budget` frames to `rx`; returns how many it offered. */
  pump(rx: FrameReceiver, budget: number): number;
  /** True when frames become due with time rather than with free descriptors. */
  readonly timed?: boolean;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** IEEE 802.3 CRC-32 (the Ethernet FCS). */
export function crc32(buf: Uint8Array, off: number, len: number): number {
  let c = -1;
  for (let i = off; i < off + len; i++) c = (CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8));
  return (c ^ -1) >>> 0;
}

export interface UdpFrameOptions {
  srcMac?: readonly number[];
  dstMac?: readonly number[];
  srcIp?: readonly number[];
  dstIp?: readonly number[];
  srcPort?: number;
  dstPort?: number;
  /** Frame length without FCS (>= 60 with room for the payload's sequence number). */
  length?: number;
}

/**
 * Byte offset of the sequence number in frames built by {@link buildUdpFrame}: a little-endian
 * u32 two bytes into the UDP payload, so a 4-byte-aligned buffer can stamp it with one store.
 */
export const SEQ_OFFSET = 44;

function ipChecksum(b: Uint8Array, off: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len; i += 2) sum += (b[off + i]! << 8) | b[off + i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * An Ethernet/IPv4/UDP frame whose payload starts with a sequence number (MoonGen's load
 * generator does the same). The UDP checksum is 0 (allowed for IPv4), so stamping a new
 * sequence number needs no checksum update.
 */
export function buildUdpFrame(options: UdpFrameOptions = {}): Uint8Array {
  const len = Math.max(options.length ?? MIN_FRAME, SEQ_OFFSET + 4);
  const f = new Uint8Array(len);
  f.set(options.dstMac ?? [0x02, 0x00, 0x00, 0x00, 0x00, 0x02], 0);
  f.set(options.srcMac ?? [0x02, 0x00, 0x00, 0x00, 0x00, 0x01], 6);
  f[12] = 0x08; // IPv4
  f[13] = 0x00;
  const ipLen = len - 14;
  f[14] = 0x45;
  f[16] = ipLen >> 8;
  f[17] = ipLen & 0xff;
  f[22] = 64; // TTL
  f[23] = 17; // UDP
  f.set(options.srcIp ?? [10, 0, 0, 1], 26);
  f.set(options.dstIp ?? [10, 0, 0, 2], 30);
  const cs = ipChecksum(f, 14, 20);
  f[24] = cs >> 8;
  f[25] = cs & 0xff;
  const udpLen = ipLen - 20;
  // Ports in the dynamic range with no registered protocol, so Wireshark shows plain UDP
  // (5678, a common generator default, is MikroTik discovery and decodes as malformed).
  const sp = options.srcPort ?? 49152, dp = options.dstPort ?? 49153;
  f[34] = sp >> 8;
  f[35] = sp & 0xff;
  f[36] = dp >> 8;
  f[37] = dp & 0xff;
  f[38] = udpLen >> 8;
  f[39] = udpLen & 0xff;
  return f;
}

export function writeSeq(frame: Uint8Array, off: number, seq: number): void {
  frame[off + SEQ_OFFSET] = seq;
  frame[off + SEQ_OFFSET + 1] = seq >>> 8;
  frame[off + SEQ_OFFSET + 2] = seq >>> 16;
  frame[off + SEQ_OFFSET + 3] = seq >>> 24;
}

export function readSeq(frame: Uint8Array, off: number): number {
  const p = off + SEQ_OFFSET;
  return (frame[p]! | (frame[p + 1]! << 8) | (frame[p + 2]! << 16) | (frame[p + 3]! << 24)) >>> 0;
}
