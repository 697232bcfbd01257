import { readFileSync } from 'node:fs';
import path from 'node:path';
import rule from './rpc-result-must-be-used.ts';
import { IDL, LIB, hostFile, repoRoot, typedTester } from '../tester.ts';

const head = [
  `import { RRef, ok } from ${LIB};`,
  `import type { RpcResult, RpcOk, RpcErr } from ${LIB};`,
  `import type { Echo } from ${IDL('test.ts')};`,
  `import { Cell } from ${IDL('layouts.ts')};`,
  `declare const echo: Echo;`,
  `declare const flag: boolean;`,
  '',
].join('\n');

/** A real domain's source, with imports rewritten as if it were the fixture file. */
function realDomain(file: string, depth: string): string {
  const text = readFileSync(path.join(repoRoot, file), 'utf8');
  return text
    .replaceAll(`'${depth}runtime/`, `'../../../runtime/`)
    .replaceAll(`'../callee/main.ts'`, `'../../../bench/domains/callee/main.ts'`);
}

const why = 'check `.ok` (the callee may have crashed) or return it';

typedTester().run('rpc-result-must-be-used', rule, {
  valid: [
    // The real domains.
    realDomain('tests/kernel/domains/echo/main.ts', '../../../../'),
    realDomain('bench/domains/caller/main.ts', '../../../'),
    realDomain('bench/domains/callee/main.ts', '../../../'),
    // Checked.
    `${head}export function f(): number { const r = echo.add(1, 2); return r.ok ? r.value : 0; }`,
    `${head}export function f(): boolean { return echo.ping().ok; }`,
    `${head}export function f(): void { if (!echo.ping().ok) throw new Error('echo is down'); }`,
    // Returned, passed on, destructured.
    `${head}export function f(): RpcResult<number> { return echo.add(1, 2); }`,
    `${head}export const f = (): RpcResult<undefined> => echo.ping();`,
    `${head}declare function log(r: RpcResult<number>): void;\nexport function f(): void { log(echo.add(1, 2)); }`,
    `${head}export function f(): boolean { const { ok: fine } = echo.ping(); return fine; }`,
    // Awaited and looked at.
    `${head}export async function f(): Promise<number> { const r = await echo.later(1, 2); return r.ok ? r.value : 0; }`,
    `${head}export async function f(): Promise<RpcResult<number>> { return echo.later(1, 2); }`,
    // Handed to a promise chain.
    `${head}export function f(): Promise<boolean> { return echo.later(1, 2).then((r) => r.ok); }`,
    // Read in a later iteration of the loop that assigns it.
    `${head}export function f(n: number): boolean {
  let last: RpcResult<undefined> | undefined;
  for (let i = 0; i < n; i++) {
    if (last !== undefined && !last.ok) return false;
    last = echo.ping();
  }
  return true;
}`,
    // Read by a closure.
    `${head}export function f(): () => boolean { const r = echo.ping(); return () => r.ok; }`,
    // Not an RpcResult: a plain value, and the domain's own ok().
    `${head}declare function work(): number;\nexport function f(): void { work(); void work(); ok(1); }`,
    // Outside a domain the rule says nothing.
    { code: `${head}export function f(): void { echo.ping(); }`, filename: hostFile },
  ],
  invalid: [
    {
      // The benchmark's caller, had it not looked at nop's result.
      code: realDomain('bench/domains/caller/main.ts', '../../../').replace("if (!callee.nop().ok) failed('nop');", 'callee.nop();'),
      errors: [{ messageId: 'violation', data: { message: `the RpcResult of \`callee.nop()\` is dropped: ${why}` } }],
    },
    {
      code: `${head}export function f(): void {
  echo.ping();
}`,
      errors: [{ messageId: 'violation', data: { message: `the RpcResult of \`echo.ping()\` is dropped: ${why}` } }],
    },
    {
      code: `${head}export function f(): void {
  void echo.ping();
}`,
      errors: [{ messageId: 'violation', data: { message: `the RpcResult of \`echo.ping()\` is thrown away with \`void\`: ${why}` } }],
    },
    {
      code: `${head}export async function f(): Promise<void> {
  await echo.later(1, 2);
}`,
      errors: [{ messageId: 'violation', data: { message: `the RpcResult of \`echo.later(1, 2)\` is awaited and dropped: ${why}` } }],
    },
    {
      code: `${head}export function f(): number {
  const r = echo.add(1, 2);
  return 3;
}`,
      errors: [{ messageId: 'violation', data: { message: 'the RpcResult of `echo.add(1, 2)` is stored in `r` but never read: check `r.ok` (the callee may have crashed) or return it' } }],
    },
    {
      // Awaited into a variable nobody reads.
      code: `${head}export async function f(): Promise<void> {
  const r = await echo.later(1, 2);
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // Assigned over an earlier result, then never read.
      code: `${head}export function f(): boolean {
  let r = echo.ping();
  const fine = r.ok;
  r = echo.ping();
  return fine;
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // A move whose result (the cell coming back) is dropped: the caller loses it.
      code: `${head}export function f(): void {
  echo.bump(RRef.new(Cell, { value: 1 }));
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // Both arms of a conditional statement.
      code: `${head}export function f(): void {
  flag ? echo.ping() : echo.crash('x');
}`,
      errors: [{ messageId: 'violation' }, { messageId: 'violation' }],
    },
    {
      // The right-hand side of && in statement position.
      code: `${head}export function f(): void {
  flag && echo.ping();
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // The left-hand side of a comma.
      code: `${head}export function f(): number {
  return (echo.ping(), 1);
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // A loop's update expression.
      code: `${head}export function f(n: number): void {
  for (let i = 0; i < n; i++, echo.ping()) n--;
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // Spelled out as a union of RpcOk and RpcErr.
      code: `${head}declare function call(): RpcOk<number> | RpcErr;
export function f(): void {
  call();
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // Inside an implementation, forwarding without looking.
      code: `${head}export function impl(next: Echo): Pick<Echo, 'forward'> {
  return {
    forward(n: Echo, a: number, b: number): RpcResult<number> {
      next.add(a, b);
      return n.add(a, b);
    },
  };
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // In a thread spawned by the domain.
      code: `${head}export function f(spawn: (name: string, fn: () => Promise<void>) => void): void {
  spawn('t', async () => {
    await echo.sysInfo();
  });
}`,
      errors: [{ messageId: 'violation' }],
    },
  ],
});
