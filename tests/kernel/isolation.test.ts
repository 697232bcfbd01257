// Isolation seen from inside a domain (invariants I1 and I8): the probe domain walks every object
// it can reach through what the kernel handed it and through what calls returned, and tries the
// known ways out of its realm. tests/kernel/realm.test.ts does the same for a bare realm; this
// suite covers what the kernel, the gate and the generated glue add to it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stubOfEcho, stubOfProbe } from '../../runtime/idl/generated/test.ts';
import type { Probe } from '../../runtime/idl/test.ts';
import type { DomainInfo, Kernel } from '../../runtime/kernel/kernel.ts';
import { createRealm } from '../../runtime/kernel/realm.ts';
import { survey, whyForeign } from '../fixtures/contained/probe/main.ts';
import { testBundle, testKernel } from './support.ts';

/** Every attempt the probe makes through what it was legitimately handed. */
const ATTEMPTS = [
  'sys.print.constructor',
  'sys.constructor.constructor',
  'target.constructor.constructor',
  'globalThis.constructor.constructor',
  'ping() result constructor chain',
  'RpcError constructor chain',
  'sleep() promise constructor chain',
  'later() promise constructor chain',
  'syscall error constructor chain',
  'moved handle error constructor chain',
  'stack frames of a call through target',
  "the Echo stub class's statics",
  'a stub forged from the Echo stub class',
  'sys.restart without the restart capability',
  'sys.device without a device capability',
];

describe('isolation (I1, I8)', () => {
  let kernel: Kernel;
  let echo: DomainInfo;
  let probe: DomainInfo;
  let stub: Probe;

  beforeEach(async () => {
    kernel = testKernel().kernel;
    echo = kernel.load(await testBundle('echo'), { args: ['target', 0, 0] });
    probe = kernel.load(await testBundle('probe'), { args: [echo.exports[0]!] });
    stub = kernel.connect(probe.exports[0]!, stubOfProbe);
  });

  afterEach(() => {
    kernel.shutdown();
  });

  const audit = (): { visited: number; foreign: string } => {
    const r = stub.audit();
    if (!r.ok) throw new Error(`audit failed: ${r.error.toString()}`);
    const m = /^visited (\d+) objects; foreign: (.*)$/s.exec(r.value);
    if (m === null) throw new Error(`unexpected audit report: ${r.value}`);
    return { visited: Number(m[1]), foreign: m[2]! };
  };

  const escapeReport = (): Map<string, string> => {
    const r = stub.escape();
    if (!r.ok) throw new Error(`escape failed: ${r.error.toString()}`);
    const lines = new Map<string, string>();
    for (const line of r.value.split('\n')) {
      const at = line.indexOf(': ');
      lines.set(line.slice(0, at), line.slice(at + 2));
    }
    return lines;
  };

  it('reaches only objects of its own realm: globals, syscalls, the stub and every call result', () => {
    const { visited, foreign } = audit();
    // The realm's intrinsics alone are well over a thousand objects: a walk that stopped early
    // (or a probe that did not get its roots) would not get near this.
    expect(visited).toBeGreaterThan(500);
    expect(foreign).toBe('none');
    expect(kernel.info(probe.id)?.state).toBe('running');
    expect(kernel.info(echo.id)?.state).toBe('running');
  });

  it('finds nothing of the host: no process object, no frame, no link', () => {
    const r = stub.audit();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).not.toMatch(/process|kernel frame|kernel link|kernel port|boot environment|heap port|buffer with no prototype/);
  });

  it('blocks every known escape through what the kernel handed it and through call results', () => {
    const lines = escapeReport();
    for (const name of ATTEMPTS) expect(lines.get(name), name).toBe('blocked');
    const escaped = [...lines].filter(([, outcome]) => outcome !== 'blocked');
    expect(escaped).toEqual([]);
    expect(kernel.info(echo.id)?.state).toBe('running');
  });

  it('leaves the shared heap consistent after the probe crossed both ways', () => {
    audit();
    escapeReport();
    expect(kernel.heap.audit()).toEqual([]);
    // The probe keeps the cells the target handed back: it owns shared-heap objects.
    expect(kernel.heap.stats(probe.id).objects).toBeGreaterThan(0);
  });

  it('frees everything the probe owned when it crashes, and the target keeps serving', () => {
    audit();
    expect(kernel.heap.stats(probe.id).objects).toBeGreaterThan(0);
    kernel.crash(probe.id, 'test');
    expect(kernel.info(probe.id)?.state).toBe('crashed');
    expect(kernel.heap.stats(probe.id)).toEqual({ objects: 0, bytes: 0 });
    expect(kernel.heap.audit()).toEqual([]);
    const after = stub.audit();
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.error.kind).toBe('callee-dead');
    const target = kernel.connect(echo.exports[0]!, stubOfEcho);
    expect(target.add(2, 3)).toEqual({ ok: true, value: 5 });
  });
});

describe("the probe's detector", () => {
  // The same walk, imported into the host: here "its realm" is the host's, so objects of a
  // realm and the kernel's own objects must be reported, which is what the probe relies on.
  it('reports an object of another realm, with the path that reached it', () => {
    const other = createRealm({ name: 'elsewhere' }).evaluate('({ list: [1, 2], fn() { return 1; } })', 'other.js');
    const found = survey([['root', { plain: { nested: other } }]]);
    expect(found.foreign).toEqual([expect.stringMatching(/^root\.plain\.nested \(/)]);
  });

  it('reports a function of another realm', () => {
    const fn = createRealm({ name: 'elsewhere' }).evaluate('(function f() {})', 'fn.js') as object;
    expect(whyForeign(fn)).toMatch(/function/);
    expect(survey([['host', { fn }]]).foreign).toEqual([expect.stringMatching(/^host\.fn \(/)]);
  });

  it("reports the kernel's frame and links, whatever their prototype", async () => {
    const { kernel } = testKernel();
    try {
      expect(survey([['frame', kernel.frame]]).foreign).toEqual([expect.stringMatching(/^frame \(the kernel frame/)]);
      const link = kernel.load(await testBundle('echo'), { args: ['x', 0, 0] }).exports[0]!;
      expect(survey([['link', link]]).foreign).toEqual([expect.stringMatching(/^link \(a kernel link/)]);
    } finally {
      kernel.shutdown();
    }
  });

  it('reports nothing for objects of its own realm, however many it walks', () => {
    // (Not the host's globalThis: Node's globals have lazy getters with side effects.)
    const intrinsics = [Object, Function, Array, Promise, Map, Set, Error, TypeError, RegExp, Symbol, Reflect, Math, JSON, Uint8Array];
    const local = { list: [1], map: new Map([[{}, () => 1]]), set: new Set([async () => 1]), err: new TypeError('x'), gen: function* () { /* empty */ } };
    const found = survey([['intrinsics', intrinsics], ['local', local]]);
    expect(found.foreign).toEqual([]);
    expect(found.visited).toBeGreaterThan(300);
  });
});
