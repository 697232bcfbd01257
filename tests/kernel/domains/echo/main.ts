// The kernel's test domain: every kind of crossing, and crashes on demand.
import { ok } from '../../../../runtime/lib/index.ts';
import type { Borrowed, RRef, RpcResult, Syscalls, RRefVec } from '../../../../runtime/lib/index.ts';
import type { CellPair, Echo, SysInfo } from '../../../../runtime/idl/test.ts';
import type { Cell } from '../../../../runtime/idl/layouts.ts';

export function create(sys: Syscalls, label: string, crashOnCall: number, crashEveryMs: number): Echo {
  let served = 0;
  const kept: RRefVec<number>[] = [];
  const count = (): void => {
    served++;
    if (served === crashOnCall) throw new Error(`${label}: crash injected on call ${served}`);
  };
  sys.print(`${label} up`);
  if (crashEveryMs > 0) {
    sys.spawn('crasher', async () => {
      await sys.sleep(crashEveryMs);
      throw new Error(`${label}: crash injected after ${crashEveryMs} ms`);
    });
  }
  return {
    ping(): RpcResult<undefined> {
      count();
      return ok(undefined);
    },
    add(a: number, b: number): RpcResult<number> {
      count();
      return ok(a + b);
    },
    bump(cell: RRef<Cell>): RpcResult<RRef<Cell>> {
      cell.set('value', cell.get('value') + 1);
      count();
      return ok(cell);
    },
    peek(cell: Borrowed<RRef<Cell>>): RpcResult<number> {
      count();
      return ok(cell.get('value'));
    },
    consume(bytes: RRefVec<number>): RpcResult<number> {
      count();
      kept.push(bytes);
      return ok(bytes.length);
    },
    async later(value: number, ms: number): Promise<RpcResult<number>> {
      count();
      await sys.sleep(ms);
      if (value < 0) throw new Error(`${label}: crash after an await`);
      return ok(value * 2);
    },
    forward(next: Echo, a: number, b: number): RpcResult<number> {
      count();
      return next.add(a, b);
    },
    crash(message: string): RpcResult<undefined> {
      // A rejection nobody handles, raised in this realm: the kernel's fault router must crash us.
      if (message === 'unhandled') {
        void Promise.reject(new Error(`${label}: unhandled rejection`));
        return ok(undefined);
      }
      throw new Error(message);
    },
    crashVia(next: Echo, message: string): RpcResult<undefined> {
      count();
      return next.crash(message);
    },
    async laterVia(next: Echo, value: number, ms: number): Promise<RpcResult<number>> {
      count();
      return next.later(value, ms);
    },
    calls(): RpcResult<number> {
      return ok(served);
    },
    pair(first: RRef<Cell>, second: RRef<Cell>): RpcResult<CellPair> {
      count();
      return ok({ first: second, second: first, sum: first.get('value') + second.get('value') });
    },
    async sysInfo(): Promise<RpcResult<SysInfo>> {
      count();
      const start = sys.now();
      await sys.yield();
      await sys.sleep(1);
      const heap = sys.heapStats();
      return ok({ domainId: sys.domainId(), objects: heap.objects, bytes: heap.bytes, waitedMs: sys.now() - start });
    },
  };
}
