// A cable between two ports (or from a port to itself): what one transmits, the other receives
// at once. There is no buffering on a cable: a frame that finds no descriptor at the far end is
// missed there (counted in that port's MPC).
import type { FrameReceiver, FrameSink } from './frames.ts';

export class LoopbackEnd implements FrameSink {
  /** Frames the far end could not take. */
  dropped = 0;
  constructor(private readonly far: FrameReceiver) {}
  transmit(src: Uint8Array, off: number, len: number): void {
    if (!this.far.receive(src, off, len)) this.dropped++;
  }
}

/** Anything with a transmit side to plug a wire into and a receive side. */
export interface Port extends FrameReceiver {
  attach(sink: FrameSink | undefined, source: undefined): void;
}

/** Cables `a` to `b` in both directions. */
export function connectLoopback(a: Port, b: Port): void {
  a.attach(new LoopbackEnd(b), undefined);
  if (b !== a) b.attach(new LoopbackEnd(a), undefined);
}
