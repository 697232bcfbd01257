// rv6-fsck: checks an rv6 (xv6-riscv) file-system image without changing it.
// Exit codes: 0 clean, 1 inconsistent, 2 unreadable (or a usage or I/O error).
import { readFileSync, realpathSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { NOTE_KINDS, fsck } from './fsck.ts';
import type { FsckOptions } from './fsck.ts';

export const usage = [
  'usage: rv6-fsck <image> [--json] [--require-empty-log]',
  '  checks the superblock, the log, inodes, block ownership, the bitmap, the directory tree and link counts',
  '  --json                the report as JSON on stdout: { image, status, problems: [{ where, what, kind, ... }] }',
  '  --require-empty-log   count a committed log not yet installed as an inconsistency (default: a note;',
  '                        the rest is checked as recovery would leave it)',
  '  --help                this text',
  'exit codes: 0 clean, 1 inconsistent, 2 unreadable (or a usage or I/O error)',
].join('\n');

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Io = {
  out: (line) => { process.stdout.write(`${line}\n`); },
  err: (line) => { process.stderr.write(`${line}\n`); },
};

export function main(args: readonly string[], io: Io = stdio): number {
  let json = false, help = false;
  const options: { requireEmptyLog?: boolean } = {};
  const positional: string[] = [];
  let onlyFiles = false;
  for (const a of args) {
    if (onlyFiles || !a.startsWith('-') || a === '-') positional.push(a);
    else if (a === '--') onlyFiles = true;
    else if (a === '--json') json = true;
    else if (a === '--require-empty-log') options.requireEmptyLog = true;
    else if (a === '--help' || a === '-h') help = true;
    else {
      io.err(`rv6-fsck: unknown option '${a}'\nusage: rv6-fsck --help`);
      return 2;
    }
  }
  if (help) {
    io.out(usage);
    return 0;
  }
  if (positional.length !== 1) {
    io.err(`rv6-fsck: ${positional.length === 0 ? 'no image given' : 'one image at a time'}\nusage: rv6-fsck --help`);
    return 2;
  }
  const image = positional[0]!;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(image);
  } catch (e) {
    io.err(`rv6-fsck: ${image}: ${(e as Error).message}`);
    return 2;
  }
  const r = fsck(bytes, options satisfies FsckOptions);
  if (json) {
    io.out(JSON.stringify({ image, ...r }, null, 2));
  } else {
    for (const p of r.problems) io.out(`${NOTE_KINDS.has(p.kind) ? 'note: ' : ''}${p.where}: ${p.what}`);
    const n = r.problems.filter((p) => !NOTE_KINDS.has(p.kind)).length;
    io.out(`rv6-fsck: ${image}: ${r.status}${n > 0 ? ` (${n} problem${n === 1 ? '' : 's'})` : ''}`);
  }
  return r.status === 'clean' ? 0 : r.status === 'inconsistent' ? 1 : 2;
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
