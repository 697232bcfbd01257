// Optional service-time model: a fixed latency per command plus a ceiling on commands per
// second, so the modeled SSD can behave like a particular drive instead of like memory. Commands
// execute when fetched; their completions wait here until they are due.

export interface ServiceModelOptions {
  /** Time from fetch to completion for reads, in nanoseconds. */
  readLatencyNs: number;
  /** Same for writes and flushes. */
  writeLatencyNs: number;
  /** Maximum commands completed per second (0 = unlimited). */
  iops: number;
}

/** Shaped like the Intel DC P3700 RedLeaf measured: about 450K 4 KB random reads per second. */
export const P3700_SERVICE: ServiceModelOptions = { readLatencyNs: 20_000, writeLatencyNs: 20_000, iops: 450_000 };

export type Clock = () => number;

export const defaultClock: Clock = () => performance.now() * 1e6;

/** Completions waiting for their due time, in due order. */
export class CompletionSchedule {
  private capacity = 1024;
  private due = new Float64Array(this.capacity);
  /** Packed fields: cq id, sq id, sq head, cid, status, dw0. */
  private fields = new Int32Array(this.capacity * 6);
  private first = 0;
  private n = 0;
  private lastStart = -Infinity;
  private readonly interval: number;

  constructor(readonly options: ServiceModelOptions, private readonly clock: Clock) {
    this.interval = options.iops > 0 ? 1e9 / options.iops : 0;
  }

  get length(): number {
    return this.n;
  }

  /** When a command fetched now completes. */
  dueTime(isRead: boolean): number {
    const now = this.clock();
    const start = Math.max(now, this.lastStart + this.interval);
    this.lastStart = start;
    return start + (isRead ? this.options.readLatencyNs : this.options.writeLatencyNs);
  }

  push(due: number, cqId: number, sqId: number, sqHead: number, cid: number, status: number, dw0: number): void {
    if (this.n === this.capacity) this.grow();
    const i = (this.first + this.n) % this.capacity;
    // Latency is the same for every command of a kind, but reads and writes differ: keep the
    // queue sorted by inserting from the back.
    let j = i;
    while (j !== this.first && this.due[(j - 1 + this.capacity) % this.capacity]! > due) {
      const p = (j - 1 + this.capacity) % this.capacity;
      this.due[j] = this.due[p]!;
      this.fields.copyWithin(j * 6, p * 6, p * 6 + 6);
      j = p;
    }
    this.due[j] = due;
    const f = this.fields;
    f[j * 6] = cqId;
    f[j * 6 + 1] = sqId;
    f[j * 6 + 2] = sqHead;
    f[j * 6 + 3] = cid;
    f[j * 6 + 4] = status;
    f[j * 6 + 5] = dw0;
    this.n++;
  }

  private grow(): void {
    const due = new Float64Array(this.capacity * 2);
    const fields = new Int32Array(this.capacity * 12);
    for (let k = 0; k < this.n; k++) {
      const i = (this.first + k) % this.capacity;
      due[k] = this.due[i]!;
      fields.set(this.fields.subarray(i * 6, i * 6 + 6), k * 6);
    }
    this.due = due;
    this.fields = fields;
    this.first = 0;
    this.capacity *= 2;
  }

  /** Calls `post` for every completion that is due; returns how many. */
  drain(post: (cqId: number, sqId: number, sqHead: number, cid: number, status: number, dw0: number) => void): number {
    if (this.n === 0) return 0;
    const now = this.clock();
    let done = 0;
    const f = this.fields;
    while (this.n > 0 && this.due[this.first]! <= now) {
      const b = this.first * 6;
      post(f[b]!, f[b + 1]!, f[b + 2]!, f[b + 3]!, f[b + 4]!, f[b + 5]!);
      this.first = (this.first + 1) % this.capacity;
      this.n--;
      done++;
    }
    return done;
  }

  clear(): void {
    this.first = 0;
    this.n = 0;
    this.lastStart = -Infinity;
  }
}
