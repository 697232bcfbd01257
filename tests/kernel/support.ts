// Shared setup of the kernel suites: bundles built once per file, kernels with captured output.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../../runtime/kernel/kernel.ts';
import type { KernelOptions } from '../../runtime/kernel/kernel.ts';
import { bundleDomain } from '../../runtime/kernel/bundle.ts';
import { signBundle, signShadow } from '../../signer/sign.ts';
import { generateKey, trustedKeyOf } from '../../signer/keys.ts';
import type { Artifact } from '../../signer/artifact.ts';

/**
 * The key test domains are signed with: made once per test process, trusted only by the
 * kernels testKernel() makes. Test instruments the checker rejects on purpose (the contained
 * probe) are signed with it too; no kernel of the system trusts it.
 */
export const testKey = generateKey();

/**
 * A test domain's folder: tests/kernel/domains/<name>, or tests/fixtures/contained/<name> for
 * domains the checker rejects on purpose (loaded to show the kernel contains them at run time).
 */
export const domainDir = (name: string): string => {
  const own = fileURLToPath(new URL(`./domains/${name}/`, import.meta.url));
  return existsSync(own) ? own : fileURLToPath(new URL(`../fixtures/contained/${name}/`, import.meta.url));
};

const cache = new Map<string, Promise<Artifact>>();

/** The signed artifact of test domain `name`, built once. */
export function testBundle(name: string): Promise<Artifact> {
  let b = cache.get(name);
  if (b === undefined) cache.set(name, (b = bundleDomain(domainDir(name)).then((bundle) => signBundle(bundle, testKey))));
  return b;
}

/** The signed shadow artifact of interface `iface`, built once. */
export function shadowBundle(iface: string): Promise<Artifact> {
  let b = cache.get(`shadow:${iface}`);
  if (b === undefined) cache.set(`shadow:${iface}`, (b = signShadow(iface, testKey)));
  return b;
}

export interface TestKernel {
  readonly kernel: Kernel;
  /** Console lines, as `name: text`. */
  readonly output: string[];
}

export function testKernel(options: Partial<KernelOptions> = {}): TestKernel {
  const output: string[] = [];
  const kernel = new Kernel({
    trusted: [trustedKeyOf(testKey, 'test')],
    heap: { size: 16 * 1024 * 1024, maxObjects: 64 * 1024 },
    console: (d, text) => output.push(`${d.name}: ${text}`),
    ...options,
  });
  kernel.enter();
  return { kernel, output };
}

/** Lets timers and promise jobs run. */
export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
