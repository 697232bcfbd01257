// Hostile code evaluated in a fresh realm tries the known ways out of a node:vm context.
import { describe, expect, it } from 'vitest';
import { createRealm } from '../../runtime/kernel/realm.ts';

const run = (code: string): unknown => createRealm({ name: 'hostile' }).evaluate(`'use strict';\n${code}`, 'hostile.js');

describe('realms', () => {
  it('run code in their own intrinsics: nothing they make is a host object', () => {
    const realm = createRealm({ name: 'd1' });
    const made = realm.evaluate('({ list: [1, 2], err: new Error("x"), fn() { return 1; } })', 'make.js') as {
      list: unknown;
      err: unknown;
      fn: unknown;
    };
    expect(made.list instanceof Array).toBe(false);
    expect(made.err instanceof Error).toBe(false);
    expect(made.fn instanceof Function).toBe(false);
    expect(Object.getPrototypeOf(made) === Object.prototype).toBe(false);
  });

  it('keep two realms apart from each other', () => {
    const a = createRealm({ name: 'a' });
    const b = createRealm({ name: 'b' });
    const protoA = a.evaluate('Object.prototype', 'a.js');
    const protoB = b.evaluate('Object.prototype', 'b.js');
    expect(protoA).not.toBe(protoB);
    a.evaluate('Object.prototype.polluted = 1', 'pollute.js');
    expect(b.evaluate('({}).polluted', 'check.js')).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuse the constructor-chain escape (this.constructor.constructor)', () => {
    expect(() => run(`globalThis.constructor.constructor('return process')()`)).toThrow(/Code generation from strings disallowed/);
    expect(() => run(`(() => {}).constructor('return process')()`)).toThrow(/Code generation from strings disallowed/);
    expect(() => run(`Object.getPrototypeOf(async function () {}).constructor('return process')`)).toThrow(/Code generation/);
    expect(() => run(`Object.getPrototypeOf(function* () {}).constructor('return 1')`)).toThrow(/Code generation/);
  });

  it('refuse eval, indirect eval and string timers', () => {
    expect(() => run(`eval('1 + 1')`)).toThrow(/Code generation from strings disallowed/);
    expect(() => run(`(0, eval)('1 + 1')`)).toThrow(/Code generation from strings disallowed/);
    expect(run(`typeof setTimeout`)).toBe('undefined');
    expect(run(`typeof queueMicrotask`)).toBe('undefined');
  });

  it('refuse WebAssembly compilation', () => {
    const empty = '[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]';
    expect(() => run(`new WebAssembly.Module(new Uint8Array(${empty}))`)).toThrow(/WebAssembly|Wasm code generation disallowed/);
  });

  it('have no host globals: process, require, module, Buffer, global', () => {
    expect(run(`[typeof process, typeof require, typeof module, typeof Buffer, typeof global, typeof console].join(',')`)).toBe(
      'undefined,undefined,undefined,undefined,undefined,undefined',
    );
  });

  it('reach only the realm intrinsics through the global object', () => {
    const realm = createRealm({ name: 'probe' });
    const ctor = realm.evaluate('globalThis.constructor', 'probe.js');
    expect(ctor).not.toBe(Object);
    // Every object on the global's prototype chain is the realm's, ending at its Object.prototype.
    expect(
      realm.evaluate(
        `(() => { let p = Object.getPrototypeOf(globalThis), steps = 0;
           while (p !== null && p !== Object.prototype && steps < 10) { p = Object.getPrototypeOf(p); steps++; }
           return p === Object.prototype; })()`,
        'p.js',
      ),
    ).toBe(true);
    const hostPrototypes = new Set<unknown>([Object.prototype, Function.prototype, Array.prototype, Error.prototype]);
    let p = Object.getPrototypeOf(realm.evaluate('globalThis', 'g.js')) as unknown;
    while (p !== null) {
      expect(hostPrototypes.has(p)).toBe(false);
      p = Object.getPrototypeOf(p) as unknown;
    }
  });

  it('fail dynamic import', async () => {
    const result = run(`import('node:fs').then(() => 'escaped', (e) => 'refused: ' + e.code)`) as Promise<string>;
    await expect(Promise.resolve(result).catch((e: unknown) => `refused: ${String(e)}`)).resolves.toMatch(/refused/);
  });

  it('cannot reach host functions through a stack trace', () => {
    const frames = run(`
      Error.prepareStackTrace = (err, calls) => calls.map((c) => typeof c.getFunction === 'function' ? c.getFunction() : undefined);
      const e = new Error('probe');
      e.stack;
    `) as unknown[];
    // Only the realm's own (strict) frames appear, and strict functions are not handed out.
    for (const f of frames) expect(f === undefined || typeof f !== 'function' || !(f instanceof Function)).toBe(true);
  });
});

describe('the shared heap seen from a realm', () => {
  it('leads nowhere near the host: a view of the heap has no host prototype behind its buffer', async () => {
    const { SharedHeap } = await import('../../runtime/heap/index.ts');
    const heap = new SharedHeap({ size: 1 << 20, maxObjects: 64 });
    const realm = createRealm({ name: 'viewer' });
    const probe = realm.evaluate(
      `(data, registry) => {
        const v = new Uint8Array(data);
        v[65536] = 9;
        const reach = (b) => [Object.getPrototypeOf(b), typeof b.constructor, b.byteLength];
        return { first: v[65536], data: reach(v.buffer), registry: reach(new Int32Array(registry).buffer), sab: typeof SharedArrayBuffer };
      }`,
      'probe.js',
    ) as (d: SharedArrayBuffer, r: SharedArrayBuffer) => { first: number; data: unknown[]; registry: unknown[] };
    const seen = probe(heap.buffer, heap.registry.buffer);
    expect(seen.first).toBe(9);
    expect(seen.data).toEqual([null, 'undefined', 1 << 20]);
    expect(seen.registry[0]).toBeNull();
    expect(seen.registry[1]).toBe('undefined');
    expect(heap.u8[65536]).toBe(9);
    expect(() => realm.evaluate('(b) => b.constructor.constructor("return process")()', 'escape.js') as unknown).not.toThrow();
    const escape = realm.evaluate('(b) => { try { return b.constructor.constructor("return process")(); } catch (e) { return "refused"; } }', 'escape2.js') as (b: SharedArrayBuffer) => unknown;
    expect(escape(heap.buffer)).toBe('refused');
  });
});
