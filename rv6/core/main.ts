// The rv6 core domain: processes, descriptors, pipes and the console, over the file system and
// the host's loader and terminal; it passes the raw NVMe and NIC interfaces on to programs. The
// host runs the first process (init) through Rv6Core.
import { ok } from '../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../runtime/lib/index.ts';
import type { FileSystem } from '../../runtime/idl/fs.ts';
import type { Net } from '../../runtime/idl/net.ts';
import type { NvmeBDev } from '../../runtime/idl/nvme.ts';
import type { Console, Loader, Rv6Core, RvWait } from '../../runtime/idl/rv6.ts';
import { EXITED } from '../../runtime/idl/rv6.ts';
import { EBUSY, EIO } from '../../runtime/idl/errno.ts';
import { ConsoleDevice } from './console.ts';
import type { File } from './file.ts';
import { syscallsFor } from './syscall.ts';
import type { RawDevices } from './syscall.ts';
import { ProcTable } from './table.ts';
import { WaitQueue } from './wait.ts';

export function create(sys: Syscalls, fs: FileSystem, loader: Loader, console: Console, nvme: NvmeBDev, net: Net): Rv6Core {
  const raw: RawDevices = { nvme, net };
  const table = new ProcTable(sys, fs, loader, { fs, console: new ConsoleDevice(console) });
  let halted = false;
  const haltQueue = new WaitQueue();
  const halt = (): void => {
    halted = true;
    haltQueue.wakeAll();
  };
  table.syscallsOf = syscallsFor(sys, fs, table, halt, sys.now(), raw);
  let running = false;

  return {
    async run(path: string, argv: string): Promise<RpcResult<RvWait>> {
      if (running) return ok({ errno: EBUSY, pid: 0, status: -1, how: '' });
      running = true;
      halted = false;
      const root = await fs.root();
      if (!root.ok || root.value.errno !== 0) return ok({ errno: EIO, pid: 0, status: -1, how: '' });
      const consoleFile: File = { kind: 'console', refs: 0, readable: true, writable: true };
      const pid = await table.spawn(0, root.value.ref, path, argv, [consoleFile, consoleFile, consoleFile]);
      const closed = await fs.close(root.value.ref);
      if (!closed.ok) return ok({ errno: EIO, pid: 0, status: -1, how: '' });
      if (pid < 0) {
        running = false;
        return ok({ errno: -pid, pid: 0, status: -1, how: '' });
      }
      // The first process has no parent to wait for it: watch the table instead.
      const first = table.procs.get(pid);
      while (!halted && first !== undefined && first.state !== 'zombie') {
        await Promise.race([haltQueue.wait(), table.ended.wait()]);
      }
      await table.killAll();
      // Give the killed programs' mains a turn to settle, so their descriptors are released.
      for (let i = 0; i < 100 && [...table.procs.values()].some((q) => q.state !== 'zombie'); i++) await sys.sleep(1);
      table.procs.clear();
      running = false;
      if (first === undefined) return ok({ errno: 0, pid, status: 0, how: EXITED });
      return ok(halted ? { errno: 0, pid, status: 0, how: EXITED } : { errno: 0, pid, status: first.status, how: first.how });
    },
    devices(n: NvmeBDev, k: Net): RpcResult<undefined> {
      raw.nvme = n;
      raw.net = k;
      return ok(undefined);
    },
  };
}
