// Process and pipe tests: data through a pipe between processes, wait's pid, status and how a
// child ended (exited, crashed, killed), orphans, a reader woken by a writer, and many spawns
// leaving nothing behind. Helper processes are usertests itself ('-child <name> <args>').
import { ANY_CHILD, CRASHED, EXITED, KILLED, NPROC } from '../../../runtime/idl/rv6.ts';
import { O_CREATE, O_WRONLY } from '../../../runtime/idl/fs.ts';
import { EAGAIN, ECHILD, EINTR, EPIPE, ESRCH } from '../../../runtime/idl/errno.ts';
import { Failure, ascii, shown } from './lib.ts';
import type { Child, Test, U } from './lib.ts';

/** xv6's pipe1: 5 writes of 1033 numbered bytes (more than the pipe holds). */
const PIPE_N = 5;
const PIPE_SZ = 1033;

async function pipe(u: U): Promise<{ read: number; write: number }> {
  const r = await u.rv6.pipe();
  u.check(r.ok && r.value.errno === 0, 'pipe failed');
  return r.ok ? { read: r.value.read, write: r.value.write } : { read: -1, write: -1 };
}

async function pipe1(u: U): Promise<void> {
  const p = await pipe(u);
  const pid = await u.mustChild(['pipewriter'], -1, p.write);
  await u.close(p.write);
  let seq = 0;
  let want = 1;
  for (;;) {
    const got = await u.read(p.read, want);
    if (typeof got === 'number') throw new Failure(`read: ${shown(got)}`);
    if (got.length === 0) break;
    for (const b of got) u.check(b === (seq++ & 0xff), `byte ${seq - 1} is ${b}`);
    want = Math.min(want * 2, 3000);
  }
  u.check(seq === PIPE_N * PIPE_SZ, `read ${seq} bytes, expected ${PIPE_N * PIPE_SZ}`);
  await u.close(p.read);
  await u.reap(pid, 'pipewriter');
  // No reader left: EPIPE.
  const q = await pipe(u);
  await u.close(q.read);
  u.fails(await u.write(q.write, ascii('x')), EPIPE, 'write with no reader');
  await u.close(q.write);
}

/** wait answers each child's pid and exit status, then ECHILD. */
async function exitwait(u: U): Promise<void> {
  const want = new Map<number, number>();
  for (let i = 0; i < 12; i++) want.set(await u.mustChild(['exit', String(i * 3)]), i * 3);
  for (let i = 0; i < 12; i++) {
    const w = await u.wait(ANY_CHILD);
    u.check(w.errno === 0 && want.get(w.pid) === w.status && w.how === EXITED, `wait: pid ${w.pid} status ${w.status} ${w.how}`);
    want.delete(w.pid);
  }
  u.fails(-(await u.wait(ANY_CHILD)).errno, ECHILD, 'wait with no children');
  // A given pid, in the reverse order of their ends.
  const pids = [await u.mustChild(['exit', '1']), await u.mustChild(['exit', '2'])];
  u.check((await u.wait(pids[1] ?? 0)).status === 2 && (await u.wait(pids[0] ?? 0)).status === 1, 'wait(pid)');
  u.fails(-(await u.wait(pids[0] ?? 0)).errno, ECHILD, 'wait for a reaped child');
}

async function twochildren(u: U): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const a = await u.mustChild(['exit', '0']);
    const b = await u.mustChild(['exit', '0']);
    await u.reap(a, 'first child');
    await u.reap(b, 'second child');
  }
}

/** kill ends a sleeping child, itself, and one blocked on a pipe: wait says killed. */
async function killstatus(u: U): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const pid = await u.mustChild(['sleep']);
    await u.sleep(1);
    u.good(await u.kill(pid), 'kill');
    const w = await u.wait(pid);
    u.check(w.pid === pid && w.how === KILLED && w.status === -1, `wait after kill: ${w.how} ${w.status}`);
    u.fails(await u.kill(pid), ESRCH, 'kill of a reaped child');
  }
  const self = await u.mustChild(['killself']);
  u.check((await u.wait(self)).how === KILLED, 'a child that killed itself was not killed');
  const p = await pipe(u);
  const pid = await u.mustChild(['block'], p.read);
  await u.sleep(1);
  u.good(await u.kill(pid), 'kill a reader');
  u.check((await u.wait(pid)).how === KILLED, 'the blocked reader was not killed');
  await u.close(p.read);
  await u.close(p.write);
}

/** A child's child outlives it: the grandchild still runs to its end, and is not ours to wait for. */
async function orphans(u: U): Promise<void> {
  await u.unlink('orphan.out');
  await u.reap(await u.mustChild(['orphan']), 'orphan');
  u.fails(-(await u.wait(ANY_CHILD)).errno, ECHILD, 'wait for a grandchild');
  let ticks = 0;
  while (await u.stat('orphan.out') === undefined && ticks++ < 300) await u.sleep(1);
  u.check(ticks < 300, 'the orphan did not finish');
  u.good(await u.unlink('orphan.out'), 'unlink orphan.out');
}

