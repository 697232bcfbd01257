// domain.json: what a domain is (name, version, entry), which @create trait its entry follows,
// the interfaces it exports and imports, and the capabilities it asks for. Read by the bundler,
// the checker and (with issue 5) the signer; kept apart from the bundler so that the checker
// and the ESLint plugin do not load esbuild.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DomainManifest {
  readonly name: string;
  readonly version: string;
  /** Entry file, relative to the domain folder; it exports `create`. */
  readonly entry: string;
  /** The @create trait the entry follows. */
  readonly create: string;
  readonly exports: readonly string[];
  readonly imports: readonly string[];
  readonly capabilities: readonly string[];
}

export class ManifestError extends Error {}

/** Reads and checks a domain folder's domain.json. */
export function readManifest(dir: string): DomainManifest {
  const file = path.join(dir, 'domain.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ManifestError(`${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const m = raw as Record<string, unknown>;
  const str = (k: string): string => {
    if (typeof m[k] !== 'string' || m[k] === '') throw new ManifestError(`${file}: '${k}' must be a non-empty string`);
    return m[k];
  };
  const list = (k: string): string[] => {
    const v = m[k] ?? [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ManifestError(`${file}: '${k}' must be a list of strings`);
    return v as string[];
  };
  const manifest = { name: str('name'), version: str('version'), entry: str('entry'), create: str('create'), exports: list('exports'), imports: list('imports'), capabilities: list('capabilities') };
  if (!/^[a-z][a-z0-9-]*$/.test(manifest.name)) throw new ManifestError(`${file}: name '${manifest.name}' must be lower-case letters, digits and dashes`);
  return Object.freeze(manifest);
}
