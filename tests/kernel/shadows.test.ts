// Shadow domains: a crash of the shadowed domain is invisible to the caller.
import { afterEach, describe, expect, it } from 'vitest';
import { stubOfEcho } from '../../runtime/idl/generated/test.ts';
import { Cell } from '../../runtime/idl/layouts.ts';
import { RRef } from '../../runtime/lib/index.ts';
import { KERNEL } from '../../runtime/heap/owners.ts';
import type { Kernel } from '../../runtime/kernel/kernel.ts';
import { shadowBundle, testBundle, testKernel, tick } from './support.ts';

let current: Kernel | undefined;
afterEach(() => { current?.shutdown(); current = undefined; });

async function shadowed(crashOnCall: number, crashEveryMs: number) {
  const t = testKernel();
  current = t.kernel;
  const s = t.kernel.loadShadowed(await testBundle('echo'), await shadowBundle('Echo'), { args: ['shadowed', crashOnCall, crashEveryMs] });
  return { ...t, ...s, echo: t.kernel.connect(s.shadow.exports[0]!, stubOfEcho) };
}

describe('shadows', () => {
  it('restarts the domain on a crash and replays the call: the caller sees only results', async () => {
    const { echo, stats, target } = await shadowed(3, 0);
    const first = target().id;
    // Each instance crashes on its third call: calls 3 and 5 crash, and are replayed.
    const results = [1, 2, 3, 4, 5].map((n) => echo.add(n, 100));
    expect(results).toEqual([101, 102, 103, 104, 105].map((value) => ({ ok: true, value })));
    expect(stats.restarts).toBe(2);
    expect(stats.restartMs).toHaveLength(2);
    expect(target().id).not.toBe(first);
    expect(target().state).toBe('running');
  });

  it('replays a moved argument as it was sent, not as the crashed domain left it', async () => {
    const { kernel, echo, stats } = await shadowed(2, 0); // bump increments, then crashes
    expect(echo.ping().ok).toBe(true);
    const cell = RRef.new(Cell, { value: 41 });
    const r = echo.bump(cell);
    expect(stats.restarts).toBe(1);
    expect(r.ok && r.value.get('value')).toBe(42);
    expect(cell.isValid).toBe(false);
    // The shadow kept no copy: only the result is alive, and it is the kernel's.
    expect(kernel.heap.totals().objects).toBe(1);
    expect(kernel.heap.stats(KERNEL).objects).toBe(1);
    expect(kernel.heap.audit()).toEqual([]);
  });

  it('replays asynchronous calls', async () => {
    const { echo, stats } = await shadowed(2, 0);
    expect(echo.ping().ok).toBe(true);
    await expect(echo.later(21, 1)).resolves.toEqual({ ok: true, value: 42 });
    expect(stats.restarts).toBe(1);
  });

  it('stays transparent while the domain crashes every few milliseconds', async () => {
    const { echo, stats } = await shadowed(0, 15);
    let calls = 0;
    const start = Date.now();
    while (Date.now() - start < 150) {
      expect(echo.add(calls, 1)).toEqual({ ok: true, value: calls + 1 });
      calls++;
      await tick(1);
    }
    expect(stats.restarts).toBeGreaterThanOrEqual(2);
    expect(calls).toBeGreaterThan(10);
  });

  it('passes on a failure that came from further away without restarting', async () => {
    const { kernel, echo, stats } = await shadowed(0, 0);
    const far = kernel.load(await testBundle('echo'), { args: ['far', 0, 0] });
    const r = echo.crashVia(kernel.connect(far.exports[0]!, stubOfEcho), 'far crash');
    expect(!r.ok && r.error.domain).toBe(`echo#${far.id}`);
    expect(stats.restarts).toBe(0);
  });

  it('gives up after a bounded number of replays when the domain crashes every time', async () => {
    const { echo, stats } = await shadowed(0, 0);
    const r = echo.crash('always');
    expect(!r.ok && r.error.kind).toBe('callee-crashed');
    expect(stats.restarts).toBe(3);
  });
});
