import rule from './exchangeable-types.ts';
import { IDL, LIB, hostFile, typedTester } from '../tester.ts';

const head = `import { RRef, RRefArray, RRefDeque, struct, u32 } from ${LIB};\nimport type { Infer } from ${LIB};\nimport { Cell } from ${IDL('layouts.ts')};\n`;

typedTester().run('exchangeable-types', rule, {
  valid: [
    `${head}export function f(c: RRef<Cell>): RRef<Cell> { return c; }`,
    `${head}const Pair = struct({ a: u32, b: u32 });\ntype Pair = Infer<typeof Pair>;\nexport let p: RRef<Pair> | undefined;`,
    `${head}export type Ring = RRefDeque<Cell, 32>;`,
    `${head}export type Table = RRefArray<Cell, 8>;`,
    `import type { Borrowed } from ${LIB};\n${head}export function peek(c: Borrowed<RRef<Cell>>): number { return c.get('value'); }`,
    // Outside a domain folder the rule says nothing.
    { code: `${head}export type Bad = RRef<{ f: () => void }>;`, filename: hostFile },
  ],
  invalid: [
    {
      code: `${head}export type Bad = RRef<{ f: () => void }>;`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export type Bad = RRef<{ when: Date }>;`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export type Bad = RRefDeque<{ name: string }, 4>;`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export type Bad = RRef<Map<number, number>>;`,
      errors: [{ messageId: 'violation' }],
    },
  ],
});
