// MoonGen's role on the modeled wire: a generator that offers sequence-numbered UDP frames to a
// port's receiver (as fast as the port takes them, or at a fixed rate like a real 10G link), and
// a sink that counts what the port transmits and checks the sequence numbers. Counters live in
// shared memory so the host can read them while the wire runs on a device thread.
import { buildUdpFrame, readSeq, SEQ_OFFSET, writeSeq } from './frames.ts';
import type { FrameReceiver, FrameSink, FrameSource, UdpFrameOptions } from './frames.ts';

const GENERATED = 0, OFFERED_DROPPED = 1, SINK_FRAMES = 2, SINK_BYTES = 3, SINK_LOST = 4, SINK_REORDERED = 5, SINK_NO_SEQ = 6;
const SLOTS = 8;

/** Line rate of 64-byte frames on 10 GbE: 10^10 / ((64 + 20) * 8). */
export const LINE_RATE_64B_PPS = 14_880_952;

/** Host view of a traffic wire's counters. */
export class TrafficCounters {
  readonly values: Float64Array;
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * 8)) {
    this.values = new Float64Array(buffer);
  }
  /** Frames the generator offered to the port. */
  get generated(): number { return this.values[GENERATED]!; }
  /** Offered frames the port dropped (no descriptor): the generator's view of MPC. */
  get dropped(): number { return this.values[OFFERED_DROPPED]!; }
  /** Frames the port transmitted into the sink. */
  get received(): number { return this.values[SINK_FRAMES]!; }
  get receivedBytes(): number { return this.values[SINK_BYTES]!; }
  /** Sequence numbers skipped (frames lost between generator stamps and the sink). */
  get lost(): number { return this.values[SINK_LOST]!; }
  /** Frames that arrived with a sequence number lower than expected. */
  get reordered(): number { return this.values[SINK_REORDERED]!; }
  /** Frames too short to carry a sequence number. */
  get unnumbered(): number { return this.values[SINK_NO_SEQ]!; }
  reset(): void {
    this.values.fill(0);
  }
}

export interface GeneratorOptions {
  frame?: UdpFrameOptions;
  /** Frames per second; 0 or absent offers frames only while the port has descriptors. */
  ratePps?: number;
  /** Stop after this many frames. */
  count?: number;
  /** First sequence number. */
  firstSeq?: number;
}

export class TrafficGenerator implements FrameSource {
  private readonly template: Uint8Array;
  private seq: number;
  private sent = 0;
  private start = -1;
  private readonly counters: Float64Array;

  constructor(counters: TrafficCounters | SharedArrayBuffer, private readonly options: GeneratorOptions = {}, private readonly clock: () => number = () => performance.now() * 1e6) {
    this.counters = counters instanceof TrafficCounters ? counters.values : new Float64Array(counters);
    this.template = buildUdpFrame(options.frame);
    this.seq = options.firstSeq ?? 0;
  }

  get timed(): boolean {
    return (this.options.ratePps ?? 0) > 0;
  }

  pump(rx: FrameReceiver, budget: number): number {
    let n = budget;
    const limit = this.options.count;
    if (limit !== undefined && limit - this.sent < n) n = limit - this.sent;
    if (n <= 0) return 0;
    const rate = this.options.ratePps ?? 0;
    const t = this.template;
    const c = this.counters;
    let i = 0;
    if (rate > 0) {
      // A link at a fixed rate: frames arrive whether or not the port has room for them.
      const now = this.clock();
      if (this.start < 0) this.start = now;
      const due = Math.floor(((now - this.start) * rate) / 1e9) - this.sent;
      if (due < n) n = due;
      for (; i < n; i++) {
        writeSeq(t, 0, this.seq++);
        if (!rx.receive(t, 0, t.length)) c[OFFERED_DROPPED]!++;
      }
    } else {
      const room = rx.room();
      if (room < n) n = room;
      const len = t.length;
      for (; i < n; i++) {
        writeSeq(t, 0, this.seq++);
        rx.receive(t, 0, len);
      }
    }
    this.sent += i;
    c[GENERATED]! += i;
    return i;
  }
}

export class TrafficSink implements FrameSink {
  private expected = -1;
  private readonly counters: Float64Array;
  constructor(counters: TrafficCounters | SharedArrayBuffer) {
    this.counters = counters instanceof TrafficCounters ? counters.values : new Float64Array(counters);
  }
  transmit(src: Uint8Array, off: number, len: number): void {
    const c = this.counters;
    c[SINK_FRAMES]!++;
    c[SINK_BYTES]! += len;
    if (len < SEQ_OFFSET + 4) {
      c[SINK_NO_SEQ]!++;
      return;
    }
    const seq = readSeq(src, off);
    const e = this.expected;
    if (e >= 0 && seq < e) {
      c[SINK_REORDERED]!++; // late frame: keep expecting the next new one
      return;
    }
    if (e >= 0 && seq > e) c[SINK_LOST]! += seq - e;
    this.expected = seq + 1;
  }
}
