// Writes a benchmark's JSON result and SVG chart under bench/results/.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

/** Where results go: bench/results, or BENCH_RESULTS_DIR (smoke runs in tests write elsewhere). */
export const resultsDir = process.env['BENCH_RESULTS_DIR'] ?? fileURLToPath(new URL('../results/', import.meta.url));

/** Describes the machine and runtime a result was measured on. */
export function environment(): Record<string, string | number> {
  const cpu = os.cpus()[0];
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpu ? cpu.model : 'unknown',
    cores: os.cpus().length,
    platform: `${os.platform()}-${os.arch()}`,
  };
}

export async function writeResult(name: string, data: object): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.json`);
  const body = { benchmark: name, measured_at: new Date().toISOString(), environment: environment(), ...data };
  await writeFile(file, JSON.stringify(body, null, 2) + '\n');
  return file;
}

export async function writeChart(name: string, svg: string): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.svg`);
  await writeFile(file, svg);
  return file;
}
