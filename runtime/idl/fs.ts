// The rv6 file system's interface: xv6's file system (fs.c, log.c, sysfile.c's path calls) as
// a domain over a BDev. The rv6 core keeps processes, descriptors and offsets; it reaches files
// through *references*: numbers naming an in-memory inode the fs holds for it (xv6's
// `struct inode *` with its reference count). Every reference is released with `close`; an
// unlinked file lives until its last reference goes (xv6's iput).
//
// Errors are values: each result carries `errno` (0 on success, else a number of errno.ts). The
// RpcResult error channel only says the fs domain crashed. File data moves in RRef<Block>
// buffers (4 KiB): a read or write moves the caller's buffer in and hands it back in the result.
import type { RRef, RpcResult } from '../lib/index.ts';
import type { BDev } from './bdev.ts';
import type { Block } from './layouts.ts';

/** Inode types (xv6's stat.h). */
export const T_DIR = 1;
export const T_FILE = 2;
export const T_DEVICE = 3;

/** open flags (xv6's fcntl.h). The access mode is the low two bits. */
export const O_RDONLY = 0x000;
export const O_WRONLY = 0x001;
export const O_RDWR = 0x002;
export const O_CREATE = 0x200;
export const O_TRUNC = 0x400;

/** The reference number `cwd` may be to mean the root directory. */
export const ROOT_CWD = 0;
/** Bytes in a directory entry: u16 inode number, then a 14-byte NUL-padded name. */
export const DIRENT_SIZE = 16;
/** Longest name of a directory entry, in bytes of UTF-8. */
export const DIRSIZ = 14;
/** Longest path, in bytes of UTF-8. */
export const MAXPATH = 1024;
/** Largest file, in bytes (12 direct and 256 indirect blocks of 1 KiB). */
export const MAXFILE_BYTES = 268 * 1024;
/** The device number fstat reports (xv6's ROOTDEV). */
export const ROOTDEV = 1;

/** A new reference (0 when `errno` is not 0). */
export type FsRef = {
  readonly errno: number;
  readonly ref: number;
};

/** What open hands back: the reference, and what it names. */
export type FsOpened = {
  readonly errno: number;
  readonly ref: number;
  /** T_DIR, T_FILE or T_DEVICE. */
  readonly type: number;
  readonly inum: number;
  /** Device numbers of a T_DEVICE inode (0 otherwise): the core routes its reads and writes. */
  readonly major: number;
  readonly minor: number;
};

/** The caller's buffer back, and how many bytes were read into it or written from it. */
export type FsData = {
  readonly errno: number;
  readonly n: number;
  readonly data: RRef<Block>;
};

/** xv6's struct stat. */
export type FsStat = {
  readonly errno: number;
  readonly dev: number;
  readonly inum: number;
  readonly type: number;
  readonly nlink: number;
  readonly size: number;
  readonly major: number;
  readonly minor: number;
};

/**
 * xv6's file system. Paths are strings of UTF-8 names separated by '/'; a path starting with
 * '/' is resolved from the root, any other from `cwd`, a reference to a directory (or
 * ROOT_CWD). Each method is one or more log transactions: when it returns, its effect is durable.
 * @idl
 */
export interface FileSystem {
  /** A reference to the root directory (a process's first cwd). */
  root(): Promise<RpcResult<FsRef>>;
  /**
   * Opens `path`: with O_CREATE a missing file is created (an existing file or device is opened;
   * a directory gives EISDIR); O_TRUNC empties a file. A directory opens only read-only (else
   * EISDIR). Errors: ENOENT, ENOTDIR, EEXIST (O_CREATE over a non-file), ENAMETOOLONG, ENOSPC,
   * EINVAL (bad flags or path), ENFILE (too many references), EIO.
   */
  open(cwd: number, path: string, flags: number): Promise<RpcResult<FsOpened>>;
  /** Resolves a directory for chdir and takes a reference on it. ENOENT, ENOTDIR. */
  chdir(cwd: number, path: string): Promise<RpcResult<FsRef>>;
  /** A second reference to what `ref` names (fork's copy of a cwd). EBADF. */
  dup(ref: number): Promise<RpcResult<FsRef>>;
  /** Releases a reference; an unlinked inode is freed with its last one. Returns errno (EBADF). */
  close(ref: number): Promise<RpcResult<number>>;
  /**
   * Reads up to `n` (at most 4096) bytes at byte `offset` into `data` from its start; returns
   * how many (0 at or past the end). A directory reads as its raw 16-byte entries (ls does so).
   * EBADF, EINVAL (bad offset or count), ENODEV (a device inode: the core serves it), EIO.
   */
  read(ref: number, offset: number, n: number, data: RRef<Block>): Promise<RpcResult<FsData>>;
  /**
   * Writes the first `n` (at most 4096) bytes of `data` at byte `offset` (at most the file's
   * size: no holes); returns how many were written, fewer when the disk filled or the file
   * reached MAXFILE_BYTES. EFBIG or ENOSPC when none was. EISDIR, ENODEV, EINVAL, EBADF, EIO.
   */
  write(ref: number, offset: number, n: number, data: RRef<Block>): Promise<RpcResult<FsData>>;
  /** Type, link count, size, inode number and device numbers of what `ref` names. EBADF. */
  fstat(ref: number): Promise<RpcResult<FsStat>>;
  /**
   * Makes `path` a new name of the file `target`. EEXIST, ENOENT, EPERM (a directory),
   * EMLINK (too many links), ENOSPC.
   */
  link(cwd: number, target: string, path: string): Promise<RpcResult<number>>;
  /**
   * Removes the name `path`; the inode goes when no name and no reference is left. A directory
   * must be empty (ENOTEMPTY); '.' and '..' cannot be removed (EINVAL).
   */
  unlink(cwd: number, path: string): Promise<RpcResult<number>>;
  /** Creates an empty directory with '.' and '..'. EEXIST, ENOENT, ENOTDIR, ENOSPC. */
  mkdir(cwd: number, path: string): Promise<RpcResult<number>>;
  /** Creates a device inode with the given numbers (0..32767). EEXIST, EINVAL, ENOSPC. */
  mknod(cwd: number, path: string, major: number, minor: number): Promise<RpcResult<number>>;
}

/**
 * How the file-system domain is created: with the block device it mounts. A corrupt image
 * (bad magic, regions beyond the disk, a bad log) makes creation fail with the reason.
 * @create
 */
export interface CreateFileSystem {
  create(disk: BDev): FileSystem;
}
