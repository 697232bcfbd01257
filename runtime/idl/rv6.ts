// The rv6 system's interfaces: the system calls the core domain gives each process (Rv6), what a
// user program exports (Program), and the host services core is created with (Loader, Console).
//
// Like Linux's raw system calls, a call that answers with a number answers -errno on failure
// (errno.ts); records carry `errno` (0 on success). The RpcResult error channel only says that
// the callee crashed. File data moves in RRef<Block> buffers (4 KiB): read and write move the
// caller's buffer in and hand it back in the result, as the file system's calls do.
import type { RRef, RRefVec, RpcResult, Borrowed } from '../lib/index.ts';
import type { FileSystem } from './fs.ts';
import type { Block } from './layouts.ts';
import type { Net } from './net.ts';
import type { NvmeBDev } from './nvme.ts';

/** Milliseconds in a tick (xv6's timer interrupt): sleep and uptime count ticks. */
export const TICK_MS = 10;
/** Open files per process (xv6's NOFILE). */
export const NOFILE = 16;
/** Processes at once (xv6's NPROC). */
export const NPROC = 64;
/** Most bytes one read or write moves (a Block). */
export const IO_MAX = 4096;
/** The device number of the console (xv6's CONSOLE): a T_DEVICE inode with it reads and writes the terminal. */
export const CONSOLE_MAJOR = 1;
/** Separates the words of an argv string. */
export const ARGV_SEP = '\u0000';
/** wait's pid meaning any child. */
export const ANY_CHILD = -1;

/** How a process ended (RvWait.how). */
export const EXITED = 'exited';
export const CRASHED = 'crashed';
export const KILLED = 'killed';

/** The caller's buffer back, and how many bytes were read into it or written from it. */
export type RvData = {
  readonly errno: number;
  readonly n: number;
  readonly data: RRef<Block>;
};

/** A new pipe's descriptors. */
export type RvPipe = {
  readonly errno: number;
  readonly read: number;
  readonly write: number;
};

/** xv6's struct stat (the console reports T_DEVICE). */
export type RvStat = {
  readonly errno: number;
  readonly dev: number;
  readonly inum: number;
  readonly type: number;
  readonly nlink: number;
  readonly size: number;
};

/** A child that ended: its pid, how (EXITED, CRASHED, KILLED) and its exit status (-1 unless EXITED). */
export type RvWait = {
  readonly errno: number;
  readonly pid: number;
  readonly status: number;
  readonly how: string;
};

/**
 * The system calls of one process. Core hands each process its own reference, so it knows
 * who calls. Paths are resolved from the process's current directory.
 * @idl
 */
