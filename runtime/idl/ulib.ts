// xv6's ulib.c for rv6 programs: argv, text output and line input over the Rv6 system calls.
// It runs in the program's own realm (a domain may import the IDL, not another domain's files).
import { RRef } from '../lib/index.ts';
import { EIO, errnoName } from './errno.ts';
import { Block } from './layouts.ts';
import { ARGV_SEP, IO_MAX } from './rv6.ts';
import type { Rv6 } from './rv6.ts';

/** The words of an argv string. */
export function argvOf(argv: string): string[] {
  return argv === '' ? [] : argv.split(ARGV_SEP);
}

/** An argv string of words. */
export function argvString(words: readonly string[]): string {
  return words.join(ARGV_SEP);
}

/** A negative system-call answer as its errno's name (`ENOENT`). */
export function errstr(answer: number): string {
  return errnoName(-answer);
}

/** Characters written per call: 1024 UTF-16 units take at most 3072 bytes of UTF-8, so they fit a Block. */
const CHUNK = 1024;

/** Writes `text` (UTF-8) to `fd`; returns the bytes written, or -errno. */
export async function print(rv6: Rv6, fd: number, text: string): Promise<number> {
  let buf = RRef.new(Block);
  let done = 0;
  try {
    for (let at = 0; at < text.length;) {
      let end = Math.min(text.length, at + CHUNK);
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // keep a surrogate pair whole
      const n = buf.writeUtf8(0, text.slice(at, end));
      const r = await rv6.write(fd, n, buf);
      if (!r.ok) return -EIO;
      buf = r.value.data;
      if (r.value.errno !== 0) return -r.value.errno;
      done += r.value.n;
      if (r.value.n < n) return done;
      at = end;
    }
    return done;
  } finally {
    if (buf.isValid) buf.drop();
  }
}

/** Reads `fd` a line at a time (text up to '\n', without it). */
export class Lines {
  readonly #rv6: Rv6;
  readonly #fd: number;
  #pending = '';
  #eof = false;
  /** The errno that ended the input early (0: end of file). */
  error = 0;

  constructor(rv6: Rv6, fd: number) {
    this.#rv6 = rv6;
    this.#fd = fd;
  }

  /** The next line; undefined at end of input (a last line without '\n' is still returned). */
  async next(): Promise<string | undefined> {
    for (;;) {
      const nl = this.#pending.indexOf('\n');
      if (nl >= 0) {
        const line = this.#pending.slice(0, nl);
        this.#pending = this.#pending.slice(nl + 1);
        return line;
      }
      if (this.#eof) {
        if (this.#pending === '') return undefined;
        const last = this.#pending;
        this.#pending = '';
        return last;
      }
      const chunk = await readText(this.#rv6, this.#fd);
      if (typeof chunk === 'number') {
        this.#eof = true;
        this.error = -chunk;
      } else if (chunk === '') this.#eof = true;
      else this.#pending += chunk;
    }
  }
}

/** One read of `fd` as text ('' at end of file), or -errno. */
export async function readText(rv6: Rv6, fd: number): Promise<string | number> {
  const r = await rv6.read(fd, IO_MAX, RRef.new(Block));
  if (!r.ok) return -EIO;
  const { errno, n, data } = r.value;
  const text = errno === 0 ? data.readUtf8(0, n) : '';
  data.drop();
  return errno === 0 ? text : -errno;
}
