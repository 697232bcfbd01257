// Shared setup of the kernel suites: bundles built once per file, kernels with captured output.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../../runtime/kernel/kernel.ts';
import type { KernelOptions } from '../../runtime/kernel/kernel.ts';
import { bundleDomain, bundleShadow } from '../../runtime/kernel/bundle.ts';
import type { DomainBundle } from '../../runtime/kernel/bundle.ts';

/**
 * A test domain's folder: tests/kernel/domains/<name>, or tests/fixtures/contained/<name> for
 * domains the checker rejects on purpose (loaded to show the kernel contains them at run time).
 */
export const domainDir = (name: string): string => {
  const own = fileURLToPath(new URL(`./domains/${name}/`, import.meta.url));
  return existsSync(own) ? own : fileURLToPath(new URL(`../fixtures/contained/${name}/`, import.meta.url));
};

const cache = new Map<string, Promise<DomainBundle>>();

/** The bundle of test domain `name` (tests/kernel/domains/<name>), built once. */
export function testBundle(name: string): Promise<DomainBundle> {
  let b = cache.get(name);
  if (b === undefined) cache.set(name, (b = bundleDomain(domainDir(name))));
  return b;
}

/** The shadow bundle of interface `iface`, built once. */
export function shadowBundle(iface: string): Promise<DomainBundle> {
  let b = cache.get(`shadow:${iface}`);
  if (b === undefined) cache.set(`shadow:${iface}`, (b = bundleShadow(iface)));
  return b;
}

export interface TestKernel {
  readonly kernel: Kernel;
  /** Console lines, as `name: text`. */
  readonly output: string[];
}

export function testKernel(options: KernelOptions = {}): TestKernel {
  const output: string[] = [];
  const kernel = new Kernel({ heap: { size: 16 * 1024 * 1024, maxObjects: 64 * 1024 }, console: (d, text) => output.push(`${d.name}: ${text}`), ...options });
  kernel.enter();
  return { kernel, output };
}

/** Lets timers and promise jobs run. */
export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
