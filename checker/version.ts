// Versions a signed statement names and the kernel accepts; kept apart from the checker so the
// kernel can read them without loading it.
import { readFileSync } from 'node:fs';

/** Bumped whenever a rule changes what it accepts: check reports and signatures name it. */
export const POLICY_VERSION = '1';

export const TOOL_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
