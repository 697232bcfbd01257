// Processes: a crashing program is contained and its parent sees how it ended; kill ends a
// sleeping or blocked process; every descriptor and pipe is released; unsigned programs are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from './support.ts';
import type { Booted } from './support.ts';

let m: Booted;
beforeAll(async () => { m = await boot(); }, 60_000);
afterAll(async () => { await m?.shutdown(); });

/** Domains running besides the system's own (the drivers and their shadows, bdev, fs, core). */
const programs = (): number => m.machine.loader.running();

describe('rv6 processes', () => {
  it('contains a program that crashes: the shell goes on and sees it crashed', async () => {
    const before = m.machine.kernel.heap.stats(0).objects;
    const r = await m.exec('crash ; echo status $?');
    expect(r.out).toMatch(/^sh: crash \(pid \d+\) crashed\nstatus 134\n$/);
    expect(m.machine.kernel.domains().map((d) => d.name).sort()).toEqual(['nvme', 'nvme-shadow', 'nvme', 'nvme-shadow', 'ixgbe', 'ixgbe-shadow', 'bdev', 'rv6-fs', 'rv6-core'].sort());
    // Its file was written and closed (the descriptor released), its pipe is gone.
    expect((await m.exec('cat crash.out')).out).toBe('about to crash\n');
    expect(programs()).toBe(0);
    expect(m.machine.kernel.heap.stats(0).objects).toBe(before);
  });

  it('tells a crash inside a pipeline and still runs the rest', async () => {
    const r = await m.exec('crash | wc ; echo done');
    expect(r.out).toMatch(/^(0 0 0 \nsh: crash \(pid \d+\) crashed|sh: crash \(pid \d+\) crashed\n0 0 0 )\ndone\n$/);
  });

  it('kills a sleeping process: the wait reports it killed', async () => {
    const r = await m.exec('sleep 100000 & kill $! ; wait ; echo ok');
    expect(r).toEqual({ out: 'ok\n', status: 0 });
    const s = await m.exec('sleep 100000 & echo $! > /pid ; kill $! ; echo $?');
    expect(s.out).toBe('0\n');
    expect(programs()).toBe(0);
  });

  it('kills a process blocked on a pipe, releasing its descriptors', async () => {
    const r = await m.exec('crash hold & kill $! ; wait ; cat crash.out');
    expect(r).toEqual({ out: 'about to crash\n', status: 0 });
    expect(programs()).toBe(0);
  });

  it('kill of an unknown pid fails', async () => {
    expect((await m.exec('kill 9999')).status).toBe(1);
  });

  it('refuses a program file that is not a validly signed program', async () => {
    const before = m.log.length;
    expect((await m.exec('notaprogram')).status).toBe(127);
    expect(m.log.slice(before).join('\n')).toMatch(/cannot run notaprogram: .*/);
    expect((await m.exec('fsdomain')).status).toBe(127);
    expect((await m.exec('README')).status).toBe(127);
    expect(programs()).toBe(0);
  });

  it('spawns and reaps many processes without growing', async () => {
    await m.exec('echo warm');
    const objects = m.machine.kernel.heap.stats(0).objects;
    const r = await m.exec(Array.from({ length: 20 }, () => 'echo x').join(' ; '));
    expect(r.out).toBe('x\n'.repeat(20));
    expect(programs()).toBe(0);
    expect(m.machine.kernel.heap.stats(0).objects).toBe(objects);
  });

  it('halts from the shell', async () => {
    expect(await m.exec('echo before ; halt ; echo after')).toEqual({ out: 'before\n', status: 0 });
    expect((await m.exec('echo again')).out).toBe('again\n');
  });
});
