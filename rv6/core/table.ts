// The process table (xv6's proc.c): spawn, the end of a process (exit, crash or kill), wait
// and kill. A process's program runs in its own domain; core awaits its main, and whatever way
// it ends, releases the process's descriptors and directory and has the loader end the domain.
import type { Syscalls } from '../../runtime/lib/index.ts';
import type { FileSystem } from '../../runtime/idl/fs.ts';
import type { Loader, Program, Rv6, RvWait } from '../../runtime/idl/rv6.ts';
import { ANY_CHILD, CRASHED, EXITED, KILLED, NPROC } from '../../runtime/idl/rv6.ts';
import { EAGAIN, ECHILD, EIO, ENOEXEC, ESRCH } from '../../runtime/idl/errno.ts';
import { readProgram } from './exec.ts';
import { fileClose } from './file.ts';
import type { Devices, File } from './file.ts';
import { Proc } from './proc.ts';
import { WaitQueue } from './wait.ts';

const waited = (errno: number, pid = 0, status = -1, how = ''): RvWait => ({ errno, pid, status, how });

export class ProcTable {
  readonly procs = new Map<number, Proc>();
  readonly dev: Devices;
  readonly #sys: Syscalls;
  readonly #fs: FileSystem;
  readonly #loader: Loader;
  #nextPid = 1;
  /** Woken whenever a process ends. */
  readonly ended = new WaitQueue();
  /** Makes the system calls of a process (syscall.ts). */
  syscallsOf: (p: Proc) => Rv6 = () => {
    throw new Error('core: no system calls');
  };

  constructor(sys: Syscalls, fs: FileSystem, loader: Loader, dev: Devices) {
    this.#sys = sys;
    this.#fs = fs;
    this.#loader = loader;
    this.dev = dev;
  }

  /**
   * Starts `path` as a child of `parent` (0: none) in directory `cwd`, with `files` as its
   * descriptors 0, 1, 2 (each gains a reference). Returns the pid, or -errno.
   */
  async spawn(parent: number, cwd: number, path: string, argv: string, files: readonly (File | undefined)[]): Promise<number> {
    if (this.procs.size >= NPROC) return -EAGAIN;
    const image = await readProgram(this.#fs, cwd, path);
    if (image.bytes === undefined) return -image.errno;
    const dir = await this.#fs.dup(cwd);
    if (!dir.ok || dir.value.errno !== 0) {
      image.bytes.drop();
      return -EIO;
    }
    const pid = this.#nextPid++;
    const p = new Proc(pid, parent, path, dir.value.ref);
    files.forEach((f, fd) => {
      if (f === undefined) return;
      f.refs++;
      p.fds[fd] = f;
    });
    this.procs.set(pid, p);
    const loaded = this.#loader.load(image.bytes, this.syscallsOf(p));
    if (!loaded.ok || loaded.value.errno !== 0) {
      this.#sys.print(`core: cannot run ${path}: ${loaded.ok ? loaded.value.message : loaded.error.message}`);
      await this.#release(p);
      this.procs.delete(pid);
      return -ENOEXEC;
    }
    p.handle = loaded.value.handle;
    const program = this.#loader.program(p.handle);
    if (!program.ok) {
      await this.#release(p);
      this.procs.delete(pid);
      return -EIO;
    }
    void this.#run(p, program.value, argv);
    return pid;
  }

  /** Runs the program's main to its end, then ends the process. */
  async #run(p: Proc, program: Program, argv: string): Promise<void> {
    const r = await program.main(argv);
    if (p.killed) this.#ended(p, KILLED, -1);
    else if (!r.ok) this.#ended(p, CRASHED, -1);
    else this.#ended(p, EXITED, r.value);
    await this.#release(p);
    p.state = 'zombie';
    // Its children are orphans: nobody will wait for them (xv6 gives them to init).
    for (const c of this.procs.values()) {
      if (c.parent !== p.pid) continue;
      c.parent = 0;
      if (c.state === 'zombie') this.procs.delete(c.pid);
    }
    const parent = this.procs.get(p.parent);
    if (parent === undefined || parent.state === 'zombie') this.procs.delete(p.pid);
    else parent.childEnded.wakeAll();
    this.ended.wakeAll();
  }

  #ended(p: Proc, how: string, status: number): void {
    p.how = how;
    p.status = status;
    if (p.handle >= 0) {
      const r = this.#loader.end(p.handle, how);
      if (!r.ok) this.#sys.print(`core: the loader failed to end pid ${p.pid}`);
      p.handle = -1;
    }
  }

  /** Closes every descriptor and the directory. */
  async #release(p: Proc): Promise<void> {
    for (let fd = 0; fd < p.fds.length; fd++) {
      const f = p.fds[fd];
      p.fds[fd] = undefined;
      if (f !== undefined) await fileClose(this.dev, f);
    }
    if (p.cwd >= 0) {
      const r = await this.#fs.close(p.cwd);
      if (!r.ok) this.#sys.print('core: the file system failed');
      p.cwd = -1;
    }
  }

  /** Waits for child `pid` (ANY_CHILD: any) of `p` to end, and reaps it. */
  async wait(p: Proc, pid: number): Promise<RvWait> {
    for (;;) {
      let children = 0;
      for (const c of this.procs.values()) {
        if (c.parent !== p.pid || (pid !== ANY_CHILD && c.pid !== pid)) continue;
        children++;
        if (c.state !== 'zombie') continue;
        this.procs.delete(c.pid);
        return waited(0, c.pid, c.status, c.how);
      }
      if (children === 0 || p.killed) return waited(ECHILD);
      await p.interruptible(p.childEnded.wait());
    }
  }

  /** Ends process `pid`: its program domain is terminated, so its main returns an error. */
  async kill(pid: number): Promise<number> {
    const p = this.procs.get(pid);
    if (p === undefined || p.state === 'zombie') return -ESRCH;
    if (p.killed) return 0;
    p.markKilled();
    // Let a process that kills itself leave its call first: its domain is not on the stack then.
    await this.#sys.yield();
    if (p.handle >= 0) {
      const r = this.#loader.end(p.handle, KILLED);
      if (!r.ok) return -EIO;
      p.handle = -1;
    }
    return 0;
  }

  /** Kills every process (halt). */
  async killAll(): Promise<void> {
    for (const p of [...this.procs.values()]) if (p.state !== 'zombie') await this.kill(p.pid);
  }
}
