// Domain bundles: a domain's sources, its copy of the trusted library and the generated glue,
// bundled by esbuild into one script that the kernel evaluates in the domain's realm.
//
// A domain is a folder with domain.json (name, version, entry file, the @create trait its
// entry follows, the interfaces it exports and imports, the capabilities it asks for) and its
// TypeScript sources. The bundle's completion value is its exports object, whose `boot` the
// kernel calls with the domain's environment.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const generatedDir = fileURLToPath(new URL('../idl/generated/', import.meta.url));

import { ManifestError, readManifest } from './manifest.ts';
import type { DomainManifest } from './manifest.ts';

export type { DomainManifest };
export { ManifestError, readManifest };

export interface DomainBundle {
  readonly manifest: DomainManifest;
  /** A script whose completion value is the bundle's exports (with `boot`). */
  readonly code: string;
}


/** The generated module that defines `symbol` (a boot function). */
function glueModuleOf(symbol: string): string {
  for (const f of readdirSync(generatedDir).sort()) {
    if (readFileSync(path.join(generatedDir, f), 'utf8').includes(`export function ${symbol}(`)) return path.join(generatedDir, f);
  }
  throw new ManifestError(`no generated glue defines ${symbol}: is the trait in the IDL, and the glue generated (redleaf-check --idl --generate)?`);
}

/**
 * The realm's intrinsics, bound as locals of the bundle's function. In a node:vm context every
 * lookup of a global name goes through the context's interceptor (about a microsecond); a
 * local binding is a plain load. Same objects, so nothing else changes.
 */
const intrinsics = [
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Math', 'JSON', 'Reflect', 'Promise',
  'Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError', 'AggregateError',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Date', 'RegExp',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array', 'Uint8ClampedArray', 'BigUint64Array', 'BigInt64Array',
  'parseInt', 'parseFloat', 'isFinite', 'isNaN',
];
const prelude = `const { ${intrinsics.join(', ')} } = globalThis;`;

async function bundle(contents: string, resolveDir: string, sourcefile: string): Promise<string> {
  const out = await build({
    stdin: { contents, resolveDir, sourcefile, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2022',
    // Whitespace and syntax only (names stay, so stack traces read): a bundle carries the glue
    // of every interface its create trait's IDL file declares, and rv6 keeps programs in files.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = out.outputFiles[0]!.text;
  // The script's completion value is the exports object; nothing is left on the realm's global.
  return `(function () {\n'use strict';\n${prelude}\nvar module = { exports: {} }, exports = module.exports;\n${text}\nreturn module.exports;\n})()`;
}

/** Bundles the domain in `dir` (its sources, the library and its glue). */
export async function bundleDomain(dir: string): Promise<DomainBundle> {
  const manifest = readManifest(dir);
  const glue = glueModuleOf(`boot${manifest.create}`);
  const entry = path.resolve(dir, manifest.entry);
  const contents = [
    `import { boot${manifest.create} } from ${JSON.stringify(glue)};`,
    `import { create } from ${JSON.stringify(entry)};`,
    `export const boot = boot${manifest.create}(create);`,
  ].join('\n');
  return { manifest, code: await bundle(contents, dir, `${manifest.name}-entry.ts`) };
}

/** Bundles the generic shadow domain of interface `iface`. */
export async function bundleShadow(iface: string): Promise<DomainBundle> {
  const glue = glueModuleOf(`boot${iface}Shadow`);
  const manifest: DomainManifest = Object.freeze({
    name: `${iface.toLowerCase()}-shadow`, version: '1.0.0', entry: glue, create: iface, exports: [iface], imports: [iface], capabilities: ['restart'],
  });
  const contents = `export { boot${iface}Shadow as boot } from ${JSON.stringify(glue)};`;
  return { manifest, code: await bundle(contents, generatedDir, `${manifest.name}-entry.ts`) };
}
