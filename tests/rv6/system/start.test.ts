// `npm start` as a person uses it: the real boot script in its own process, the shell on its
// standard input and output, `halt` or the end of input shutting it down with the disk flushed,
// and files still there at the next boot. (Domains are built first, as `npm start` does.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'rv6-start-'));
const disk = path.join(dir, 'disk.img');

function start(input: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'rv6', 'boot.ts'), '--no-build', '--disk', disk, ...args], {
    cwd: root, input, encoding: 'utf8', timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm start', () => {
  beforeAll(() => {
    const b = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'signer', 'build.ts')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(b.status, b.stderr).toBe(0);
  }, 130_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the shell on standard input and output, and halts with the disk flushed', () => {
    const r = start('echo hello rv6\nmkdir d\necho kept > d/f\ncat d/f | wc\nhalt\necho never\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('$ ');
    expect(r.stdout).toContain('hello rv6');
    expect(r.stdout).toMatch(/1 1 5/);
    expect(r.stdout).not.toContain('never');
    expect(r.stderr).toMatch(/rv6: halted, disk flushed/);
  }, 60_000);

  it('shuts down at the end of input, and the next boot finds the files', () => {
    expect(start('echo again >> d/f\n').status).toBe(0);
    const r = start('', '--exec', 'cat d/f; ls d | wc');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['kept', 'again']);
    expect(lines[2]).toMatch(/^3 /); // ".", ".." and f
    expect(r.status).toBe(0);
  }, 60_000);

  it('exits with the status of the last --exec command', () => {
    expect(start('', '--exec', 'echo x; exit 3').status).toBe(3);
    expect(start('', '--exec', 'nosuchprogram').status).toBe(127);
  }, 60_000);
});
