// Folders the checker's suites use; no compiler is loaded here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const fixturesDir = path.join(here, 'fixtures');
export const snapshotFile = path.join(here, 'idl-model.snapshot.json');
