// Calls between domains: every kind of crossing, ownership (I3), crash containment (I5).
import { afterEach, describe, expect, it } from 'vitest';
import { stubOfEcho } from '../../runtime/idl/generated/test.ts';
import { Cell } from '../../runtime/idl/layouts.ts';
import { RRef, RRefVec, u8 } from '../../runtime/lib/index.ts';
import { identify } from '../../runtime/lib/internal.ts';
import { KERNEL } from '../../runtime/heap/owners.ts';
import type { Kernel } from '../../runtime/kernel/kernel.ts';
import { testBundle, testKernel, tick } from './support.ts';

let current: Kernel | undefined;
afterEach(() => { current?.shutdown(); current = undefined; });

async function setup(...labels: [string, number, number][]) {
  const t = testKernel();
  current = t.kernel;
  const bundle = await testBundle('echo');
  const domains = labels.map((args) => t.kernel.load(bundle, { args }));
  const stubs = domains.map((d) => t.kernel.connect(d.exports[0]!, stubOfEcho));
  return { ...t, domains, stubs };
}

const borrowsOf = (k: Kernel, h: RRef<Cell>): number => k.heap.registry.borrows[identify(h).slot]!;

describe('crossings', () => {
  it('passes primitives both ways and runs the create function with its arguments', async () => {
    const { stubs: [echo], output } = await setup(['one', 0, 0]);
    expect(echo!.ping()).toEqual({ ok: true, value: undefined });
    expect(echo!.add(2, 40)).toEqual({ ok: true, value: 42 });
    expect(output).toEqual(['echo: one up']);
  });

  it('moves an RRef in and back: the sender loses its handle, accounts follow the object', async () => {
    const { kernel, domains: [d], stubs: [echo] } = await setup(['one', 0, 0]);
    const cell = RRef.new(Cell, { value: 41 });
    expect(kernel.heap.stats(KERNEL).objects).toBe(1);
    const r = echo!.bump(cell);
    expect(cell.isValid).toBe(false);
    expect(() => cell.get('value')).toThrow(/moved away/);
    expect(r.ok && r.value.get('value')).toBe(42);
    expect(kernel.heap.stats(KERNEL).objects).toBe(1);
    expect(kernel.heap.stats(d!.id).objects).toBe(0);
    expect(kernel.heap.audit()).toEqual([]);
  });

  it('lends a borrowed RRef for exactly one call', async () => {
    const { kernel, stubs: [echo] } = await setup(['one', 0, 0]);
    const cell = RRef.new(Cell, { value: 7 });
    expect(echo!.peek(cell)).toEqual({ ok: true, value: 7 });
    expect(cell.isValid).toBe(true);
    expect(borrowsOf(kernel, cell)).toBe(0);
    expect(echo!.bump(cell).ok).toBe(true); // movable again: the borrow ended
  });

  it('moves a vector the callee keeps, charged to the callee', async () => {
    const { kernel, domains: [d], stubs: [echo] } = await setup(['one', 0, 0]);
    const v = RRefVec.new(u8, 100);
    expect(echo!.consume(v)).toEqual({ ok: true, value: 100 });
    expect(kernel.heap.stats(d!.id)).toEqual({ objects: 1, bytes: 100 });
    expect(kernel.heap.stats(KERNEL).objects).toBe(0);
  });

  it('refuses arguments that cannot cross, and moves nothing', async () => {
    const { kernel, stubs: [echo] } = await setup(['one', 0, 0]);
    const cell = RRef.new(Cell, { value: 1 });
    cell.drop();
    const stale = echo!.bump(cell);
    expect(stale.ok).toBe(false);
    expect(!stale.ok && stale.error.kind).toBe('bad-argument');
    const vec = RRefVec.new(u8, 4);
    const wrong = echo!.bump(vec as never);
    expect(!wrong.ok && wrong.error.message).toMatch(/another type/);
    expect(vec.isValid).toBe(true);
    expect(echo!.add('2' as never, 3).ok).toBe(false);
    const cell2 = RRef.new(Cell, { value: 1 });
    const lent = RRef.new(Cell, { value: 1 });
    expect(echo!.peek(lent).ok).toBe(true);
    expect(kernel.heap.stats(KERNEL).objects).toBe(3);
    cell2.drop();
  });

  it('keeps the caller current around a call', async () => {
    const { kernel, stubs: [echo] } = await setup(['one', 0, 0]);
    echo!.ping();
    expect(kernel.frame.cur).toBe(KERNEL);
  });

  it('hands interface references across: a nested chain A -> B -> C', async () => {
    const { stubs: [b, c] } = await setup(['b', 0, 0], ['c', 0, 0]);
    expect(b!.forward(c!, 20, 22)).toEqual({ ok: true, value: 42 });
  });

  it('moves several RRefs at once and returns a record holding RRefs', async () => {
    const { kernel, stubs: [echo] } = await setup(['one', 0, 0]);
    const a = RRef.new(Cell, { value: 1 });
    const b = RRef.new(Cell, { value: 2 });
    const r = echo!.pair(a, b);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.value.first.get('value'), r.value.second.get('value'), r.value.sum]).toEqual([2, 1, 3]);
    expect(Object.getPrototypeOf(r.value)).toBe(null);
    expect(Object.isFrozen(r.value)).toBe(true);
    expect(kernel.heap.stats(KERNEL).objects).toBe(2);
  });

  it('refuses one object passed twice, and moves neither', async () => {
    const { kernel, domains: [d], stubs: [echo] } = await setup(['one', 0, 0]);
    const a = RRef.new(Cell, { value: 1 });
    const r = echo!.pair(a, a);
    expect(!r.ok && r.error.message).toMatch(/passed twice/);
    expect(a.isValid).toBe(true);
    expect(kernel.heap.stats(d!.id).objects).toBe(0);
  });

  it('refuses moves beyond the callee\'s quota before moving anything', async () => {
    const t = testKernel();
    current = t.kernel;
    const d = t.kernel.load(await testBundle('echo'), { args: ['small', 0, 0], quota: 6 });
    const echo = t.kernel.connect(d.exports[0]!, stubOfEcho);
    const a = RRef.new(Cell, { value: 1 });
    const b = RRef.new(Cell, { value: 2 });
    const r = echo.pair(a, b); // 8 bytes into a 6-byte quota
    expect(!r.ok && r.error.message).toMatch(/quota/);
    expect(a.isValid && b.isValid).toBe(true);
    expect(t.kernel.heap.audit()).toEqual([]);
  });

  it('gives a domain its syscalls: identity, heap statistics, yield, sleep and the clock', async () => {
    const { domains: [d], stubs: [echo] } = await setup(['one', 0, 0]);
    expect(echo!.consume(RRefVec.new(u8, 10)).ok).toBe(true);
    const r = await echo!.sysInfo();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.domainId).toBe(d!.id);
    expect([r.value.objects, r.value.bytes]).toEqual([1, 10]);
    expect(r.value.waitedMs).toBeGreaterThan(0);
  });

  it('runs asynchronous methods', async () => {
    const { stubs: [echo] } = await setup(['one', 0, 0]);
    await expect(echo!.later(21, 1)).resolves.toEqual({ ok: true, value: 42 });
  });
});

