// A process (xv6's struct proc): its pid, parent, descriptors, current directory, the program
// domain running it, and how it ended.
import { NOFILE, EXITED } from '../../runtime/idl/rv6.ts';
import type { File } from './file.ts';
import { WaitQueue } from './wait.ts';

export type ProcState = 'running' | 'zombie';

export class Proc {
  readonly pid: number;
  parent: number;
  readonly name: string;
  readonly fds: (File | undefined)[] = [];
  /** The file system's reference to the current directory. */
  cwd: number;
  /** The loader's handle of the program domain (-1 before it is loaded). */
  handle = -1;
  state: ProcState = 'running';
  killed = false;
  status = -1;
  how: string = EXITED;
  /** Woken when a child of this process ends. */
  readonly childEnded = new WaitQueue();
  readonly #killedSignal: Promise<void>;
  #signal: () => void = () => undefined;

  constructor(pid: number, parent: number, name: string, cwd: number) {
    this.pid = pid;
    this.parent = parent;
    this.name = name;
    this.cwd = cwd;
    for (let i = 0; i < NOFILE; i++) this.fds.push(undefined);
    this.#killedSignal = new Promise<void>((resolve) => {
      this.#signal = resolve;
    });
  }

  /** Waits for `event`, or until this process is killed. */
  interruptible(event: Promise<void>): Promise<void> {
    return Promise.race([event, this.#killedSignal]);
  }

  markKilled(): void {
    this.killed = true;
    this.#signal();
  }

  /** The lowest free descriptor, or -1. */
  freeFd(): number {
    return this.fds.indexOf(undefined);
  }
}
