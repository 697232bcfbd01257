#!/usr/bin/env node
// Launcher: runs rv6/host/fsck-cli.ts under tsx's loader, from any working directory.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const tsx = import.meta.resolve('tsx');
const cli = fileURLToPath(import.meta.resolve('./fsck-cli.ts'));
const r = spawnSync(process.execPath, ['--import', tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 2);
