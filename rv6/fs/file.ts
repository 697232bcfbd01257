// The file-system calls (xv6's sysfile.c, the part below file descriptors), and the references
// the caller holds: a reference number names a referenced in-memory inode until it is closed.
// Every call that may change the disk or drop an inode runs as one log operation; a write of
// more than one operation's worth of blocks runs as several, like xv6's filewrite.
import type { Borrowed, RRef } from '../../runtime/lib/index.ts';
import type { Block } from '../../runtime/idl/layouts.ts';
import { EBADF, EEXIST, EINVAL, EISDIR, EMLINK, ENFILE, ENODEV, ENOENT, ENOTDIR, ENOTEMPTY, EPERM } from '../../runtime/idl/errno.ts';
import { O_CREATE, O_RDONLY, O_TRUNC, ROOT_CWD } from '../../runtime/idl/fs.ts';
import type { Directories } from './dir.ts';
import { isDot, isDotDot } from './dir.ts';
import type { Inode, Inodes } from './inode.ts';
import type { Log } from './log.ts';
import type { Paths } from './path.ts';
import { BSIZE, FsError, MAXOPBLOCKS, ROOTINO, T_DEVICE, T_DIR, T_FILE, corrupt } from './param.ts';

/** Largest link count an i16 holds. */
const NLINK_MAX = 0x7fff;
/** Bytes one operation may write: its blocks, the inode, an indirect and two bitmap blocks (xv6). */
const MAXWRITE = Math.floor((MAXOPBLOCKS - 1 - 1 - 2) / 2) * BSIZE;
/** Largest byte count of one read or write (a Block). */
const MAXIO = 4096;
const ACCMODE = 3;

export interface Opened {
  readonly ref: number;
  readonly type: number;
  readonly inum: number;
  readonly major: number;
  readonly minor: number;
}

export interface Stat {
  readonly inum: number;
  readonly type: number;
  readonly nlink: number;
  readonly size: number;
  readonly major: number;
  readonly minor: number;
}

/**
 * A directory that was unlinked (still someone's cwd, or open) takes no new entries: they would
 * be unreachable, and outlive it when its last reference frees it (Linux answers ENOENT too).
 */
function removed(dp: Inode): void {
  if (dp.nlink === 0) throw new FsError(ENOENT, 'the directory was removed');
}

const isCount = (v: number, max: number): boolean => Number.isInteger(v) && v >= 0 && v <= max;

export class Files {
  readonly #log: Log;
  readonly #inodes: Inodes;
  readonly #dirs: Directories;
  readonly #paths: Paths;
  readonly #maxRefs: number;
  /** Lets other work run between the operations of a long call. */
  readonly #pause: () => Promise<void>;
  readonly #refs = new Map<number, Inode>();
  #next = 1;

  constructor(log: Log, inodes: Inodes, dirs: Directories, paths: Paths, maxRefs: number, pause: () => Promise<void>) {
    this.#log = log;
    this.#inodes = inodes;
    this.#dirs = dirs;
    this.#paths = paths;
    this.#maxRefs = maxRefs;
    this.#pause = pause;
  }

  /** References held now. */
  get held(): number {
    return this.#refs.size;
  }

