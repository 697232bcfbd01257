import { readFileSync } from 'node:fs';
import path from 'node:path';
import rule from './no-use-after-move.ts';
import { IDL, LIB, hostFile, repoRoot, typedTester } from '../tester.ts';

const head = [
  `import { RRef, RRefVec, RRefDeque, RRefArray, ok, u8, u32, struct, optionalRref } from ${LIB};`,
  `import type { Infer, RpcResult } from ${LIB};`,
  `import type { Echo } from ${IDL('test.ts')};`,
  `import { Cell } from ${IDL('layouts.ts')};`,
  `declare const echo: Echo;`,
  `declare const flag: boolean;`,
  `const Holder = struct({ n: u32, child: optionalRref(Cell) });`,
  `type Holder = Infer<typeof Holder>;`,
  '',
].join('\n');
/** Line number, in the linted file, of line `n` (1-based) of a case's own code. */
const L = (n: number): number => head.split('\n').length - 1 + n;

/** A real domain's source, with imports rewritten as if it were the fixture file. */
function realDomain(file: string, depth: string): string {
  const text = readFileSync(path.join(repoRoot, file), 'utf8');
  return text
    .replaceAll(`'${depth}runtime/`, `'../../../runtime/`)
    .replaceAll(`'../callee/main.ts'`, `'../../../bench/domains/callee/main.ts'`);
}

const returned = 'use the RRef the call returned, or lend it with a Borrowed parameter';

