import { readFileSync } from 'node:fs';
import path from 'node:path';
import rule from './safe-subset.ts';
import { IDL, LIB, hostFile, plainTester, repoRoot, typedTester } from '../tester.ts';

const head = [
  `import { RRef, RRefVec, ok, u8 } from ${LIB};`,
  `import type { RpcResult, Syscalls } from ${LIB};`,
  `import type { Echo } from ${IDL('test.ts')};`,
  `import { Cell } from ${IDL('layouts.ts')};`,
  '',
].join('\n');
/** Line number, in the linted file, of line `n` (1-based) of a case's own code. */
const L = (n: number): number => head.split('\n').length - 1 + n;

/** A real domain's source, with imports rewritten as if it were the fixture file. */
function realDomain(file: string, depth: string): string {
  return readFileSync(path.join(repoRoot, file), 'utf8').replaceAll(`'${depth}runtime/`, `'../../../runtime/`);
}

const err = (message: string): { messageId: 'violation'; data: { message: string } } => ({ messageId: 'violation', data: { message } });
const v = { messageId: 'violation' } as const;

const msg = {
  constructor: '`constructor` leads from any value to its constructor and from there to the Function constructor (`x.constructor.constructor(...)`); test what a value is with `instanceof` or a type guard',
  proto: "`__proto__` reads or replaces an object's prototype, so the object stops being what its type says; build objects with literals or classes",
  setTimeout: 'use `await sys.sleep(ms)` from the syscall capability (in a thread started with `sys.spawn` if the caller must not wait) instead of setTimeout',
  tsIgnore: "`@ts-ignore` silences the compiler on the next line, and the checker's guarantees rest on the compiler's; fix the error instead",
  any: '`any` turns off type checking (an `any` value can be passed where an RRef is expected); use `unknown` and narrow it, or the precise type',
  stringKey: 'a computed key that can be any string reaches what the object inherits (`constructor`, `__proto__`), which its type does not show; use a Map for string keys, or index an array, tuple or typed array with a number',
  reflect: "`Reflect` reads and rewrites objects behind their types (prototypes, property descriptors, raw calls); use the object's declared members",
  defineProperty: '`Object.defineProperty` redefines what an object is behind its type (a handle could be given getters, its prototype swapped); assign declared properties, or build a new object',
  assertion: (what: string): string => `\`${what}\` asserts a type the compiler does not check (it can make any value look like an RRef); narrow with \`typeof\`, \`instanceof\` or a type guard, or declare the right type (\`as const\` and \`satisfies\` are fine)`,
  anyValue: (what: string): string => `\`${what}\` has type \`any\`, which turns off type checking where it is used (it could be passed where an RRef is expected); assign it to a variable declared \`unknown\` and narrow it`,
};

