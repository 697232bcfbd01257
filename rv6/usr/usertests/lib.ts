// usertests' helpers: the system calls as plain numbers (-errno on failure; a crashed core is a
// test failure), bytes in and out of Blocks, and the checks a test makes.
import { RRef } from '../../../runtime/lib/index.ts';
import type { RpcResult } from '../../../runtime/lib/index.ts';
import type { Rv6, RvStat, RvWait } from '../../../runtime/idl/rv6.ts';
import { EXITED, IO_MAX } from '../../../runtime/idl/rv6.ts';
import { O_RDONLY } from '../../../runtime/idl/fs.ts';
import { errnoName } from '../../../runtime/idl/errno.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { argvString, print } from '../../../runtime/idl/ulib.ts';

/** What a failed check throws: the test ends there and usertests fails. */
export class Failure extends Error {}

/** What a test throws for a known bug of rv6 it found: reported, but usertests still passes. */
export class KnownFailure extends Error {}

/** A number answer as text: the value, or the errno's name. */
export const shown = (r: number): string => (r < 0 ? errnoName(-r) : String(r));

/** ASCII text as bytes. */
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** `n` bytes of `byte`. */
export const fill = (n: number, byte: number): Uint8Array => new Uint8Array(n).fill(byte);

export class U {
  readonly rv6: Rv6;
  /** The path usertests was started from, to spawn itself as a helper. */
  readonly self: string;

  constructor(rv6: Rv6, self: string) {
    this.rv6 = rv6;
    this.self = self;
  }

  check(cond: boolean, what: string): void {
    if (!cond) throw new Failure(what);
  }

  /** A call's number, or a failure if core crashed. */
  num(r: RpcResult<number>, what: string): number {
    if (!r.ok) throw new Failure(`${what}: core failed: ${r.error.message}`);
    return r.value;
  }

  /** Checks that `r` is -errno. */
  fails(r: number, errno: number, what: string): void {
    if (r !== -errno) throw new Failure(`${what}: answered ${shown(r)}, expected ${errnoName(errno)}`);
  }

  /** Checks that `r` is not an error; returns it. */
  good(r: number, what: string): number {
    if (r < 0) throw new Failure(`${what}: ${shown(r)}`);
    return r;
  }

  async say(text: string): Promise<void> {
    await print(this.rv6, 1, text);
  }

  async open(path: string, flags: number): Promise<number> {
    return this.num(await this.rv6.open(path, flags), `open ${path}`);
  }

  /** Opens or fails. */
  async fd(path: string, flags: number): Promise<number> {
    return this.good(await this.open(path, flags), `open ${path}`);
  }

  async close(fd: number): Promise<void> {
    this.good(this.num(await this.rv6.close(fd), 'close'), `close ${fd}`);
  }

  unlink = async (path: string): Promise<number> => this.num(await this.rv6.unlink(path), `unlink ${path}`);
  mkdir = async (path: string): Promise<number> => this.num(await this.rv6.mkdir(path), `mkdir ${path}`);
  chdir = async (path: string): Promise<number> => this.num(await this.rv6.chdir(path), `chdir ${path}`);
  link = async (target: string, path: string): Promise<number> => this.num(await this.rv6.link(target, path), `link ${path}`);
  mknod = async (path: string, major: number, minor: number): Promise<number> => this.num(await this.rv6.mknod(path, major, minor), `mknod ${path}`);
  dup = async (fd: number): Promise<number> => this.num(await this.rv6.dup(fd), 'dup');
  seek = async (fd: number, off: number): Promise<number> => this.num(await this.rv6.seek(fd, off), 'seek');
  kill = async (pid: number): Promise<number> => this.num(await this.rv6.kill(pid), 'kill');
  sleep = async (ticks: number): Promise<number> => this.num(await this.rv6.sleep(ticks), 'sleep');