describe('crashes (I5)', () => {
  it('turns a throw into an error for the caller; later calls fail fast; the rest keeps running', async () => {
    const { kernel, domains: [d, other], stubs: [echo, echo2] } = await setup(['one', 0, 0], ['two', 0, 0]);
    const r = echo!.crash('boom');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe('callee-crashed');
    expect(!r.ok && r.error.message).toMatch(/boom/);
    expect(kernel.info(d!.id)!.state).toBe('crashed');
    const later = echo!.ping();
    expect(!later.ok && later.error.kind).toBe('callee-dead');
    expect(echo2!.ping().ok).toBe(true);
    expect(kernel.info(other!.id)!.state).toBe('running');
  });

  it('reclaims everything the crashed domain owned; statistics return to the baseline', async () => {
    const { kernel, domains: [d], stubs: [echo] } = await setup(['one', 0, 0]);
    const before = kernel.heap.totals().objects;
    for (let i = 0; i < 10; i++) expect(echo!.consume(RRefVec.new(u8, 64)).ok).toBe(true);
    expect(kernel.heap.stats(d!.id).objects).toBe(10);
    echo!.crash('boom');
    expect(kernel.heap.stats(d!.id)).toEqual({ objects: 0, bytes: 0 });
    expect(kernel.heap.totals().objects).toBe(before);
    expect(kernel.heap.audit()).toEqual([]);
  });

  it('releases a borrow when the callee crashes during the call', async () => {
    const { kernel, stubs: [echo, other] } = await setup(['one', 1, 0], ['two', 0, 0]);
    const cell = RRef.new(Cell, { value: 3 });
    const r = echo!.peek(cell); // crashOnCall = 1
    expect(!r.ok && r.error.kind).toBe('callee-crashed');
    expect(cell.isValid).toBe(true);
    expect(borrowsOf(kernel, cell)).toBe(0);
    expect(other!.bump(cell).ok).toBe(true);
  });

  it('frees an RRef moved into a callee that crashed with it', async () => {
    const { kernel, stubs: [echo] } = await setup(['one', 1, 0]);
    const cell = RRef.new(Cell, { value: 3 });
    const r = echo!.bump(cell); // crashes after taking the cell
    expect(!r.ok && r.error.kind).toBe('callee-crashed');
    expect(cell.isValid).toBe(false);
    expect(kernel.heap.totals().objects).toBe(0);
  });

  it('reports a crash two hops away as the far domain\'s, and the middle one survives', async () => {
    const { kernel, domains: [, c], stubs: [b, cStub] } = await setup(['b', 0, 0], ['c', 0, 0]);
    const r = b!.crashVia(cStub!, 'far away');
    expect(!r.ok && r.error.kind).toBe('callee-crashed');
    expect(!r.ok && r.error.domain).toBe(`echo#${c!.id}`);
    expect(kernel.info(c!.id)!.state).toBe('crashed');
    expect(b!.ping().ok).toBe(true);
  });

  it('turns a crash after an await into an error, also through an asynchronous chain', async () => {
    const { kernel, domains: [b, c], stubs: [bStub, cStub] } = await setup(['b', 0, 0], ['c', 0, 0]);
    const r = await bStub!.laterVia(cStub!, -1, 1);
    expect(!r.ok && r.error.kind).toBe('callee-crashed');
    expect(!r.ok && r.error.message).toMatch(/crash after an await/);
    expect(kernel.info(c!.id)!.state).toBe('crashed');
    expect(kernel.info(b!.id)!.state).toBe('running');
  });

  it('settles calls in flight when their callee is terminated', async () => {
    const { kernel, domains: [d], stubs: [echo] } = await setup(['one', 0, 0]);
    const calls = [echo!.later(1, 10_000), echo!.later(2, 10_000)];
    kernel.crash(d!.id, 'terminated by the test');
    const results = await Promise.all(calls);
    for (const r of results) {
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.message).toMatch(/terminated by the test/);
    }
  });

  it('crashes a domain whose thread rejects, and ends its threads', async () => {
    const { kernel, domains: [d] } = await setup(['one', 0, 5]);
    expect(kernel.threads.list().map((t) => [t.domain, t.name])).toEqual([[d!.id, 'crasher']]);
    for (let i = 0; i < 100 && kernel.info(d!.id)!.state === 'running'; i++) await tick(5);
    expect(kernel.info(d!.id)!.reason).toMatch(/thread 'crasher' rejected: .*crash injected after 5 ms/);
    expect(kernel.threads.list()).toEqual([]);
  });
});
