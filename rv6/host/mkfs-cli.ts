// rv6-mkfs: writes an rv6 (xv6-riscv) file-system image from host files.
// Exit codes: 0 written, 1 the inputs do not fit the file system (nothing written),
// 2 usage or I/O error.
import { readFileSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { BSIZE, MAXFILE, MAXFILE_BYTES, bitmapLocation } from './format.ts';
import { Rv6Image } from './image.ts';
import { MkfsError, mkfs, mkfsLayout, xv6Name } from './mkfs.ts';
import type { MkfsEntry, MkfsOptions } from './mkfs.ts';

export const usage = [
  'usage: rv6-mkfs <image> [--size N] [--inodes N] [--log N] [--dir <hostdir>] [files...]',
  '  writes an xv6-riscv file system image; files go into / in the order given, named as xv6\'s',
  '  mkfs names them (the last path component, a leading \'_\' dropped: user/_ls is ls)',
  '  --size N      size in blocks of 1024 bytes (default 2000)',
  '  --inodes N    inode slots (default 200)',
  '  --log N       log blocks, header included (default 30)',
  '  --dir <dir>   copy a host folder\'s tree into / (names kept, sub-folders become directories),',
  '                at its place among the files',
  '  --help        this text',
  'with the defaults and plain files the image is byte for byte what xv6\'s mkfs writes',
  'exit codes: 0 written, 1 the inputs do not fit (too big, bad name, out of inodes or blocks), 2 usage or I/O error',
].join('\n');

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Io = {
  out: (line) => { process.stdout.write(`${line}\n`); },
  err: (line) => { process.stderr.write(`${line}\n`); },
};

class UsageError extends Error {}

type Source = { kind: 'file'; host: string } | { kind: 'dir'; host: string };

interface Parsed {
  image: string | undefined;
  options: { size?: number; ninodes?: number; nlog?: number };
  sources: Source[];
  help: boolean;
}

function parse(args: readonly string[]): Parsed {
  const p: Parsed = { image: undefined, options: {}, sources: [], help: false };
  let onlyFiles = false;
  const number = (flag: string, v: string | undefined): number => {
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    if (!/^[0-9]+$/.test(v)) throw new UsageError(`${flag} takes a whole number, not '${v}'`);
    return Number(v);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (onlyFiles || !a.startsWith('-') || a === '-') {
      if (p.image === undefined) p.image = a;
      else p.sources.push({ kind: 'file', host: a });
      continue;
    }
    if (a === '--') { onlyFiles = true; continue; }
    if (a === '-h') { p.help = true; continue; }
    const eq = a.indexOf('=');
    const flag = eq < 0 ? a : a.slice(0, eq);
    const inline = eq < 0 ? undefined : a.slice(eq + 1);
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--help': p.help = true; break;
      case '--size': p.options.size = number(flag, value()); break;
      case '--inodes': p.options.ninodes = number(flag, value()); break;
      case '--log': p.options.nlog = number(flag, value()); break;
      case '--dir': {
        const d = value();
        if (d === undefined) throw new UsageError('--dir needs a folder');
        p.sources.push({ kind: 'dir', host: d });
        break;
      }
      default: throw new UsageError(`unknown option '${flag}'`);
    }
  }
  return p;
}

/** I/O trouble with a host file: exit code 2. */
class HostError extends Error {}

function readHostFile(host: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(host);
    if (!st.isFile()) throw new HostError(`${host}: not a regular file`);
    size = st.size;
  } catch (e) {
    throw e instanceof HostError ? e : new HostError(`${host}: ${(e as Error).message}`);
  }
  if (size > MAXFILE_BYTES) throw new MkfsError(`${host}: ${size} bytes is larger than the largest file (${MAXFILE} blocks, ${MAXFILE_BYTES} bytes)`);
  try {
    return readFileSync(host);
  } catch (e) {
    throw new HostError(`${host}: ${(e as Error).message}`);
  }
}

/** A host folder's tree as entries under prefix, names sorted; a symbolic-link loop is refused. */
function* hostTree(dir: string, prefix: string, seen: Set<string>): Generator<MkfsEntry> {
  let names: string[];
  let real: string;
  try {
    real = realpathSync(dir);
    if (!statSync(real).isDirectory()) throw new HostError(`${dir}: not a folder`);
    names = readdirSync(real).sort();
  } catch (e) {
    throw e instanceof HostError ? e : new HostError(`${dir}: ${(e as Error).message}`);
  }
  if (seen.has(real)) throw new HostError(`${dir}: a symbolic link loops back to ${real}`);
  seen.add(real);
  for (const name of names) {
    const host = path.join(dir, name);
    const inside = prefix === '' ? name : `${prefix}/${name}`;
    let isDir: boolean;
    try {
      isDir = statSync(host).isDirectory();
    } catch (e) {
      throw new HostError(`${host}: ${(e as Error).message}`);
    }
    if (isDir) {
      yield { path: inside, directory: true };
      yield* hostTree(host, inside, seen);
    } else {
      yield { path: inside, data: readHostFile(host) };
    }
  }
  seen.delete(real);
}

function* entriesOf(sources: readonly Source[]): Generator<MkfsEntry> {
  for (const s of sources) {
    if (s.kind === 'dir') yield* hostTree(s.host, '', new Set());
    else yield { path: xv6Name(s.host), data: readHostFile(s.host) };
  }
}

function summary(file: string, bytes: Uint8Array, options: MkfsOptions): string {
  const l = mkfsLayout(options);
  const img = Rv6Image.open(bytes);
  let inodes = 0;
  for (let i = 1; i < l.ninodes; i++) if (img.inode(i).type !== 0) inodes++;
  let blocks = 0;
  for (let b = 0; b < l.size; b++) {
    const { block, byte, bit } = bitmapLocation(l, b);
    if (((bytes[block * BSIZE + byte] ?? 0) >> bit) & 1) blocks++;
  }
  return `rv6-mkfs: wrote ${file}: ${l.size} blocks (log ${l.nlog} at ${l.logstart}, inodes ${l.ninodeblocks} at ${l.inodestart}, ` +
    `bitmap ${l.nbitmap} at ${l.bmapstart}, data from ${l.datastart}); ${inodes} of ${l.ninodes - 1} inodes and ${blocks} blocks in use`;
}

export function main(args: readonly string[], io: Io = stdio): number {
  let p: Parsed;
  try {
    p = parse(args);
  } catch (e) {
    io.err(`rv6-mkfs: ${(e as Error).message}\nusage: rv6-mkfs --help`);
    return 2;
  }
  if (p.help) {
    io.out(usage);
    return 0;
  }
  if (p.image === undefined) {
    io.err('rv6-mkfs: no image file given\nusage: rv6-mkfs --help');
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = mkfs(entriesOf(p.sources), p.options);
  } catch (e) {
    if (e instanceof MkfsError) {
      io.err(`rv6-mkfs: ${e.message}; nothing written`);
      return 1;
    }
    io.err(`rv6-mkfs: ${e instanceof Error ? e.message : String(e)}; nothing written`);
    return 2;
  }
  const tmp = `${p.image}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, p.image);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* never created */ }
    io.err(`rv6-mkfs: ${p.image}: ${(e as Error).message}`);
    return 2;
  }
  io.out(summary(p.image, bytes, p.options));
  return 0;
}

/** True when this file is the program, not imported. */
function isMain(): boolean {
  const argv1 = process.argv[1];
  if (argv1 === undefined) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) process.exitCode = main(process.argv.slice(2));
