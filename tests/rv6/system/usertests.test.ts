// rv6's own test programs, run through the shell as `npm start -- --exec` runs them: usertests
// (every system call, xv6-style) and stressfs (processes writing files at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from './support.ts';
import type { Booted } from './support.ts';

let m: Booted;
beforeAll(async () => { m = await boot(); }, 60_000);
afterAll(async () => { await m?.shutdown(); });

describe('rv6 test programs', () => {
  it('usertests passes every test', async () => {
    const r = await m.exec('usertests');
    expect(r.out).not.toMatch(/FAILED/);
    expect(r.out).toMatch(/\nALL TESTS PASSED\n$/);
    expect(r.status).toBe(0);
    // Everything it spawned has ended.
    expect(m.machine.loader.running()).toBe(0);
  }, 90_000);

  it('stressfs: processes write and read back their own files at once', async () => {
    const r = await m.exec('stressfs');
    expect(r.out).toMatch(/^stressfs starting\n/);
    for (let i = 0; i < 4; i++) {
      expect(r.out).toContain(`write ${i}\n`);
      expect(r.out).toContain(`read ${i}\n`);
    }
    expect(r.out).toMatch(/\nstressfs ok\n$/);
    expect(r.status).toBe(0);
    // Every process removed its file.
    expect((await m.exec('ls')).out).not.toMatch(/^stressfs\d/m);
    expect((await m.exec('stressfs 8')).status).toBe(0);
    expect(m.machine.loader.running()).toBe(0);
  });
});