  /** Writes `bytes` (at most IO_MAX) in one call: the count, or -errno. */
  async write(fd: number, bytes: Uint8Array): Promise<number> {
    const buf = RRef.new(Block);
    buf.withBytes((b) => b.set(bytes));
    const r = await this.rv6.write(fd, bytes.length, buf);
    if (!r.ok) throw new Failure(`write: core failed: ${r.error.message}`);
    r.value.data.drop();
    return r.value.errno !== 0 ? -r.value.errno : r.value.n;
  }

  /** One read of up to `n` bytes: the bytes, or -errno. */
  async read(fd: number, n: number): Promise<Uint8Array | number> {
    const r = await this.rv6.read(fd, n, RRef.new(Block));
    if (!r.ok) throw new Failure(`read: core failed: ${r.error.message}`);
    const { errno, data } = r.value;
    const got = errno === 0 ? data.withBytes((b) => b.slice(0, r.value.n)) : -errno;
    data.drop();
    return got;
  }

  /** Writes all of `bytes`, a Block at a time, or fails. */
  async writeAll(fd: number, bytes: Uint8Array, what: string): Promise<void> {
    for (let at = 0; at < bytes.length; at += IO_MAX) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + IO_MAX));
      const n = await this.write(fd, part);
      if (n !== part.length) throw new Failure(`${what}: write answered ${shown(n)}, expected ${part.length}`);
    }
  }

  /** Everything left to read from `fd`, or fails. */
  async readAll(fd: number, what: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const got = await this.read(fd, IO_MAX);
      if (typeof got === 'number') throw new Failure(`${what}: read ${shown(got)}`);
      if (got.length === 0) break;
      parts.push(got);
      size += got.length;
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }

  /** Creates (or empties) `path` with `bytes`. */
  async writeFile(path: string, bytes: Uint8Array, flags: number): Promise<void> {
    const fd = await this.fd(path, flags);
    await this.writeAll(fd, bytes, path);
    await this.close(fd);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const fd = await this.fd(path, O_RDONLY);
    const all = await this.readAll(fd, path);
    await this.close(fd);
    return all;
  }

  async fstat(fd: number): Promise<RvStat> {
    const r = await this.rv6.fstat(fd);
    if (!r.ok) throw new Failure(`fstat: core failed: ${r.error.message}`);
    return r.value;
  }

  /** fstat of `path` (opened read-only), or undefined when it cannot be opened. */
  async stat(path: string): Promise<RvStat | undefined> {
    const fd = await this.open(path, O_RDONLY);
    if (fd < 0) return undefined;
    const st = await this.fstat(fd);
    await this.close(fd);
    return st;
  }

  /** Spawns usertests itself as helper `words` ('-child' first); the pid or -errno. */
  async child(words: readonly string[], stdin = -1, stdout = 1, stderr = 2): Promise<number> {
    const argv = argvString([this.self, '-child', ...words]);
    return this.num(await this.rv6.spawn(this.self, argv, stdin, stdout, stderr), 'spawn');
  }

  /** Spawns a helper or fails. */
  async mustChild(words: readonly string[], stdin = -1, stdout = 1, stderr = 2): Promise<number> {
    return this.good(await this.child(words, stdin, stdout, stderr), `spawn ${words.join(' ')}`);
  }

  async wait(pid: number): Promise<RvWait> {
    const r = await this.rv6.wait(pid);
    if (!r.ok) throw new Failure(`wait: core failed: ${r.error.message}`);
    return r.value;
  }

  /** Waits for `pid` and checks that it exited with status 0. */
  async reap(pid: number, what: string): Promise<void> {
    const w = await this.wait(pid);
    this.check(w.errno === 0 && w.pid === pid, `${what}: wait(${pid}) answered ${errnoName(w.errno)} pid ${w.pid}`);
    this.check(w.how === EXITED && w.status === 0, `${what}: child ${pid} ${w.how} with status ${w.status}`);
  }
}

/** A test: prints nothing itself; a failed check throws. */
export type Test = (u: U) => Promise<void>;

/** A helper process's work (usertests -child <name> args...): its exit status. */
export type Child = (u: U, args: readonly string[]) => Promise<number>;
