// grep: prints the lines that match a pattern, with xv6's tiny regular expressions (Kernighan
// and Pike's): c, '.', 'c*', '^' and '$'.
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { O_RDONLY } from '../../../runtime/idl/fs.ts';
import { Lines, argvOf, print } from '../../../runtime/idl/ulib.ts';

function match(re: string, text: string): boolean {
  if (re.startsWith('^')) return matchHere(re, 1, text, 0);
  for (let t = 0; t <= text.length; t++) if (matchHere(re, 0, text, t)) return true;
  return false;
}

function matchHere(re: string, r: number, text: string, t: number): boolean {
  if (r === re.length) return true;
  if (re[r + 1] === '*') return matchStar(re[r] ?? '', re, r + 2, text, t);
  if (re[r] === '$' && r + 1 === re.length) return t === text.length;
  if (t < text.length && (re[r] === '.' || re[r] === text[t])) return matchHere(re, r + 1, text, t + 1);
  return false;
}

function matchStar(c: string, re: string, r: number, text: string, t: number): boolean {
  for (let i = t; ; i++) {
    if (matchHere(re, r, text, i)) return true;
    if (i >= text.length || (text[i] !== c && c !== '.')) return false;
  }
}

export function create(_sys: Syscalls, rv6: Rv6): Program {
  async function grep(pattern: string, fd: number): Promise<number> {
    const lines = new Lines(rv6, fd);
    let out = '';
    let found = 0;
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      if (!match(pattern, line)) continue;
      found++;
      out += `${line}\n`;
      if (out.length >= 1024) {
        await print(rv6, 1, out);
        out = '';
      }
    }
    if (out !== '') await print(rv6, 1, out);
    return found;
  }

  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const [, pattern, ...files] = argvOf(argv);
      if (pattern === undefined) {
        await print(rv6, 2, 'usage: grep pattern [file ...]\n');
        return ok(2);
      }
      if (files.length === 0) return ok((await grep(pattern, 0)) > 0 ? 0 : 1);
      let found = 0;
      for (const name of files) {
        const fd = await rv6.open(name, O_RDONLY);
        if (!fd.ok || fd.value < 0) {
          await print(rv6, 2, `grep: cannot open ${name}\n`);
          return ok(2);
        }
        found += await grep(pattern, fd.value);
        const c = await rv6.close(fd.value);
        if (!c.ok) return ok(2);
      }
      return ok(found > 0 ? 0 : 1);
    },
  };
}