/** A child that throws crashes alone: its pipe end is closed, wait says crashed, we go on. */
async function crash(u: U): Promise<void> {
  const p = await pipe(u);
  const pid = await u.mustChild(['crash'], -1, p.write);
  await u.close(p.write);
  const got = await u.readAll(p.read, 'the crashing child\'s pipe');
  u.check(String.fromCharCode(...got) === 'about to crash\n', 'its output');
  await u.close(p.read);
  const w = await u.wait(pid);
  u.check(w.pid === pid && w.how === CRASHED && w.status === -1, `wait after a crash: ${w.how} ${w.status}`);
  const next = await u.mustChild(['exit', '7']);
  u.check((await u.wait(next)).status === 7, 'a child after the crash');
}

/** A reader blocked on an empty pipe is woken by a write. */
async function preempt(u: U): Promise<void> {
  const p = await pipe(u);
  const pid = await u.mustChild(['reader'], p.read);
  await u.close(p.read);
  await u.sleep(2);
  u.check(await u.write(p.write, ascii('xyz')) === 3, 'write');
  const w = await u.wait(pid);
  u.check(w.how === EXITED && w.status === 3, `the reader ${w.how} with ${w.status}, expected to read 3 bytes`);
  await u.close(p.write);
}

/** Time: uptime counts ticks, sleep waits them; getpid is what spawn answered. */
async function timetest(u: U): Promise<void> {
  const t0 = u.num(await u.rv6.uptime(), 'uptime');
  u.good(await u.sleep(3), 'sleep');
  u.good(await u.sleep(0), 'sleep 0');
  const t1 = u.num(await u.rv6.uptime(), 'uptime');
  u.check(t1 - t0 >= 3, `uptime went from ${t0} to ${t1} over sleep(3)`);
  const me = u.num(await u.rv6.getpid(), 'getpid');
  const p = await pipe(u);
  const pid = await u.mustChild(['getpid'], -1, p.write);
  await u.close(p.write);
  const said = String.fromCharCode(...await u.readAll(p.read, 'pipe'));
  await u.close(p.read);
  await u.reap(pid, 'getpid');
  u.check(me > 0 && said === String(pid) && pid !== me, `the child said pid ${said}; spawn answered ${pid}; ours is ${me}`);
}

/** Children blocked on one pipe until spawn says EAGAIN; all released when it closes. */
async function spawnUntilFull(u: U): Promise<number> {
  const p = await pipe(u);
  const pids: number[] = [];
  for (;;) {
    const pid = await u.child(['block'], p.read);
    if (pid < 0) {
      u.fails(pid, EAGAIN, `spawn number ${pids.length + 1}`);
      break;
    }
    pids.push(pid);
    u.check(pids.length <= NPROC, 'more than NPROC processes');
  }
  await u.close(p.write);
  await u.close(p.read);
  for (const pid of pids) await u.reap(pid, 'blocked child');
  return pids.length;
}

/** Many spawns in a row: processes and descriptors are all given back. */
async function spawnmany(u: U): Promise<void> {
  for (let i = 0; i < 20; i++) await u.reap(await u.mustChild(['exit', '0']), 'child');
  const first = await spawnUntilFull(u);
  const second = await spawnUntilFull(u);
  u.check(first > NPROC / 2 && first === second, `spawned ${first}, then ${second} before EAGAIN`);
}

export const procTests: readonly (readonly [string, Test])[] = [
  ['pipe1', pipe1], ['exitwait', exitwait], ['twochildren', twochildren], ['killstatus', killstatus],
  ['orphans', orphans], ['crash', crash], ['preempt', preempt], ['timetest', timetest], ['spawnmany', spawnmany],
];

export const procChildren: readonly (readonly [string, Child])[] = [
  ['exit', async (_u, args) => Number.parseInt(args[0] ?? '0', 10)],
  ['pipewriter', async (u) => {
    let seq = 0;
    for (let n = 0; n < PIPE_N; n++) {
      const buf = new Uint8Array(PIPE_SZ);
      for (let i = 0; i < PIPE_SZ; i++) buf[i] = seq++ & 0xff;
      u.check(await u.write(1, buf) === PIPE_SZ, 'pipewriter: short write');
    }
    return 0;
  }],
  ['sleep', async (u) => (await u.sleep(100_000) === -EINTR ? 0 : 1)],
  ['block', async (u) => {
    await u.readAll(0, 'block');
    return 0;
  }],
  ['killself', async (u) => {
    await u.kill(u.num(await u.rv6.getpid(), 'getpid'));
    await u.sleep(100);
    return 0;
  }],
  ['reader', async (u) => {
    const got = await u.read(0, 100);
    return typeof got === 'number' ? 100 : got.length;
  }],
  ['crash', async (u) => {
    u.check(await u.write(1, ascii('about to crash\n')) === 15, 'write');
    throw new Error('crashing on purpose');
  }],
  ['orphan', async (u) => {
    u.good(await u.child(['late'], -1, -1, -1), 'spawn late');
    return 0;
  }],
  ['late', async (u) => {
    await u.sleep(5);
    await u.writeFile('orphan.out', ascii('late'), O_CREATE | O_WRONLY);
    return 0;
  }],
  ['getpid', async (u) => {
    u.check(await u.write(1, ascii(String(u.num(await u.rv6.getpid(), 'getpid')))) > 0, 'write');
    return 0;
  }],
];
