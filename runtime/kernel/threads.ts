// Threads: kernel-managed tasks. A domain starts one through its syscall capability; the kernel
// runs its entry on a fresh turn of the event loop with the frame's current thread and current
// domain set, and a throw or a rejection escaping the entry crashes the domain (not the kernel).
// A thread's current domain follows it across synchronous calls (each dispatcher switches it);
// after an await, its continuation runs in the realm that awaited.
import type { Frame } from './gate.ts';
import { describe } from './faults.ts';

export type ThreadState = 'ready' | 'running' | 'waiting' | 'done' | 'killed';

export interface ThreadInfo {
  readonly id: number;
  readonly domain: number;
  readonly name: string;
  readonly state: ThreadState;
}

interface ThreadRecord {
  readonly id: number;
  readonly domain: number;
  readonly name: string;
  state: ThreadState;
}

const promiseThen = Promise.prototype.then;

export class Threads {
  readonly #threads = new Map<number, ThreadRecord>();
  #next = 1;

  constructor(private readonly frame: Frame, private readonly crash: (domain: number, reason: string) => void) {}

  spawn(domain: number, name: string, entry: () => unknown, track: (t: NodeJS.Immediate) => void, untrack: (t: NodeJS.Immediate) => void): number {
    const t: ThreadRecord = { id: this.#next++, domain, name, state: 'ready' };
    this.#threads.set(t.id, t);
    const tick = setImmediate(() => {
      untrack(tick);
      if (t.state !== 'ready') return;
      this.#run(t, entry);
    });
    track(tick);
    return t.id;
  }

  #run(t: ThreadRecord, entry: () => unknown): void {
    const f = this.frame;
    const prevThread = f.thread, prevDomain = f.cur;
    f.thread = t.id;
    f.cur = t.domain;
    t.state = 'running';
    let result: unknown;
    try {
      result = entry();
    } catch (e) {
      t.state = 'done';
      this.crash(t.domain, `thread '${t.name}' threw: ${describe(e)}`);
      return;
    } finally {
      f.thread = prevThread;
      f.cur = prevDomain;
    }
    if (t.state !== 'running') return;
    t.state = 'waiting';
    try {
      // The host's then on the realm's promise: nothing the domain replaced is called.
      Reflect.apply(promiseThen, result, [
        () => { if (t.state === 'waiting') t.state = 'done'; },
        (e: unknown) => {
          if (t.state !== 'waiting') return;
          t.state = 'done';
          this.crash(t.domain, `thread '${t.name}' rejected: ${describe(e)}`);
        },
      ]);
    } catch {
      t.state = 'done'; // a synchronous entry (no promise): finished
    }
  }

  /** Wakes a waiting task of `domain` (a sleep or yield ended). */
  resume(domain: number, done: () => void): void {
    const f = this.frame;
    const prev = f.cur;
    f.cur = domain;
    try { done(); } catch { /* resolving a promise does not throw */ } finally { f.cur = prev; }
  }

  /** Ends every thread of a domain that crashed. */
  endAll(domain: number): void {
    for (const [id, t] of this.#threads) {
      if (t.domain !== domain) continue;
      if (t.state !== 'done') t.state = 'killed';
      this.#threads.delete(id);
    }
  }

  list(): ThreadInfo[] {
    return [...this.#threads.values()].map((t) => Object.freeze({ id: t.id, domain: t.domain, name: t.name, state: t.state }));
  }

  /** The running thread and its current domain (0 and the kernel outside any thread). */
  current(): { thread: number; domain: number } {
    return { thread: this.frame.thread, domain: this.frame.cur };
  }
}
