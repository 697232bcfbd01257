// sh: the rv6 shell. Reads command lines from its input (or runs 'sh -c line'), builds each
// pipeline from pipes and redirections, spawns its programs and waits for the foreground ones.
// Built in: cd, exit [status], wait, halt.
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { ANY_CHILD, CRASHED, EXITED, KILLED } from '../../../runtime/idl/rv6.ts';
import { O_CREATE, O_RDONLY, O_TRUNC, O_WRONLY } from '../../../runtime/idl/fs.ts';
import { Lines, argvOf, argvString, errstr, print } from '../../../runtime/idl/ulib.ts';
import { parse, substitute } from './parse.ts';
import type { Command, Job } from './parse.ts';

/** Statuses of a program that did not exit: 128 + the signal a Unix shell would report. */
const STATUS_CRASHED = 134;
const STATUS_KILLED = 137;

export function create(_sys: Syscalls, rv6: Rv6): Program {
  let status = 0;
  let lastBackground = 0;
  let exitRequested: number | undefined;

  const warn = async (text: string): Promise<void> => {
    await print(rv6, 2, `sh: ${text}\n`);
  };

  async function close(fd: number): Promise<void> {
    const r = await rv6.close(fd);
    if (!r.ok) await warn('close failed');
  }

  /** Opens a redirection's file; the fd, or -1 after saying why. */
  async function redirect(path: string, write: boolean, append: boolean): Promise<number> {
    const flags = write ? O_WRONLY | O_CREATE | (append ? 0 : O_TRUNC) : O_RDONLY;
    const fd = await rv6.open(path, flags);
    if (!fd.ok || fd.value < 0) {
      await warn(`cannot open ${path}: ${fd.ok ? errstr(fd.value) : 'EIO'}`);
      return -1;
    }
    if (append) {
      const st = await rv6.fstat(fd.value);
      if (st.ok && st.value.errno === 0) {
        const s = await rv6.seek(fd.value, st.value.size);
        if (!s.ok) return -1;
      }
    }
    return fd.value;
  }

  /** What a wait says, as a status (and a word when it did not exit). */
  async function ended(pid: number, name: string): Promise<number> {
    const w = await rv6.wait(pid);
    if (!w.ok || w.value.errno !== 0) return 1;
    if (w.value.how === EXITED) return w.value.status;
    if (w.value.how === CRASHED) {
      await warn(`${name} (pid ${pid}) crashed`);
      return STATUS_CRASHED;
    }
    if (w.value.how === KILLED) return STATUS_KILLED;
    return 1;
  }

  async function builtin(argv: readonly string[]): Promise<number | undefined> {
    switch (argv[0]) {
      case 'cd': {
        const r = await rv6.chdir(argv[1] ?? '/');
        if (!r.ok || r.value < 0) {
          await warn(`cannot cd ${argv[1] ?? '/'}: ${r.ok ? errstr(r.value) : 'EIO'}`);
          return 1;
        }
        return 0;
      }
      case 'exit':
        exitRequested = argv[1] === undefined ? status : Number.parseInt(argv[1], 10) || 0;
        return exitRequested;
      case 'wait': {
        for (;;) {
          const w = await rv6.wait(ANY_CHILD);
          if (!w.ok || w.value.errno !== 0) return 0;
        }
      }
      case 'halt': {
        exitRequested = 0;
        const r = await rv6.halt();
        return r.ok ? 0 : 1;
      }
      default:
        return undefined;
    }
  }

  /** Starts a pipeline; the pids started, in order (-1 where a command failed to start). */
  async function start(pipeline: readonly Command[]): Promise<number[]> {
    const pids: number[] = [];
    let prevRead = -1;
    for (let i = 0; i < pipeline.length; i++) {
      const cmd = pipeline[i];
      if (cmd === undefined) break;
      const last = i === pipeline.length - 1;
      let pipeRead = -1, pipeWrite = -1;
      if (!last) {
        const p = await rv6.pipe();
        if (!p.ok || p.value.errno !== 0) {
          await warn('pipe failed');
          break;
        }
        pipeRead = p.value.read;
        pipeWrite = p.value.write;
      }
      let stdin = prevRead >= 0 ? prevRead : 0;
      let stdout = pipeWrite >= 0 ? pipeWrite : 1;
      const opened: number[] = [];
      let ok = true;
      if (cmd.input !== undefined) {
        stdin = await redirect(cmd.input, false, false);
        if (stdin < 0) ok = false;
        else opened.push(stdin);
      }
      if (ok && cmd.output !== undefined) {
        stdout = await redirect(cmd.output, true, cmd.append);
        if (stdout < 0) ok = false;
        else opened.push(stdout);
      }
      const name = cmd.argv[0] ?? '';
      let pid = -1;
      if (ok) {
        const r = await rv6.spawn(name, argvString(cmd.argv), stdin, stdout, 2);
        if (!r.ok) pid = -1;
        else if (r.value < 0) await warn(`${name}: ${errstr(r.value)}`);
        else pid = r.value;
      }
      pids.push(pid);
      for (const fd of opened) await close(fd);
      if (prevRead >= 0) await close(prevRead);
      if (pipeWrite >= 0) await close(pipeWrite);
      prevRead = pipeRead;
    }
    if (prevRead >= 0) await close(prevRead);
    return pids;
  }

  async function runJob(parsed: Job): Promise<void> {
    const vars = { status, lastBackground };
    const job: Job = {
      background: parsed.background,
      pipeline: parsed.pipeline.map((c) => ({
        argv: c.argv.map((w) => substitute(w, vars)),
        input: c.input === undefined ? undefined : substitute(c.input, vars),
        output: c.output === undefined ? undefined : substitute(c.output, vars),
        append: c.append,
      })),
    };
    const first = job.pipeline[0];
    if (job.pipeline.length === 1 && first !== undefined) {
      const b = await builtin(first.argv);
      if (b !== undefined) {
        status = b;
        return;
      }
    }
    const pids = await start(job.pipeline);
    if (job.background) {
      lastBackground = pids[pids.length - 1] ?? -1;
      status = 0;
      return;
    }
    let last = 127;
    for (let i = 0; i < pids.length; i++) {
      const pid = pids[i] ?? -1;
      last = pid < 0 ? 127 : await ended(pid, job.pipeline[i]?.argv[0] ?? '');
    }
    status = last;
  }

  async function runLine(line: string): Promise<void> {
    const jobs = parse(line);
    if (typeof jobs === 'string') {
      await warn(jobs);
      status = 2;
      return;
    }
    for (const job of jobs) {
      await runJob(job);
      if (exitRequested !== undefined) return;
    }
  }

  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const args = argvOf(argv);
      if (args[1] === '-c') {
        await runLine(args[2] ?? '');
        return ok(exitRequested ?? status);
      }
      const input = new Lines(rv6, 0);
      for (;;) {
        await print(rv6, 2, '$ ');
        const line = await input.next();
        if (line === undefined) return ok(status);
        await runLine(line);
        if (exitRequested !== undefined) return ok(exitRequested);
      }
    },
  };
}
