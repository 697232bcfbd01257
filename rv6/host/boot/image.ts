// The rv6 disk image: xv6's layout (mkfs.ts), with each user program installed in '/' as a
// file holding its signed artifact, and a README.
import { mkfs } from '../mkfs.ts';
import type { MkfsEntry } from '../mkfs.ts';

/** Blocks (1 KiB) and inodes of a new image: room for the programs (~150 KiB each) and files. */
export const IMAGE_BLOCKS = 16 * 1024;
export const IMAGE_INODES = 1000;

export const README = [
  'This is rv6, xv6 rebuilt as RedLeaf domains.',
  'Every program in / is a signed domain the core loads from this file system.',
  'Try: ls | grep sh ; echo hello > f ; cat f | wc ; sleep 100 & kill $!',
  '',
].join('\n');

/** A new image holding `programs` (file name -> artifact text). */
export function makeImage(programs: ReadonlyMap<string, string>): Uint8Array {
  const entries: MkfsEntry[] = [{ path: '/README', data: new Uint8Array(Buffer.from(README)) }];
  for (const [name, text] of programs) entries.push({ path: `/${name}`, data: new Uint8Array(Buffer.from(text)) });
  return mkfs(entries, { size: IMAGE_BLOCKS, ninodes: IMAGE_INODES });
}
