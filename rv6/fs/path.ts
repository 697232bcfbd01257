// Path names (xv6's namex): split into names, then walked one directory at a time. A walk is
// bounded by the path's length, whatever loops the directories hold.
import { EINVAL, ENAMETOOLONG, ENOENT, ENOTDIR } from '../../runtime/idl/errno.ts';
import { MAXPATH } from '../../runtime/idl/fs.ts';
import type { Directories } from './dir.ts';
import { utf8 } from './dir.ts';
import type { Inode, Inodes } from './inode.ts';
import { DIRSIZ, FsError, ROOTINO, T_DIR } from './param.ts';

export interface ParsedPath {
  readonly absolute: boolean;
  /** The names, as UTF-8 bytes ('.' and '..' are names the directories hold). */
  readonly names: readonly (readonly number[])[];
}

/** Splits `path`. ENOENT for an empty path, EINVAL for a NUL, ENAMETOOLONG for a long path or name. */
export function parsePath(path: string): ParsedPath {
  if (typeof path !== 'string' || path.length === 0) throw new FsError(ENOENT, 'empty path');
  if (path.length > MAXPATH) throw new FsError(ENAMETOOLONG, 'path too long');
  const bytes = utf8(path);
  if (bytes.length > MAXPATH) throw new FsError(ENAMETOOLONG, 'path too long');
  const names: number[][] = [];
  let cur: number[] = [];
  const end = (): void => {
    if (cur.length > DIRSIZ) throw new FsError(ENAMETOOLONG, `a name is longer than ${DIRSIZ} bytes`);
    if (cur.length > 0) names.push(cur);
    cur = [];
  };
  for (const b of bytes) {
    if (b === 0) throw new FsError(EINVAL, 'NUL in path');
    if (b === 0x2f) end();
    else cur.push(b);
  }
  end();
  return { absolute: bytes[0] === 0x2f, names };
}

export class Paths {
  readonly #inodes: Inodes;
  readonly #dirs: Directories;

  constructor(inodes: Inodes, dirs: Directories) {
    this.#inodes = inodes;
    this.#dirs = dirs;
  }

  /**
   * Walks `names[0..count)` from inode `start` (the root for an absolute path); returns a new
   * reference to the inode reached. ENOENT, ENOTDIR.
   */
  #walk(start: number, path: ParsedPath, count: number): Inode {
    let ip = this.#inodes.get(path.absolute ? ROOTINO : start);
    try {
      for (let i = 0; i < count; i++) {
        if (ip.type !== T_DIR) throw new FsError(ENOTDIR, 'a path component is not a directory');
        const entry = this.#dirs.lookup(ip, path.names[i] ?? []);
        if (entry === undefined) throw new FsError(ENOENT, 'no such file or directory');
        const next = this.#inodes.get(entry.inum);
        this.#inodes.put(ip);
        ip = next;
      }
    } catch (e) {
      this.#inodes.put(ip);
      throw e;
    }
    return ip;
  }

  /** The inode `path` names from directory inode `cwd`, referenced (xv6's namei). */
  lookup(cwd: number, path: string): Inode {
    const p = parsePath(path);
    return this.#walk(cwd, p, p.names.length);
  }

  /**
   * The directory holding the last name of `path`, referenced, and that name (xv6's
   * nameiparent). `none` is the errno when the path has no last name (it is '/' or '.').
   */
  parent(cwd: number, path: string, none: number): { dp: Inode; name: readonly number[] } {
    const p = parsePath(path);
    const name = p.names[p.names.length - 1];
    if (name === undefined) throw new FsError(none, 'the path names no entry');
    const dp = this.#walk(cwd, p, p.names.length - 1);
    if (dp.type !== T_DIR) {
      this.#inodes.put(dp);
      throw new FsError(ENOTDIR, 'a path component is not a directory');
    }
    return { dp, name };
  }
}