export interface Rv6 {
  /** Reads up to `n` (at most IO_MAX) bytes into `data` from its start; n 0 at end of file. EBADF. */
  read(fd: number, n: number, data: RRef<Block>): Promise<RpcResult<RvData>>;
  /** Writes the first `n` bytes of `data`; blocks while a pipe is full. EBADF, EPIPE (no reader). */
  write(fd: number, n: number, data: RRef<Block>): Promise<RpcResult<RvData>>;
  /** Opens a file (fs.ts's O_ flags); the lowest free descriptor. ENOENT, EISDIR, EMFILE... */
  open(path: string, flags: number): Promise<RpcResult<number>>;
  close(fd: number): Promise<RpcResult<number>>;
  /** A second descriptor for the same open file (the offset is shared). */
  dup(fd: number): Promise<RpcResult<number>>;
  pipe(): Promise<RpcResult<RvPipe>>;
  fstat(fd: number): Promise<RpcResult<RvStat>>;
  /** Sets a file's offset (from its start); returns it. ESPIPE for a pipe or the console. */
  seek(fd: number, offset: number): Promise<RpcResult<number>>;
  mkdir(path: string): Promise<RpcResult<number>>;
  mknod(path: string, major: number, minor: number): Promise<RpcResult<number>>;
  link(target: string, path: string): Promise<RpcResult<number>>;
  unlink(path: string): Promise<RpcResult<number>>;
  chdir(path: string): Promise<RpcResult<number>>;
  /**
   * Starts the program at `path` (a name without '/' is also looked for in '/') with `argv`
   * (words joined by ARGV_SEP). The child's descriptors 0, 1 and 2 share the caller's `stdin`,
   * `stdout` and `stderr` (-1: none). Returns the child's pid. ENOENT, ENOEXEC (not a signed
   * program), EAGAIN (too many processes), EBADF.
   */
  spawn(path: string, argv: string, stdin: number, stdout: number, stderr: number): Promise<RpcResult<number>>;
  /** Waits for the child `pid` (ANY_CHILD: any) to end and reaps it. ECHILD. */
  wait(pid: number): Promise<RpcResult<RvWait>>;
  /** Ends process `pid` (its program domain is terminated). ESRCH. */
  kill(pid: number): Promise<RpcResult<number>>;
  getpid(): Promise<RpcResult<number>>;
  /** Sleeps `ticks` ticks; -EINTR when the process was killed meanwhile. */
  sleep(ticks: number): Promise<RpcResult<number>>;
  /** Ticks since boot. */
  uptime(): Promise<RpcResult<number>>;
  /** Stops the machine: every process ends and the boot's run returns. */
  halt(): Promise<RpcResult<number>>;
  /**
   * The raw NVMe interface core was given (RedLeaf's rv6 passes driver interfaces through to
   * user domains): the caller then calls the driver (or its shadow) directly, not through core.
   * It is a controller of its own, not the one holding the file system.
   */
  nvme(): Promise<RpcResult<NvmeBDev>>;
  /** The raw network interface core was given (the NIC's driver, or its shadow). */
  net(): Promise<RpcResult<Net>>;
}

/**
 * A user program: `main` runs it with its argv (words joined by ARGV_SEP, argv[0] first) and
 * answers its exit status. A throw escaping it crashes the program's domain, not the system.
 * @idl
 */
export interface Program {
  main(argv: string): Promise<RpcResult<number>>;
}

/**
 * How a user program's domain is created: with its process's system calls.
 * @create
 */
export interface CreateProgram {
  create(rv6: Rv6): Program;
}

/** What the loader made of an artifact: a handle (errno 0), or why it refused it. */
export type Loaded = {
  readonly errno: number;
  readonly handle: number;
  readonly message: string;
};

/**
 * The host's program loader: the kernel verifies a signed artifact and loads it as a domain.
 * @idl
 */
export interface Loader {
  /**
   * Loads the artifact (its file's bytes) as a program created with `rv6`. ENOEXEC, with the
   * kernel's reason in `message`, when it is not a validly signed program.
   */
  load(artifact: RRefVec<number>, rv6: Rv6): RpcResult<Loaded>;
  /** The Program a load made. */
  program(handle: number): RpcResult<Program>;
  /** Terminates the program's domain (at exit, or to kill it). */
  end(handle: number, reason: string): RpcResult<undefined>;
}

/**
 * The terminal, implemented by the host.
 * @idl
 */
export interface Console {
  /** Writes the first `n` bytes of `data`; returns n. */
  write(data: Borrowed<RRef<Block>>, n: number): RpcResult<number>;
  /** Waits for input: up to `n` bytes (a line, usually) into `data`; n 0 at end of input. */
  read(n: number, data: RRef<Block>): Promise<RpcResult<RvData>>;
}

/**
 * The core domain as the host sees it.
 * @idl
 */
export interface Rv6Core {
  /**
   * Runs the program at `path` as the first process, with the console as descriptors 0, 1 and
   * 2, and answers when it ends or the system halts (then every other process is ended too).
   */
  run(path: string, argv: string): Promise<RpcResult<RvWait>>;
  /**
   * Replaces the raw devices Rv6.nvme and Rv6.net hand to programs from now on (references
   * already handed out stay with their holders).
   */
  devices(nvme: NvmeBDev, net: Net): RpcResult<undefined>;
}

/**
 * How the core domain is created: with the file system, the loader, the console, and the raw
 * devices it hands to programs that ask (Rv6.nvme, Rv6.net).
 * @create
 */
export interface CreateRv6Core {
  create(fs: FileSystem, loader: Loader, console: Console, nvme: NvmeBDev, net: Net): Rv6Core;
}
