// Running the system: init (and through it the shell) as the first process, interactively or
// with a script ('init -c cmds' runs 'sh -c cmds').
import { argvString } from '../../../runtime/idl/ulib.ts';
import type { Machine } from './machine.ts';

export interface RunResult {
  /** The exit status of init: the shell's, the status of its last command. */
  readonly status: number;
  readonly how: string;
}

export async function runInit(m: Machine, script?: string): Promise<RunResult> {
  const argv = argvString(script === undefined ? ['init'] : ['init', '-c', script]);
  const r = await m.core.run('/init', argv);
  if (!r.ok) throw new Error(`the core domain failed: ${r.error.message}`);
  if (r.value.errno !== 0) throw new Error(`init could not start (errno ${r.value.errno})`);
  return { status: r.value.status, how: r.value.how };
}
