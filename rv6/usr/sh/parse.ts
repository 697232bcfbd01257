// The shell's grammar (a subset of xv6's sh.c): jobs separated by ';' or '&' (run in the
// background), each a pipeline of commands separated by '|', each words with '<', '>' and '>>'
// redirections. Words may be quoted with '' or ""; $? is the last status and $! the last
// background pid (not inside ''), taken when the job runs.

export type Command = {
  readonly argv: string[];
  input: string | undefined;
  output: string | undefined;
  append: boolean;
};

export type Job = { readonly pipeline: Command[]; background: boolean };

export type Vars = { readonly status: number; readonly lastBackground: number };

type Token = { readonly op: string } | { readonly word: string };

const OPS = ['>>', '|', '<', '>', ';', '&'];
const SPACE = ' \t\r\n';

function tokens(line: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] ?? '';
    if (SPACE.includes(c)) { i++; continue; }
    if (c === '#') break;
    const op = OPS.find((o) => line.startsWith(o, i));
    if (op !== undefined) {
      out.push({ op });
      i += op.length;
      continue;
    }
    let word = '';
    while (i < line.length) {
      const d = line[i] ?? '';
      if (SPACE.includes(d) || OPS.some((o) => line.startsWith(o, i))) break;
      if (d === "'" || d === '"') {
        const end = line.indexOf(d, i + 1);
        if (end < 0) return 'unterminated quote';
        const inner = line.slice(i + 1, end);
        word += d === '"' ? expand(inner) : inner;
        i = end + 1;
        continue;
      }
      let j = i;
      while (j < line.length && !SPACE.includes(line[j] ?? '') && line[j] !== "'" && line[j] !== '"' && !OPS.some((o) => line.startsWith(o, j))) j++;
      word += expand(line.slice(i, j));
      i = j;
    }
    out.push({ word });
  }
  return out;
}

/** Marks of $? and $! in words, replaced when their job runs (a line's earlier jobs change them). */
const STATUS_MARK = '\u0001';
const BACKGROUND_MARK = '\u0002';

function expand(text: string): string {
  return text.replaceAll('$?', STATUS_MARK).replaceAll('$!', BACKGROUND_MARK);
}

/** A word with $? and $! replaced by their values now. */
export function substitute(word: string, vars: Vars): string {
  return word.replaceAll(STATUS_MARK, String(vars.status)).replaceAll(BACKGROUND_MARK, String(vars.lastBackground));
}

/** The jobs of a line, or a syntax error's message. */
export function parse(line: string): Job[] | string {
  const ts = tokens(line);
  if (typeof ts === 'string') return ts;
  const jobs: Job[] = [];
  let cmd: Command = { argv: [], input: undefined, output: undefined, append: false };
  let job: Job = { pipeline: [cmd], background: false };
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (t === undefined) break;
    if ('word' in t) {
      cmd.argv.push(t.word);
      continue;
    }
    if (t.op === '<' || t.op === '>' || t.op === '>>') {
      const next = ts[++i];
      if (next === undefined || !('word' in next)) return `missing file name after ${t.op}`;
      if (t.op === '<') cmd.input = next.word;
      else {
        cmd.output = next.word;
        cmd.append = t.op === '>>';
      }
      continue;
    }
    if (cmd.argv.length === 0) return `syntax error near ${t.op}`;
    if (t.op === '|') {
      cmd = { argv: [], input: undefined, output: undefined, append: false };
      job.pipeline.push(cmd);
      continue;
    }
    job.background = t.op === '&';
    jobs.push(job);
    cmd = { argv: [], input: undefined, output: undefined, append: false };
    job = { pipeline: [cmd], background: false };
  }
  if (cmd.argv.length > 0) jobs.push(job);
  else if (job.pipeline.length > 1) return 'syntax error: missing command after |';
  return jobs;
}