  /** Runs `body` as one log operation; resolves when it has committed. */
  async #op<T>(body: () => T): Promise<T> {
    await this.#log.begin();
    let result: T;
    try {
      result = body();
    } finally {
      await this.#log.end();
    }
    return result;
  }

  #inode(ref: number): Inode {
    const ip = this.#refs.get(ref);
    if (ip === undefined) throw new FsError(EBADF, `no reference ${String(ref)}`);
    return ip;
  }

  #start(cwd: number): number {
    return cwd === ROOT_CWD ? ROOTINO : this.#inode(cwd).inum;
  }

  #room(): void {
    if (this.#refs.size >= this.#maxRefs) throw new FsError(ENFILE, 'too many references');
  }

  /** Registers a reference for an inode reference already taken. */
  #hold(ip: Inode): number {
    const ref = this.#next++;
    this.#refs.set(ref, ip);
    return ref;
  }

  root(): Promise<number> {
    this.#room();
    return this.#op(() => this.#hold(this.#inodes.get(ROOTINO)));
  }

  open(cwd: number, path: string, flags: number): Promise<Opened> {
    if (!Number.isInteger(flags) || (flags & ~(ACCMODE | O_CREATE | O_TRUNC)) !== 0 || (flags & ACCMODE) === ACCMODE) {
      throw new FsError(EINVAL, 'bad open flags');
    }
    this.#room();
    const start = this.#start(cwd);
    return this.#op(() => {
      const ip = (flags & O_CREATE) !== 0 ? this.#create(start, path, T_FILE, 0, 0, true) : this.#paths.lookup(start, path);
      try {
        if (ip.type === T_DIR && (flags & ACCMODE) !== O_RDONLY) throw new FsError(EISDIR, 'a directory opens read-only');
        if ((flags & O_TRUNC) !== 0 && ip.type === T_FILE) this.#inodes.trunc(ip);
      } catch (e) {
        this.#inodes.put(ip);
        throw e;
      }
      return { ref: this.#hold(ip), type: ip.type, inum: ip.inum, major: ip.major, minor: ip.minor };
    });
  }

  chdir(cwd: number, path: string): Promise<number> {
    this.#room();
    const start = this.#start(cwd);
    return this.#op(() => {
      const ip = this.#paths.lookup(start, path);
      if (ip.type !== T_DIR) {
        this.#inodes.put(ip);
        throw new FsError(ENOTDIR, 'not a directory');
      }
      return this.#hold(ip);
    });
  }

  dup(ref: number): number {
    const ip = this.#inode(ref);
    this.#room();
    return this.#hold(this.#inodes.dup(ip));
  }

  close(ref: number): Promise<void> {
    const ip = this.#inode(ref);
    this.#refs.delete(ref);
    return this.#op(() => this.#inodes.put(ip));
  }

  #io(ref: number, offset: number, n: number): Inode {
    const ip = this.#inode(ref);
    if (!isCount(offset, 0xffffffff) || !isCount(n, MAXIO)) throw new FsError(EINVAL, 'bad offset or count');
    if (ip.type === T_DEVICE) throw new FsError(ENODEV, 'a device inode: its driver serves it');
    return ip;
  }

  read(ref: number, offset: number, n: number, data: Borrowed<RRef<Block>>): number {
    const ip = this.#io(ref, offset, n);
    return this.#inodes.read(ip, offset, n, data, 0);
  }

  /** Writes from `data` (handed back in the result). */
  async write(ref: number, offset: number, n: number, data: RRef<Block>): Promise<{ n: number; errno: number; data: RRef<Block> }> {
    const ip = this.#io(ref, offset, n);
    if (ip.type === T_DIR) throw new FsError(EISDIR, 'a directory is written through its entries only');
    if (offset > ip.size) throw new FsError(EINVAL, 'writing past the end of the file');
    let done = 0;
    let errno = 0;
    while (done < n) {
      if (done > 0) await this.#pause();
      const m = Math.min(n - done, MAXWRITE);
      const at = done;
      const r = await this.#op(() => {
        // Between operations the reference may have been closed: stop there.
        if (this.#refs.get(ref) !== ip) return { n: 0, errno: EBADF };
        return this.#inodes.write(ip, offset + at, m, data, at);
      });
      done += r.n;
      if (r.n < m) {
        errno = r.errno;
        break;
      }
    }
    return { n: done, errno: done === 0 ? errno : 0, data };
  }

  fstat(ref: number): Stat {
    const ip = this.#inode(ref);
    return { inum: ip.inum, type: ip.type, nlink: ip.nlink, size: ip.size, major: ip.major, minor: ip.minor };
  }

  link(cwd: number, target: string, path: string): Promise<void> {
    const start = this.#start(cwd);
    return this.#op(() => {
      const ip = this.#paths.lookup(start, target);
      try {
        if (ip.type === T_DIR) throw new FsError(EPERM, 'a directory cannot be linked');
        if (ip.nlink >= NLINK_MAX) throw new FsError(EMLINK, 'too many links');
        ip.nlink++;
        this.#inodes.update(ip);
        try {
          const { dp, name } = this.#paths.parent(start, path, EEXIST);
          try {
            removed(dp);
            this.#dirs.link(dp, name, ip.inum);
          } finally {
            this.#inodes.put(dp);
          }
        } catch (e) {
          ip.nlink--;
          this.#inodes.update(ip);
          throw e;
        }
      } finally {
        this.#inodes.put(ip);
      }
    });
  }

  unlink(cwd: number, path: string): Promise<void> {
    const start = this.#start(cwd);
    return this.#op(() => {
      const { dp, name } = this.#paths.parent(start, path, EINVAL);
      try {
        if (isDot(name) || isDotDot(name)) throw new FsError(EINVAL, "'.' and '..' cannot be removed");
        const entry = this.#dirs.lookup(dp, name);
        if (entry === undefined) throw new FsError(ENOENT, 'no such file or directory');
        const ip = this.#inodes.get(entry.inum);
        try {
          if (ip.nlink < 1) throw corrupt(`inode ${ip.inum} is named but has no links`);
          if (ip.type === T_DIR && !this.#dirs.isEmpty(ip)) throw new FsError(ENOTEMPTY, 'the directory is not empty');
          // The last name of an inode nobody holds: it will be freed, so find corruption first.
          if (ip.nlink === 1 && ip.ref === 1) this.#inodes.blocksOf(ip);
          this.#dirs.clear(dp, entry.off);
          if (ip.type === T_DIR) {
            dp.nlink--;
            this.#inodes.update(dp);
          }
          ip.nlink--;
          this.#inodes.update(ip);
        } finally {
          this.#inodes.put(ip);
        }
      } finally {
        this.#inodes.put(dp);
      }
    });
  }

  mkdir(cwd: number, path: string): Promise<void> {
    const start = this.#start(cwd);
    return this.#op(() => this.#inodes.put(this.#create(start, path, T_DIR, 0, 0, false)));
  }

  mknod(cwd: number, path: string, major: number, minor: number): Promise<void> {
    if (!isCount(major, NLINK_MAX) || !isCount(minor, NLINK_MAX)) throw new FsError(EINVAL, 'bad device numbers');
    const start = this.#start(cwd);
    return this.#op(() => this.#inodes.put(this.#create(start, path, T_DEVICE, major, minor, false)));
  }

  /**
   * Creates `path` as a new inode of `type` and returns it referenced (xv6's create). For open,
   * an existing file or device is returned instead; anything else existing is EEXIST (EISDIR
   * for a directory opened with O_CREATE).
   */
  #create(start: number, path: string, type: number, major: number, minor: number, forOpen: boolean): Inode {
    const { dp, name } = this.#paths.parent(start, path, EEXIST);
    try {
      const found = this.#dirs.lookup(dp, name);
      if (found === undefined) removed(dp);
      if (found !== undefined) {
        const ip = this.#inodes.get(found.inum);
        if (forOpen && (ip.type === T_FILE || ip.type === T_DEVICE)) return ip;
        this.#inodes.put(ip);
        throw new FsError(forOpen && ip.type === T_DIR ? EISDIR : EEXIST, 'the name exists');
      }
      if (type === T_DIR && dp.nlink >= NLINK_MAX) throw new FsError(EMLINK, 'too many links to the parent');
      const ip = this.#inodes.alloc(type);
      ip.major = major;
      ip.minor = minor;
      ip.nlink = 1;
      this.#inodes.update(ip);
      try {
        if (type === T_DIR) {
          this.#dirs.link(ip, [0x2e], ip.inum);
          this.#dirs.link(ip, [0x2e, 0x2e], dp.inum);
        }
        this.#dirs.link(dp, name, ip.inum);
      } catch (e) {
        // Undo: the new inode is freed with its last reference.
        ip.nlink = 0;
        this.#inodes.update(ip);
        this.#inodes.put(ip);
        throw e;
      }
      if (type === T_DIR) {
        dp.nlink++;
        this.#inodes.update(dp);
      }
      return ip;
    } finally {
      this.#inodes.put(dp);
    }
  }
}
