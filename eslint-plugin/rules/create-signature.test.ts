import rule from './create-signature.ts';
import { IDL, LIB, typedTester } from '../tester.ts';

// The fixture domain's domain.json names CreateEcho: create(label: string, crashOnCall: number, crashEveryMs: number): Echo.
const head = `import { ok } from ${LIB};\nimport type { Syscalls } from ${LIB};\nimport type { Echo } from ${IDL('test.ts')};\ndeclare const impl: Echo;\nvoid ok;\n`;

typedTester().run('create-signature', rule, {
  valid: [
    `${head}export function create(sys: Syscalls, label: string, crashOnCall: number, crashEveryMs: number): Echo { void sys; void label; void crashOnCall; void crashEveryMs; return impl; }`,
    `${head}export const create = (sys: Syscalls, label: string, a: number, b: number): Echo => { void [sys, label, a, b]; return impl; };`,
  ],
  invalid: [
    {
      code: `${head}export function make(sys: Syscalls): Echo { void sys; return impl; }`,
      errors: [{ messageId: 'violation', data: { message: 'the entry main.ts must export a function create(sys: Syscalls, ...) following CreateEcho' } }],
    },
    {
      code: `${head}export function create(sys: Syscalls, label: string): Echo { void sys; void label; return impl; }`,
      errors: [{ messageId: 'violation', data: { message: 'create takes 2 parameters; CreateEcho needs 4: (sys: Syscalls, label: string, crashOnCall: number, crashEveryMs: number) => Echo' } }],
    },
    {
      code: `${head}export function create(sys: Syscalls, label: number, a: number, b: number): Echo { void [sys, label, a, b]; return impl; }`,
      errors: [{ messageId: 'violation', data: { message: "create's parameter 2 ('label': number) does not accept CreateEcho's 'label': string" } }],
    },
    {
      code: `${head}export function create(label: string, sys: Syscalls, a: number, b: number): Echo { void [sys, label, a, b]; return impl; }`,
      errors: [{ messageId: 'violation' }, { messageId: 'violation' }],
    },
    {
      code: `${head}export function create(sys: Syscalls, label: string, a: number, b: number): { ping(): void } { void [sys, label, a, b]; return { ping() {} }; }`,
      errors: [{ messageId: 'violation' }],
    },
  ],
});
