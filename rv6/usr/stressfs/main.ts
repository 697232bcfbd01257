// stressfs: xv6's stressfs. Several processes at once each write their own file a block at a
// time, read it back and check it. 'stressfs [nproc]' (4 by default); each process is this
// program spawned again as 'stressfs -child i'.
import { ok, RRef } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { ANY_CHILD, EXITED } from '../../../runtime/idl/rv6.ts';
import { O_CREATE, O_RDONLY, O_RDWR, O_TRUNC } from '../../../runtime/idl/fs.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { argvOf, argvString, errstr, print } from '../../../runtime/idl/ulib.ts';

/** Writes per process, and bytes per write (xv6's). */
const WRITES = 20;
const SIZE = 512;

export function create(_sys: Syscalls, rv6: Rv6): Program {
  const say = async (text: string): Promise<void> => {
    await print(rv6, 1, text);
  };

  /** One write or read of SIZE bytes of `byte`; true when all of them moved (and matched). */
  async function block(fd: number, byte: number, write: boolean): Promise<boolean> {
    const buf = RRef.new(Block);
    if (write) buf.withBytes((b) => {
      b.fill(byte, 0, SIZE);
    });
    const r = write ? await rv6.write(fd, SIZE, buf) : await rv6.read(fd, SIZE, buf);
    if (!r.ok) return false;
    const { errno, n, data } = r.value;
    const good = errno === 0 && n === SIZE && data.withBytes((b) => b.subarray(0, SIZE).every((x) => x === byte));
    data.drop();
    return good;
  }

  /** A child's work: its file written, read back, checked and removed; the exit status. */
  async function stress(i: number): Promise<number> {
    const path = `stressfs${i}`;
    const byte = 0x61 + (i % 26);
    await say(`write ${i}\n`);
    const w = await rv6.open(path, O_CREATE | O_RDWR | O_TRUNC);
    if (!w.ok || w.value < 0) return 1;
    let good = true;
    for (let k = 0; k < WRITES && good; k++) good = await block(w.value, byte, true);
    const cw = await rv6.close(w.value);
    await say(`read ${i}\n`);
    const r = await rv6.open(path, O_RDONLY);
    if (!r.ok || r.value < 0) return 1;
    for (let k = 0; k < WRITES && good; k++) good = await block(r.value, byte, false);
    const cr = await rv6.close(r.value);
    const u = await rv6.unlink(path);
    if (!good || !cw.ok || !cr.ok || !u.ok || u.value < 0) {
      await say(`stressfs: ${path} did not read back what was written\n`);
      return 1;
    }
    return 0;
  }

  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const words = argvOf(argv);
      const name = words[0] ?? 'stressfs';
      if (words[1] === '-child') return ok(await stress(Number.parseInt(words[2] ?? '0', 10)));
      const nproc = words[1] === undefined ? 4 : Number.parseInt(words[1], 10);
      if (!(nproc >= 1 && nproc <= 16)) {
        await print(rv6, 2, 'usage: stressfs [nproc 1-16]\n');
        return ok(2);
      }
      await say('stressfs starting\n');
      let failed = 0;
      let started = 0;
      for (let i = 0; i < nproc; i++) {
        const pid = await rv6.spawn(name, argvString([name, '-child', String(i)]), -1, 1, 2);
        if (!pid.ok || pid.value < 0) {
          await print(rv6, 2, `stressfs: spawn: ${pid.ok ? errstr(pid.value) : 'EIO'}\n`);
          failed++;
        } else started++;
      }
      for (let i = 0; i < started; i++) {
        const w = await rv6.wait(ANY_CHILD);
        if (!w.ok || w.value.errno !== 0 || w.value.how !== EXITED || w.value.status !== 0) failed++;
      }
      await say(failed === 0 ? 'stressfs ok\n' : `stressfs: ${failed} processes failed\n`);
      return ok(failed === 0 ? 0 : 1);
    },
  };
}
