// The on-disk format's constants (xv6-riscv's fs.h and param.h), and the error the layers raise.
import { EIO } from '../../runtime/idl/errno.ts';

// What the interface states too (inode types, directory entries) is stated once, there.
export { DIRENT_SIZE, DIRSIZ, T_DEVICE, T_DIR, T_FILE } from '../../runtime/idl/fs.ts';

/** File-system block size; four of them make a 4 KiB device block. */
export const BSIZE = 1024;
export const PER_PAGE = 4;
export const FSMAGIC = 0x10203040;
export const ROOTINO = 1;
export const NDIRECT = 12;
export const NINDIRECT = BSIZE / 4;
export const MAXFILE = NDIRECT + NINDIRECT;
export const DINODE_SIZE = 64;
export const IPB = BSIZE / DINODE_SIZE;
/** Bitmap bits per block. */
export const BPB = BSIZE * 8;
/** Most blocks one operation may write (xv6's MAXOPBLOCKS). */
export const MAXOPBLOCKS = 10;
/** Most blocks the log holds (xv6's LOGSIZE). */
export const LOGSIZE = MAXOPBLOCKS * 3;

export const T_FREE = 0;

/**
 * An operation failed with an errno. Raised by the layers and turned into the method's result
 * at the interface; EIO also covers a corrupt structure found on the way.
 */
export class FsError extends Error {
  readonly errno: number;
  constructor(errno: number, message: string) {
    super(message);
    this.errno = errno;
  }
}

/** A corrupt structure or a failed device: EIO with the reason. */
export function corrupt(message: string): FsError {
  return new FsError(EIO, message);
}
