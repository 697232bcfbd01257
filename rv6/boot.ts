// `npm start`: builds and signs the domains that are out of date, makes the disk image on first
// run (the user programs installed in it as files holding their signed artifacts), boots the
// machine and runs init, which runs the shell on this terminal. `halt` or the end of input
// shuts down with the disk flushed.
//
//   npm start [-- --disk <image>] [--exec '<shell commands>']
//
// With --exec, the commands run through 'sh -c'; only their output goes to stdout (boot
// messages go to stderr), and the exit status is the last command's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { artifactFile, defaults, repoRoot } from '../signer/cli.ts';
import { readTrustedKeys } from '../signer/keys.ts';
import { scriptTerminal, stdioTerminal } from './host/boot/console.ts';
import type { Terminal } from './host/boot/console.ts';
import { makeImage } from './host/boot/image.ts';
import { installFile } from './host/boot/install.ts';
import { bootMachine } from './host/boot/machine.ts';
import { runInit } from './host/boot/run.ts';

const say = (line: string): void => { process.stderr.write(`${line}\n`); };

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { disk: { type: 'string' }, exec: { type: 'string' }, help: { type: 'boolean', short: 'h' }, 'no-build': { type: 'boolean' } },
  });
  if (values.help === true) {
    say('usage: npm start [-- --disk <image>] [--exec \'<shell commands>\'] [--no-build]');
    return 0;
  }
  const t0 = performance.now();
  if (values['no-build'] !== true) {
    const b = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'signer', 'build.ts')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    const signed = b.stdout.split('\n').filter((l) => l !== '' && !l.endsWith('up to date'));
    for (const l of signed) say(`build: ${l}`);
    if (b.status !== 0) {
      say('rv6: some domains could not be built (npm run build:domains says why)');
      if (b.status !== 1) return 2;
    }
  }
  const artifact = (name: string): string => readFileSync(artifactFile(defaults.out, name), 'utf8');
  const usr = path.join(repoRoot, 'rv6', 'usr');
  const programs = new Map<string, string>();
  let newest = 0;
  for (const name of readdirSync(usr).sort()) {
    if (!existsSync(path.join(usr, name, 'domain.json'))) continue;
    const file = artifactFile(defaults.out, `rv6-${name}`);
    if (!existsSync(file)) continue;
    programs.set(name, readFileSync(file, 'utf8'));
    newest = Math.max(newest, statSync(file).mtimeMs);
  }
  const disk = path.resolve(values.disk ?? path.join(repoRoot, 'build', 'rv6.img'));
  let stale = false;
  if (!existsSync(disk)) {
    mkdirSync(path.dirname(disk), { recursive: true });
    writeFileSync(disk, makeImage(programs));
    say(`rv6: made ${path.relative(process.cwd(), disk)} with ${programs.size} programs`);
  } else stale = statSync(disk).mtimeMs < newest;

  const exec = values.exec;
  const terminal: Terminal = exec === undefined ? stdioTerminal() : { write: (b) => { process.stdout.write(b); }, read: scriptTerminal().read };
  const machine = await bootMachine({
    trusted: readTrustedKeys(defaults.trusted),
    artifacts: { nvme: artifact('nvme'), nvmeShadow: artifact('nvme-shadow'), ixgbe: artifact('ixgbe'), ixgbeShadow: artifact('ixgbe-shadow'), bdev: artifact('bdev'), fs: artifact('rv6-fs'), core: artifact('rv6-core') },
    disk: { file: disk },
    terminal,
    log: say,
  });
  try {
    if (stale) {
      for (const [name, text] of programs) await installFile(machine.fs, `/${name}`, new Uint8Array(Buffer.from(text)));
      say(`rv6: installed ${programs.size} rebuilt programs`);
    }
    if (exec === undefined) say(`rv6: booted in ${Math.round(performance.now() - t0)} ms; 'halt' or end of input (Ctrl-D) shuts down`);
    const r = await runInit(machine, exec);
    return r.status & 0xff;
  } finally {
    await machine.shutdown();
    if (exec === undefined) say('rv6: halted, disk flushed');
  }
}

process.exit(await main());