typedTester().run('no-use-after-move', rule, {
  valid: [
    // The real domains.
    realDomain('tests/kernel/domains/echo/main.ts', '../../../../'),
    realDomain('bench/domains/caller/main.ts', '../../../'),
    realDomain('bench/domains/callee/main.ts', '../../../'),
    // The moved cell comes back in the result.
    `${head}export function f(cell: RRef<Cell>): number {
  const r = echo.bump(cell);
  return r.ok ? r.value.get('value') : -1;
}`,
    // Borrowed: lent, not moved.
    `${head}export function f(cell: RRef<Cell>): number {
  echo.peek(cell);
  return cell.get('value');
}`,
    // Reassigned with the returned handle before the next use.
    `${head}export function f(): number {
  let cell = RRef.new(Cell, { value: 1 });
  const r = echo.bump(cell);
  if (!r.ok) return -1;
  cell = r.value;
  return cell.get('value');
}`,
    // A move in one branch, a use in the other.
    `${head}export function f(cell: RRef<Cell>): void {
  if (flag) echo.bump(cell);
  else cell.set('value', 2);
}`,
    // The branch that moves leaves the function.
    `${head}export function f(cell: RRef<Cell>): RpcResult<RRef<Cell>> | number {
  if (flag) {
    return echo.bump(cell);
  }
  return cell.get('value');
}`,
    // A fresh handle each iteration.
    `${head}export function f(n: number): void {
  for (let i = 0; i < n; i++) {
    const cell = RRef.new(Cell, { value: i });
    echo.bump(cell);
  }
}`,
    // Reassigned before the next iteration; a failure leaves through a never-returning call.
    `${head}const fail = (): never => { throw new Error('bump failed'); };
export function f(cell: RRef<Cell>, n: number): RRef<Cell> {
  for (let i = 0; i < n; i++) {
    const r = echo.bump(cell);
    if (!r.ok) fail();
    else cell = r.value;
  }
  return cell;
}`,
    // ok(x), an object literal, an array push: generic parameters, not moves.
    `${head}const kept: RRef<Cell>[] = [];
export function f(a: RRef<Cell>, b: RRef<Cell>): RpcResult<{ a: RRef<Cell>; sum: number }> {
  kept.push(b);
  b.set('value', 0);
  return ok({ a, sum: a.get('value') + b.get('value') });
}`,
    // Asking whether the handle survived is allowed.
    `${head}export function f(cell: RRef<Cell>): boolean {
  echo.bump(cell);
  return cell.isValid;
}`,
    // Cases of a switch are separate paths.
    `${head}export function f(cell: RRef<Cell>, k: number): number {
  switch (k) {
    case 0:
      echo.bump(cell);
      break;
    case 1:
      return cell.get('value');
  }
  return 0;
}`,
    // Into a deque, and back out as a new handle.
    `${head}export function f(q: RRefDeque<Cell, 4>): number {
  const cell = RRef.new(Cell, { value: 3 });
  const back = q.pushBack(cell);
  if (back !== undefined) back.drop();
  const again = q.popFront();
  return again === undefined ? 0 : again.get('value');
}`,
    // Dropped last.
    `${head}export function f(cell: RRef<Cell>): number {
  const v = cell.get('value');
  cell.drop();
  return v;
}`,
    // A move in one closure, a use in another: different functions.
    `${head}export function f(cell: RRef<Cell>): [() => void, () => number] {
  const give = (): void => { echo.bump(cell); };
  const look = (): number => cell.get('value');
  return [give, look];
}`,
    // An alias rebound to a new handle is no longer an alias.
    `${head}export function f(cell: RRef<Cell>): number {
  let other = cell;
  other = RRef.new(Cell, { value: 1 });
  echo.bump(cell);
  return other.get('value');
}`,
    // A child made in place; the parent is used, not the child.
    `${head}export function f(): number {
  const parent = RRef.new(Holder, { n: 1, child: RRef.new(Cell, { value: 1 }) });
  const child = parent.take('child');
  return child === undefined ? 0 : child.get('value');
}`,
    // Outside a domain the rule says nothing.
    { code: `${head}export function f(cell: RRef<Cell>): number { echo.bump(cell); return cell.get('value'); }`, filename: hostFile },
  ],
  invalid: [
    {
      // The benchmark's caller, had it not taken back the cell the callee returned.
      code: realDomain('bench/domains/caller/main.ts', '../../../').replace('else cell = r.value;', 'else void r.value;'),
      errors: [{ messageId: 'violation', data: { message: `\`cell\` was moved into \`callee.swap(cell)\` on line 31 in an earlier iteration of the loop and cannot be used again; ${returned}` } }],
    },
    {
      code: `${head}export function f(): number {
  const cell = RRef.new(Cell, { value: 1 });
  const r = echo.bump(cell);
  if (!r.ok) return -1;
  return cell.get('value');
}`,
      errors: [{ messageId: 'violation', data: { message: `\`cell\` was moved into \`echo.bump(cell)\` on line ${L(3)} and cannot be used again; ${returned}` } }],
    },
    {
      // An alias taken before the move.
      code: `${head}export function f(cell: RRef<Cell>): number {
  const keep = cell;
  echo.bump(cell);
  return keep.get('value');
}`,
      errors: [{ messageId: 'violation', data: { message: `\`keep\` (an alias of \`cell\`) was moved into \`echo.bump(cell)\` on line ${L(3)} and cannot be used again; ${returned}` } }],
    },
    {
      // Moved again on the second iteration.
      code: `${head}export function f(cell: RRef<Cell>, n: number): void {
  for (let i = 0; i < n; i++) {
    const r = echo.bump(cell);
    if (!r.ok) return;
  }
}`,
      errors: [{ messageId: 'violation', data: { message: `\`cell\` was moved into \`echo.bump(cell)\` on line ${L(3)} in an earlier iteration of the loop and cannot be used again; ${returned}` } }],
    },
    {
      // A while loop that uses the handle before moving it.
      code: `${head}export function f(cell: RRef<Cell>): void {
  let i = 0;
  while (i++ < 3) {
    cell.set('value', i);
    echo.bump(cell);
  }
}`,
      errors: [{ messageId: 'violation' }, { messageId: 'violation' }],
    },
    {
      // Moved in one branch, used after the if.
      code: `${head}export function f(cell: RRef<Cell>): number {
  if (flag) {
    echo.bump(cell);
  }
  return cell.get('value');
}`,
      errors: [{ messageId: 'violation', data: { message: `\`cell\` was moved into \`echo.bump(cell)\` on line ${L(3)} and cannot be used again; ${returned}` } }],
    },
    {
      code: `${head}export function f(): number {
  const cell = RRef.new(Cell, { value: 1 });
  cell.drop();
  return cell.get('value');
}`,
      errors: [{ messageId: 'violation', data: { message: `\`cell\` was dropped by \`cell.drop()\` on line ${L(3)} and cannot be used again; allocate a new RRef if you need one` } }],
    },
    {
      // Into a deque, then written through the old handle.
      code: `${head}export function f(q: RRefDeque<Cell, 4>): void {
  const cell = RRef.new(Cell, { value: 1 });
  q.pushBack(cell);
  cell.set('value', 666);
}`,
      errors: [{ messageId: 'violation', data: { message: `\`cell\` was moved into \`q.pushBack(cell)\` on line ${L(3)} and cannot be used again; the container owns it now: take it back out (take, popFront) to use it` } }],
    },
    {
      code: `${head}export function f(slots: RRefArray<Cell, 4>, cell: RRef<Cell>): number {
  slots.set(0, cell);
  return cell.get('value');
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // Stored into a parent RRef, then kept in use.
      code: `${head}export function f(parent: RRef<Holder>): number {
  const child = RRef.new(Cell, { value: 1 });
  parent.put('child', child);
  child.set('value', 2);
  return child.get('value');
}`,
      errors: [{ messageId: 'violation' }, { messageId: 'violation' }],
    },
    {
      // Nested into a new RRef by its initial value.
      code: `${head}export function f(): number {
  const child = RRef.new(Cell, { value: 1 });
  const parent = RRef.new(Holder, { n: 1, child });
  parent.set('n', 2);
  return child.get('value');
}`,
      errors: [{ messageId: 'violation', data: { message: `\`child\` was moved into \`RRef.new(Holder, { n: 1, child })\` on line ${L(3)} and cannot be used again; the container owns it now: take it back out (take, popFront) to use it` } }],
    },
    {
      // One handle passed twice: the second argument is already gone.
      code: `${head}export function f(cell: RRef<Cell>): void {
  echo.pair(cell, cell);
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // Returning a moved handle is a use.
      code: `${head}export function f(cell: RRef<Cell>): RpcResult<RRef<Cell>> {
  echo.bump(cell);
  return ok(cell);
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // A closure made after the move captures a dead handle.
      code: `${head}export function f(cell: RRef<Cell>): () => number {
  echo.bump(cell);
  return () => cell.get('value');
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // The bytes were consumed by the callee.
      code: `${head}export function f(): number {
  const bytes = RRefVec.from(u8, [1, 2, 3]);
  echo.consume(bytes);
  return bytes.length;
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // A call that throws after the move still moved it: the catch sees a dead handle.
      code: `${head}export function f(cell: RRef<Cell>): number {
  try {
    echo.bump(cell);
    if (flag) throw new Error('later');
    return 0;
  } catch {
    return cell.get('value');
  }
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // A local function whose parameter is a handle takes ownership too.
      code: `${head}function keep(c: RRef<Cell>): void { c.drop(); }
export function f(cell: RRef<Cell>): number {
  keep(cell);
  return cell.get('value');
}`,
      errors: [{ messageId: 'violation', data: { message: `\`cell\` was moved into \`keep(cell)\` on line ${L(3)} and cannot be used again; ${returned}` } }],
    },
    {
      // A switch case that falls through after the move.
      code: `${head}export function f(cell: RRef<Cell>, k: number): number {
  switch (k) {
    case 0:
      echo.bump(cell);
    // falls through
    case 1:
      return cell.get('value');
  }
  return 0;
}`,
      errors: [{ messageId: 'violation' }],
    },
    {
      // The moved handle is copied into another variable.
      code: `${head}export function f(cell: RRef<Cell>): RRef<Cell> {
  echo.bump(cell);
  const again = cell;
  return again;
}`,
      errors: [{ messageId: 'violation' }],
    },
  ],
});
