// Unhandled rejections and uncaught exceptions of a domain's realm crash that domain, not the
// kernel; the kernel's own still crash the process. Each scenario runs in a child process,
// because the test runner watches process-level faults itself.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describe as describeValue } from '../../runtime/kernel/faults.ts';

const script = fileURLToPath(new URL('./fixtures/faults-run.ts', import.meta.url));
const run = (scenario: string) =>
  spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, scenario], { encoding: 'utf8', timeout: 30_000 });

describe('fault attribution', () => {
  it('attributes each domain realm its own rejections, handled ones excepted', () => {
    const out = run('domains');
    expect(out.status, out.stderr).toBe(0);
    const faults = JSON.parse(out.stdout.trim()) as { domain: number; kind: string; description: string }[];
    // Order depends on when each promise settles; what matters is who is blamed for what.
    const key = (f: { domain: number; description: string }): string => `${f.domain} ${f.description}`;
    expect(faults.sort((x, y) => key(x).localeCompare(key(y)))).toEqual([
      { domain: 11, kind: 'unhandled-rejection', description: 'TypeError: a rejects' },
      { domain: 11, kind: 'unhandled-rejection', description: 'a primitive' },
      { domain: 12, kind: 'unhandled-rejection', description: 'RangeError: b throws after await' },
      { domain: 12, kind: 'unhandled-rejection', description: '[object]' },
      { domain: 12, kind: 'unhandled-rejection', description: '[object]' },
    ].sort((x, y) => key(x).localeCompare(key(y))));
  });

  it('attributes an exception thrown outside any call (a cleanup callback) to its realm', () => {
    const out = run('finalizer');
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout.trim())).toEqual([{ domain: 11, kind: 'uncaught-exception', description: 'Error: cleanup failed' }]);
  });

  it('leaves the kernel own rejections fatal', () => {
    const out = run('kernel');
    expect(out.status).not.toBe(0);
    expect(out.stdout).not.toMatch(/survived/);
    expect(out.stderr).toMatch(/kernel bug/);
  });

  it('describes values without running their code', () => {
    let ran = false;
    const sneaky = {
      get message(): string {
        ran = true;
        return 'x';
      },
      toString(): string {
        ran = true;
        return 'y';
      },
    };
    expect(describeValue(sneaky)).toBe('[object]');
    expect(ran).toBe(false);
    expect(describeValue(new TypeError('t'))).toBe('TypeError: t');
    expect(describeValue(42)).toBe('42');
  });

  it('crashes a kernel-loaded domain whose realm leaves a rejection unhandled, and nothing else', () => {
    const out = run('loaded-domain');
    expect(out.status, out.stderr).toBe(0);
    const r = JSON.parse(out.stdout.trim()) as { first: boolean; bad: { state: string; reason: string }; good: string; goodCall: unknown };
    expect(r.first).toBe(true);
    expect(r.bad.state).toBe('crashed');
    expect(r.bad.reason).toMatch(/unhandled-rejection: Error: bad: unhandled rejection/);
    expect(r.good).toBe('running');
    expect(r.goodCall).toEqual({ ok: true, value: 3 });
  });
});
