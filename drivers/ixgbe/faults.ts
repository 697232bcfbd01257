// Fault injection, for the recovery tests and benchmark: a driver created with a plan crashes
// (throws out of a call, as a bug would) once it has submitted N requests (`requests:N`: buffers given to the device, either direction), or on
// its first call after N milliseconds (`ms:N`). The plan '' injects nothing.
import type { Syscalls } from '../../runtime/lib/index.ts';

/** Called with the running count of submitted requests; throws when the plan says so. */
export type FaultCheck = (submitted: number) => void;

export function faultPlan(sys: Syscalls, plan: string): FaultCheck {
  if (plan === '') return () => undefined;
  const [kind, count] = plan.split(':');
  const n = Number(count);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`ixgbe: bad fault plan '${plan}' (expected '', requests:N or ms:N)`);
  if (kind === 'requests') {
    return (submitted) => {
      if (submitted >= n) throw new Error(`ixgbe: injected fault at request ${n}`);
    };
  }
  if (kind === 'ms') {
    const due = sys.now() + n;
    return () => {
      if (sys.now() >= due) throw new Error(`ixgbe: injected fault after ${n} ms`);
    };
  }
  throw new Error(`ixgbe: bad fault plan '${plan}' (expected '', requests:N or ms:N)`);
}
