// Shared setup of the driver suites: signed driver artifacts built once, and machines (a kernel
// and an engine) shut down after each test.
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../drivers/hw/engine/engine.ts';
import type { RpcResult } from '../../runtime/lib/index.ts';
import { bundleDomain } from '../../runtime/kernel/bundle.ts';
import type { Kernel } from '../../runtime/kernel/kernel.ts';
import type { Artifact } from '../../signer/artifact.ts';
import { signBundle } from '../../signer/sign.ts';
import { testKey } from '../kernel/support.ts';

const artifacts = new Map<string, Promise<Artifact>>();

/** The signed artifact of a domain under drivers/ (`ixgbe`, `nvme`, `bdev`), built once. */
export function driverArtifact(name: string): Promise<Artifact> {
  let a = artifacts.get(name);
  if (a === undefined) {
    const dir = fileURLToPath(new URL(`../../drivers/${name}/`, import.meta.url));
    artifacts.set(name, (a = bundleDomain(dir).then((b) => signBundle(b, testKey))));
  }
  return a;
}

const running: { kernel: Kernel; engine: Engine }[] = [];

/** Registers a machine for {@link shutdownMachines}. */
export function track(kernel: Kernel, engine: Engine): void {
  running.push({ kernel, engine });
}

/** Shuts down every machine a test made (use in afterEach). */
export async function shutdownMachines(): Promise<void> {
  for (const m of running.splice(0)) {
    m.kernel.shutdown();
    await m.engine.shutdown();
  }
}

export function unwrap<T>(r: RpcResult<T>): T {
  if (!r.ok) throw new Error(`call failed: ${r.error.message}`);
  return r.value;
}
