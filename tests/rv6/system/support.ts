// An rv6 machine for the system tests: every domain signed with the test key, a fresh image in
// memory with the programs (and the crash test program) installed, and scripts run through init
// and 'sh -c', as `npm start -- --exec` runs them.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleDomain } from '../../../runtime/kernel/bundle.ts';
import { trustedKeyOf } from '../../../signer/keys.ts';
import { signBundle } from '../../../signer/sign.ts';
import type { Artifact } from '../../../signer/artifact.ts';
import { scriptTerminal } from '../../../rv6/host/boot/console.ts';
import { makeImage } from '../../../rv6/host/boot/image.ts';
import { bootMachine } from '../../../rv6/host/boot/machine.ts';
import type { Machine, SystemArtifacts } from '../../../rv6/host/boot/machine.ts';
import { runInit } from '../../../rv6/host/boot/run.ts';
import { testKey } from '../../kernel/support.ts';

const root = (rel: string): string => fileURLToPath(new URL(`../../../${rel}/`, import.meta.url));
const sign = async (dir: string): Promise<Artifact> => signBundle(await bundleDomain(dir), testKey);

let built: Promise<{ system: SystemArtifacts; image: Uint8Array }> | undefined;

/** The system's artifacts and an image with every program, built once per test file. */
export function system(): Promise<{ system: SystemArtifacts; image: Uint8Array }> {
  built ??= (async () => {
    const [nvme, nvmeShadow, ixgbe, ixgbeShadow, bdev, fs, core] = await Promise.all(
      ['drivers/nvme', 'drivers/nvme-shadow', 'drivers/ixgbe', 'drivers/ixgbe-shadow', 'drivers/bdev', 'rv6/fs', 'rv6/core'].map((d) => sign(root(d))));
    const programs = new Map<string, string>();
    for (const name of readdirSync(root('rv6/usr')).sort()) programs.set(name, JSON.stringify(await sign(root(`rv6/usr/${name}`))));
    programs.set('crash', JSON.stringify(await sign(root('tests/rv6/domains/crash'))));
    programs.set('notaprogram', '{"format":"redleaf-domain-artifact/1","bundle":"x"}');
    programs.set('fsdomain', JSON.stringify(fs));
    return { system: { nvme: nvme!, nvmeShadow: nvmeShadow!, ixgbe: ixgbe!, ixgbeShadow: ixgbeShadow!, bdev: bdev!, fs: fs!, core: core! }, image: makeImage(programs) };
  })();
  return built;
}

export interface Booted {
  readonly machine: Machine;
  readonly log: string[];
  /** Runs a script as `npm start -- --exec` does: its output and the status of its last command. */
  exec(script: string): Promise<{ out: string; status: number }>;
  shutdown(): Promise<void>;
}

export async function boot(): Promise<Booted> {
  const { system: artifacts, image } = await system();
  const log: string[] = [];
  let term = scriptTerminal();
  const machine = await bootMachine({
    trusted: [trustedKeyOf(testKey, 'test')],
    artifacts,
    disk: { image },
    terminal: { write: (b) => term.write(b), read: () => term.read() },
    log: (line) => log.push(line),
  });
  return {
    machine,
    log,
    async exec(script: string) {
      term = scriptTerminal();
      const r = await runInit(machine, script);
      return { out: term.output(), status: r.status };
    },
    shutdown: () => machine.shutdown(),
  };
}
