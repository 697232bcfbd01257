// Mounting: the superblock checked against the disk, the log replayed, the root checked, and the
// layers wired together.
import type { Syscalls } from '../../runtime/lib/index.ts';
import type { BDev } from '../../runtime/idl/bdev.ts';
import { Allocator } from './balloc.ts';
import { Cache } from './bio.ts';
import { Directories } from './dir.ts';
import { Files } from './file.ts';
import { Inodes } from './inode.ts';
import { Log } from './log.ts';
import { FsError, PER_PAGE, ROOTINO, T_DIR } from './param.ts';
import { Paths } from './path.ts';
import { MountError, readSuperblock } from './superblock.ts';
import type { Superblock } from './superblock.ts';

/** Pages the buffer cache keeps between operations (1 MiB). */
const CACHE_PAGES = 256;
/** References the caller may hold at once. */
const MAX_REFS = 4096;

export interface Mounted {
  readonly sb: Superblock;
  readonly cache: Cache;
  readonly files: Files;
  readonly balloc: Allocator;
  /** Blocks the log replayed at mount. */
  readonly replayed: number;
  /** Unlinked inodes freed at mount. */
  readonly orphans: number;
}

export function mount(sys: Syscalls, disk: BDev): Mounted {
  const r = disk.blocks();
  if (!r.ok) throw new MountError(`the disk did not answer: ${r.error.message}`);
  const pages = Number(r.value < 0x10000000n ? r.value : 0x10000000n);
  const cache = new Cache(disk, pages, CACHE_PAGES);
  try {
    const sb = readSuperblock(cache, pages * PER_PAGE);
    cache.setSize(sb.size);
    const log = new Log(cache, sb, sys);
    const replayed = log.recover();
    const balloc = new Allocator(cache, log, sb);
    const inodes = new Inodes(cache, log, sb, balloc);
    const root = inodes.get(ROOTINO);
    inodes.put(root);
    if (root.type !== T_DIR) throw new MountError(`the root inode ${ROOTINO} is not a directory (type ${root.type})`);
    // One operation per orphan: freeing a large file fills much of the log.
    let orphans = 0;
    for (const inum of inodes.orphans()) {
      log.runAlone(() => {
        if (inodes.reclaim(inum)) orphans++;
      });
    }
    const dirs = new Directories(cache, log, inodes);
    const files = new Files(log, inodes, dirs, new Paths(inodes, dirs), MAX_REFS, () => sys.yield());
    return { sb, cache, files, balloc, replayed, orphans };
  } catch (e) {
    cache.clear();
    if (e instanceof FsError) throw new MountError(`cannot mount: ${e.message}`);
    throw e;
  }
}
