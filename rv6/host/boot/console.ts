// The console the core domain writes to and reads from: a terminal of the host (stdin and
// stdout), or a script's input and a buffer (tests, --exec).
import type { Borrowed, RRef, RpcResult } from '../../../runtime/lib/index.ts';
import type { Block } from '../../../runtime/idl/layouts.ts';
import type { Console, RvData } from '../../../runtime/idl/rv6.ts';

/** Where console bytes come from and go. */
export interface Terminal {
  write(bytes: Uint8Array): void;
  /** The next input (a line, usually); undefined at end of input. */
  read(): Promise<Uint8Array | undefined>;
}

export function hostConsole(term: Terminal): Console {
  let pending: Uint8Array = new Uint8Array(0);
  let ended = false;
  return {
    write(data: Borrowed<RRef<Block>>, n: number): RpcResult<number> {
      const count = Math.max(0, Math.min(n, 4096));
      term.write(data.withBytes((b) => b.slice(0, count)));
      return { ok: true, value: count };
    },
    async read(n: number, data: RRef<Block>): Promise<RpcResult<RvData>> {
      if (pending.length === 0 && !ended) {
        const chunk = await term.read();
        if (chunk === undefined) ended = true;
        else pending = chunk;
      }
      const count = Math.min(n, pending.length);
      const taken = pending.subarray(0, count);
      data.withBytes((b) => b.set(taken));
      pending = pending.subarray(count);
      return { ok: true, value: { errno: 0, n: count, data } };
    },
  };
}

/** The host's stdin and stdout. */
export function stdioTerminal(): Terminal {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let waiting: (() => void) | undefined;
  process.stdin.on('data', (b: Buffer) => { chunks.push(new Uint8Array(b)); waiting?.(); });
  process.stdin.on('end', () => { ended = true; waiting?.(); });
  return {
    write: (bytes) => { process.stdout.write(bytes); },
    async read() {
      while (chunks.length === 0 && !ended) await new Promise<void>((r) => { waiting = r; });
      waiting = undefined;
      return chunks.shift();
    },
  };
}

/** Fixed input, output gathered in memory. */
export function scriptTerminal(input = ''): Terminal & { output(): string } {
  const out: Buffer[] = [];
  let rest: Uint8Array | undefined = input === '' ? undefined : new Uint8Array(Buffer.from(input));
  return {
    write: (bytes) => { out.push(Buffer.from(bytes)); },
    async read() {
      const r = rest;
      rest = undefined;
      return r;
    },
    output: () => Buffer.concat(out).toString('utf8'),
  };
}
