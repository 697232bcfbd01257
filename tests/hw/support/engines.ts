// Runs a suite against both engines and waits for device progress without timing bounds: the
// inline engine is stepped, the threaded one is given time, and a generous iteration cap turns a
// hang into a failed assertion instead of a stuck test run.
import { InlineEngine } from '../../../drivers/hw/engine/inline.ts';
import { ThreadedEngine } from '../../../drivers/hw/engine/threaded.ts';
import type { Engine } from '../../../drivers/hw/engine/engine.ts';
import type { DmaMemory } from '../../../drivers/hw/dma.ts';

export const ENGINE_KINDS = ['inline', 'threaded'] as const;
export type Kind = (typeof ENGINE_KINDS)[number];

export function makeEngine(kind: Kind, dma: DmaMemory): Engine {
  return kind === 'inline' ? new InlineEngine(dma) : new ThreadedEngine(dma);
}

const nap = new Int32Array(new SharedArrayBuffer(4));

/** Polls `cond` until true; returns false if it never became true within `rounds` tries. */
export function waitUntil(engine: Engine, cond: () => boolean, rounds = 200_000): boolean {
  for (let i = 0; i < rounds; i++) {
    if (cond()) return true;
    engine.poll();
    if (engine.kind === 'threaded' && i > 100) Atomics.wait(nap, 0, 0, 0.05);
  }
  return cond();
}

/**
 * Lets the devices finish what they can do now. Inline: step until idle. Threaded: the device
 * thread serves one mailbox request per loop round, so a few round trips guarantee it has
 * stepped every device since the caller's last write.
 */
export function settle(engine: Engine): void {
  if (engine instanceof InlineEngine) {
    engine.settle();
    return;
  }
  for (let i = 0; i < 3; i++) engine.control(0, 0, 0);
}