typedTester().run('safe-subset', rule, {
  valid: [
    // The real domains (the caller's `tests[test]` is a finding: see the report of the rule).
    realDomain('tests/kernel/domains/echo/main.ts', '../../../../'),
    realDomain('bench/domains/callee/main.ts', '../../../'),
    // Names of globals that are this domain's own bindings.
    `${head}export function f(process: { env: number }, self: number): number {\n  const setTimeout = (n: number): number => n;\n  return setTimeout(process.env + self);\n}`,
    // The syscall capability in place of timers.
    `${head}export function start(sys: Syscalls, ms: number): void {\n  sys.spawn('ticker', async () => { for (;;) { await sys.sleep(ms); sys.print('tick'); } });\n}`,
    // `as const`, `satisfies`, `unknown` from JSON.parse, `catch (e)` (unknown under strict), the safe statics of Object.
    `${head}const kinds = ['a', 'b'] as const;\nconst conf = { n: 1 } satisfies { n: number };\nexport function parse(s: string): number {\n  try {\n    const v: unknown = JSON.parse(s);\n    if (typeof v === 'object' && v !== null && Object.hasOwn(v, 'n')) return Object.keys(v).length + kinds.length + conf.n;\n    return 0;\n  } catch (e) {\n    return e instanceof Error ? e.message.length : 0;\n  }\n}`,
    // Computed keys that cannot name an inherited member: numbers on arrays, typed arrays, tuples, strings; declared literal keys; symbols.
    `${head}export function sum(xs: number[], bytes: Uint8Array, pair: [number, number], s: string, i: number): number {\n  let t = 0;\n  for (let j = 0; j < xs.length; j++) t += xs[j] ?? 0;\n  return t + (bytes[i] ?? 0) + (pair[i & 1] ?? 0) + s.charCodeAt(0) + (s[i]?.length ?? 0);\n}`,
    `${head}const table = { plain: 1, fast: 2 };\nexport const pick = (k: 'plain' | 'fast'): number => table[k];\nexport const iter = (xs: number[]): Iterator<number> => xs[Symbol.iterator]();`,
    // Globals in type positions, classes with constructors, a Map for string keys.
    `${head}export type Timer = ReturnType<typeof setTimeout>;\nexport class Box { constructor(readonly n: number) {} }\nconst handlers = new Map<string, (n: number) => number>([['double', (n) => n * 2]]);\nexport const run = (name: string, n: number): number | undefined => handlers.get(name)?.(n);`,
    // Comments may talk about the directives without the @.
    `${head}// ts-ignore would be wrong here\nexport const one = 1;`,
    // A contextually typed callback parameter is not an implicit any.
    `${head}export const doubled = (xs: readonly number[]): number[] => xs.map((x) => x * 2);`,
    // Outside a domain folder the rule says nothing.
    { code: `${head}export const x = eval('1') as number;`, filename: hostFile },
  ],
  invalid: [
    // The constructor chain to the Function constructor.
    {
      code: `${head}export const esc = (): unknown => ({}).constructor.constructor('return process')();`,
      errors: [err(msg.constructor), err(msg.constructor)],
    },
    // Computed access with a string to reach `constructor`.
    {
      code: `${head}export function get(o: Record<string, unknown>, key: string): unknown {\n  return o[key];\n}`,
      errors: [err(`\`o[key]\`: ${msg.stringKey}`)],
    },
    {
      code: `${head}const names = { a: 1 };\nexport const get = (k: 'a' | 'constructor'): unknown => names[k];`,
      errors: [err(`\`names[k]\`: ${msg.stringKey}`)],
    },
    {
      code: `${head}export function each(o: Record<string, number>): number {\n  let n = 0;\n  for (const k in o) n += o[k] ?? 0;\n  return n;\n}`,
      errors: [v],
    },
    {
      code: `${head}export function take(o: Record<string, number>, k: string): unknown {\n  const { [k]: x } = o;\n  return x;\n}`,
      errors: [v],
    },
    // Polluting Object.prototype through __proto__.
    {
      code: `${head}export function pollute(): void {\n  const o: Record<string, unknown> = {};\n  const p: unknown = o['__proto__'];\n  if (typeof p === 'object' && p !== null) Object.assign(p, { ok: true });\n}`,
      errors: [err(msg.proto)],
    },
    {
      code: `${head}export const fake = { __proto__: { get: (): number => 1 } };`,
      errors: [err(msg.proto)],
    },
    // Reflection on a stub.
    {
      code: `${head}export function inspect(echo: Echo): unknown {\n  return Reflect.getPrototypeOf(echo);\n}`,
      errors: [err(msg.reflect)],
    },
    {
      code: `${head}export function redefine(c: RRef<Cell>): void {\n  Object.defineProperty(c, 'get', { value: () => 5 });\n}`,
      errors: [err(msg.defineProperty)],
    },
    // Aliasing Object does not hide its statics from the checker.
    {
      code: `${head}const O = Object;\nexport const bare: unknown = O.create(null);`,
      errors: [v],
    },
    {
      code: `${head}const { getPrototypeOf } = Object;\nexport const up = (x: object): unknown => getPrototypeOf(x);`,
      errors: [v],
    },
    // Forging an RRef.
    {
      code: `${head}export function forge(echo: Echo): unknown {\n  return echo.bump({ get: () => 1 } as any);\n}`,
      errors: [err(msg.assertion('{ get: () => 1 } as any')), err(msg.any)],
    },
    {
      code: `${head}export function forge(echo: Echo): unknown {\n  return echo.bump(<RRef<Cell>>{});\n}`,
      errors: [err(msg.assertion('<RRef<Cell>>{}'))],
    },
    {
      code: `${head}export function forge(echo: Echo, s: string): unknown {\n  return echo.bump(JSON.parse(s));\n}`,
      errors: [err(msg.anyValue('JSON.parse(s)'))],
    },
    {
      code: `${head}export function first(v: unknown): unknown {\n  if (!Array.isArray(v)) return undefined;\n  const x = v[0];\n  return x;\n}`,
      errors: [err(msg.anyValue('v[0]'))],
    },
    {
      code: `${head}export function id(x) {\n  return x;\n}`,
      errors: [{ ...v, line: L(1), column: 20 }],
    },
    {
      code: `${head}export function len(c: RRef<Cell> | undefined): number {\n  return c!.get('value');\n}`,
      errors: [v],
    },
    // Silencing the compiler.
    {
      code: `${head}export function call(echo: Echo): void {\n  // @ts-ignore\n  echo.nothing();\n}`,
      errors: [{ ...err(msg.tsIgnore), line: L(2), column: 3, endColumn: 16 }, err(msg.anyValue('echo.nothing'))],
    },
    {
      code: `/* @ts-nocheck */\n${head}export const n: number = 1;`,
      errors: [{ ...v, line: 1, column: 1 }],
    },
    // The stack, the global object, timers, code from strings, modules at run time.
    {
      code: `${head}export function sites(): void {\n  Error.prepareStackTrace = (_e, s) => s;\n}`,
      errors: [v],
    },
    {
      code: `${head}export const g = (): unknown => globalThis;`,
      errors: [v],
    },
    {
      code: `${head}export function late(sys: Syscalls): void {\n  setTimeout(() => sys.print('after the call returned'), 10);\n}`,
      errors: [err(msg.setTimeout)],
    },
    {
      code: `${head}export async function fs(): Promise<unknown> {\n  return import('node:fs');\n}`,
      errors: [v],
    },
    {
      code: `${head}export const run = (): unknown => new Function('return this')();`,
      errors: [v],
    },
    {
      code: `${head}import { setTimeout as later } from 'node:timers';\nexport const wait = (): unknown => later(() => 0, 1);`,
      errors: [err(msg.setTimeout)],
    },
    {
      code: `${head}export function hidden(): number {\n  return arguments.length;\n}`,
      errors: [v],
    },
    {
      code: `${head}export function dbg(): void {\n  debugger;\n}`,
      errors: [v],
    },
    {
      code: `${head}export function scope(o: { a: number }): void {\n  with (o) { a; }\n}`,
      errors: [v],
    },
    // Changing the realm's built-ins, or pretending a global is a local.
    {
      code: `${head}export function rig(): void {\n  Math.random = () => 4;\n}`,
      errors: [v],
    },
    {
      code: `${head}declare const process: { exit(code: number): never };\nexport const bye = (): never => process.exit(1);`,
      errors: [v, v],
    },
    {
      code: `${head}export function steal(x: object): unknown {\n  const { constructor: C } = x;\n  return C;\n}`,
      errors: [err(msg.constructor)],
    },
  ],
});

// Without type information: names by a scope walk, computed keys only when a number by their syntax.
plainTester().run('safe-subset (no types)', rule, {
  valid: [
    `export function sum(xs: number[], n: number): number {\n  let t = 0;\n  for (let i = 0; i < xs.length; i++) t += xs[i] ?? 0;\n  return t + (xs[n - 1] ?? 0) + (xs[0] ?? 0);\n}`,
    `export function g(): number {\n  var window = 1;\n  { const globalThis = 2; return window + globalThis; }\n}`,
  ],
  invalid: [
    {
      code: `export function get(o: Record<string, number>, k: string): number | undefined {\n  return o[k];\n}`,
      errors: [v],
    },
    {
      // Without types the literal union of the key is unknown: reported, conservatively.
      code: `const t = { a: 1 };\nexport const get = (k: 'a'): number => t[k];`,
      errors: [v],
    },
    {
      code: `export function go(): void {\n  // @ts-expect-error\n  setTimeout('1', 1);\n}`,
      errors: [{ ...v, line: 2 }, err(msg.setTimeout)],
    },
    {
      code: `export const x: any = 1;`,
      errors: [err(msg.any)],
    },
  ],
});
