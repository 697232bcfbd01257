// libpcap capture files (the classic format tcpdump, tshark and Wireshark read): a 24-byte global
// header, then per frame a 16-byte record header and the bytes. Frames are Ethernet (link type
// 1) without FCS. Writing is buffered and synchronous, so it works on a device thread too.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { FrameReceiver, FrameSink, FrameSource } from './frames.ts';

const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;
const BUFFER_BYTES = 1 << 16;

export class PcapWriter implements FrameSink {
  private fd: number;
  private readonly buf = new Uint8Array(BUFFER_BYTES);
  private readonly view = new DataView(this.buf.buffer);
  private used = 0;
  frames = 0;

  /** `clock` returns nanoseconds since the epoch (tests pass a fixed one for stable files). */
  constructor(readonly path: string, private readonly clock: () => number = () => Date.now() * 1e6) {
    this.fd = openSync(path, 'w');
    const v = this.view;
    v.setUint32(0, MAGIC_USEC, true);
    v.setUint16(4, 2, true); // version 2.4
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true); // GMT offset
    v.setUint32(12, 0, true); // timestamp accuracy
    v.setUint32(16, SNAPLEN, true);
    v.setUint32(20, LINKTYPE_ETHERNET, true);
    this.used = 24;
  }

  transmit(src: Uint8Array, off: number, len: number): void {
    if (this.fd < 0) return;
    const caplen = Math.min(len, SNAPLEN);
    if (this.used + 16 + caplen > BUFFER_BYTES) this.flush();
    const ns = this.clock();
    const sec = Math.floor(ns / 1e9);
    const v = this.view;
    v.setUint32(this.used, sec >>> 0, true);
    v.setUint32(this.used + 4, Math.floor((ns - sec * 1e9) / 1000), true);
    v.setUint32(this.used + 8, caplen, true);
    v.setUint32(this.used + 12, len, true);
    this.used += 16;
    if (caplen > BUFFER_BYTES - this.used) {
      this.flush();
      writeSync(this.fd, src, off, caplen);
    } else {
      this.buf.set(src.subarray(off, off + caplen), this.used);
      this.used += caplen;
    }
    this.frames++;
  }

  flush(): void {
    if (this.fd < 0 || this.used === 0) return;
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

export interface PcapRecord {
  /** Nanoseconds since the epoch. */
  timestampNs: number;
  /** Length on the wire (may exceed the captured bytes). */
  originalLength: number;
  data: Uint8Array;
}

/** Parses a classic pcap file (either byte order, microsecond or nanosecond timestamps). */
export function readPcap(path: string): PcapRecord[] {
  const file = readFileSync(path);
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24) throw new Error(`${path}: not a pcap file (too short)`);
  let little = true;
  let magic = v.getUint32(0, true);
  if (magic !== MAGIC_USEC && magic !== MAGIC_NSEC) {
    magic = v.getUint32(0, false);
    little = false;
  }
  if (magic !== MAGIC_USEC && magic !== MAGIC_NSEC) throw new Error(`${path}: not a pcap file (bad magic)`);
  const fraction = magic === MAGIC_NSEC ? 1 : 1000;
  const linktype = v.getUint32(20, little);
  if (linktype !== LINKTYPE_ETHERNET) throw new Error(`${path}: link type ${linktype} is not Ethernet`);
  const out: PcapRecord[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const sec = v.getUint32(at, little), frac = v.getUint32(at + 4, little);
    const incl = v.getUint32(at + 8, little), orig = v.getUint32(at + 12, little);
    at += 16;
    if (at + incl > bytes.length) break; // truncated last record
    out.push({ timestampNs: sec * 1e9 + frac * fraction, originalLength: orig, data: bytes.slice(at, at + incl) });
    at += incl;
  }
  return out;
}

/** Feeds the frames of a capture file into a port's receiver, once or in a loop. */
export class PcapReplay implements FrameSource {
  private readonly frames: Uint8Array[];
  private next = 0;
  replayed = 0;
  constructor(path: string, private readonly loop = false) {
    this.frames = readPcap(path).map((r) => r.data);
  }
  pump(rx: FrameReceiver, budget: number): number {
    let n = 0;
    while (n < budget && this.frames.length > 0 && rx.room() > 0) {
      if (this.next === this.frames.length) {
        if (!this.loop) break;
        this.next = 0;
      }
      const f = this.frames[this.next++]!;
      rx.receive(f, 0, f.length);
      n++;
    }
    this.replayed += n;
    return n;
  }
}

/** Passes frames on to `inner` and records them in `capture` (a tap on the wire). */
export class TapSink implements FrameSink {
  constructor(private readonly inner: FrameSink | undefined, private readonly capture: PcapWriter) {}
  transmit(src: Uint8Array, off: number, len: number): void {
    this.capture.transmit(src, off, len);
    this.inner?.transmit(src, off, len);
  }
}

/** Records frames a source delivers to the port (the receive direction of a tap). */
export class TapSource implements FrameSource, FrameReceiver {
  private rx: FrameReceiver | undefined;
  constructor(private readonly inner: FrameSource, private readonly capture: PcapWriter) {}
  get timed(): boolean {
    return this.inner.timed === true;
  }
  pump(rx: FrameReceiver, budget: number): number {
    this.rx = rx;
    return this.inner.pump(this, budget);
  }
  room(): number {
    return this.rx?.room() ?? 0;
  }
  receive(src: Uint8Array, off: number, len: number): boolean {
    const ok = this.rx?.receive(src, off, len) ?? false;
    if (ok) this.capture.transmit(src, off, len);
    return ok;
  }
}
