// Builds and runs the C baseline (bench/lang/hashtable.c) with the system gcc.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Checksum, ImplRun, Workload } from './workload.ts';

const source = fileURLToPath(new URL('./hashtable.c', import.meta.url));
const buildDir = fileURLToPath(new URL('../../build/lang/', import.meta.url));

export class GccMissingError extends Error {}

/** gcc --version's first line, or undefined if gcc cannot be run. */
export function gccVersion(): string | undefined {
  const r = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split('\n')[0]?.trim();
}

/** Compiles hashtable.c with `gcc -O2` into build/lang/ and returns the binary's path. */
export function buildC(outDir: string = buildDir): string {
  if (gccVersion() === undefined) {
    throw new GccMissingError('gcc not found on PATH: the lang benchmark needs gcc to build its C baseline (bench/lang/hashtable.c)');
  }
  mkdirSync(outDir, { recursive: true });
  const binary = path.join(outDir, 'hashtable');
  const r = spawnSync('gcc', ['-O2', '-std=c11', '-Wall', '-Wextra', '-o', binary, source], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc -O2 failed on ${source}:\n${r.stderr}`);
  return binary;
}

interface COutput {
  size_log2: number;
  set_ns: number[];
  get_ns: number[];
  checksum: Checksum;
}

/** Runs the C workload for `w`'s size; the C program regenerates the same keys itself. */
export function runC(binary: string, w: Workload, samples: number): ImplRun {
  const log2 = w.log2;
  const args = [log2, samples, w.lookups, w.missing.length / 2].map(String);
  const stdout = execFileSync(binary, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  const out = JSON.parse(stdout) as COutput;
  if (out.size_log2 !== log2 || out.set_ns.length !== samples || out.get_ns.length !== samples) {
    throw new Error(`unexpected output from ${binary}: ${stdout.slice(0, 200)}`);
  }
  return { set_ns: out.set_ns, get_ns: out.get_ns, checksum: out.checksum };
}
