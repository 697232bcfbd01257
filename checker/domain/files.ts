// The files a domain check covers (kept apart from the verifier: the signer reads it without
// loading the compiler).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The .ts files of a domain folder (recursively), sorted. */
export function domainFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) { if (name !== 'node_modules' && !name.startsWith('.')) visit(p); }
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) out.push(p);
    }
  };
  visit(dir);
  return out;
}

/** What a check report of the domain in `dir` must name: domain.json, its .ts files and the IDL, relative to `root`. */
export function checkInputs(dir: string, root: string): string[] {
  const idlDir = path.join(root, 'runtime', 'idl');
  const idl = readdirSync(idlDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(idlDir, f));
  return [path.join(dir, 'domain.json'), ...domainFiles(dir), ...idl].map((f) => path.relative(root, f).split(path.sep).join('/')).sort();
}
