// The loader keeps what the kernel verified by the file's hash: the same bytes spawn again
// without a new check, and bytes it has not seen (a program altered after signing) are checked
// and refused, even beside a verified copy of the original.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFile } from '../../../rv6/host/boot/install.ts';
import { boot } from './support.ts';
import type { Booted } from './support.ts';

let m: Booted;
beforeAll(async () => { m = await boot(); }, 60_000);
afterAll(async () => { await m?.shutdown(); });

describe('rv6 loader', () => {
  it('spawns a program again from its verified artifact', async () => {
    expect((await m.exec('echo one ; echo two')).out).toBe('one\ntwo\n');
  });

  it('checks bytes it has not seen: an altered copy of a verified program is refused', async () => {
    await m.exec('echo warm');
    const echo = await m.exec('cat echo');
    // The same artifact with its code changed after signing: the bundle hash no longer matches.
    const artifact = JSON.parse(echo.out) as { bundle: string };
    const altered = JSON.stringify({ ...artifact, bundle: `${artifact.bundle}\n;` });
    await installFile(m.machine.fs, '/echo2', new Uint8Array(Buffer.from(altered)));
    const before = m.log.length;
    expect((await m.exec('echo2 hi')).status).toBe(127);
    expect(m.log.slice(before).join('\n')).toMatch(/cannot run echo2: .*bundle-hash/);
    expect((await m.exec('echo still')).out).toBe('still\n');
  });
});
