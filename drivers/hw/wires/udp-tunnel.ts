// Carries Ethernet frames in UDP datagrams (one frame per datagram, no FCS), so a real host can
// sit at the other end of the modeled wire, e.g.
//   socat UDP4-DATAGRAM:127.0.0.1:<port>,bind=127.0.0.1:<peer> TUN,tun-type=tap,iff-up
// Received datagrams wait in a bounded queue until the port has descriptors for them.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import type { FrameReceiver, FrameSink, FrameSource } from './frames.ts';

export interface UdpTunnelOptions {
  /** Local port to bind (0 picks one; see {@link UdpTunnel.ready}). */
  localPort: number;
  /** Address to bind; defaults to 127.0.0.1. */
  localHost?: string;
  remotePort: number;
  remoteHost?: string;
  /** Frames held while the port has no descriptors; more are dropped. */
  queueLimit?: number;
}

const MAX_FRAME = 9018;

export class UdpTunnel implements FrameSink, FrameSource {
  private readonly socket: Socket;
  private readonly queue: Uint8Array[] = [];
  private readonly limit: number;
  private closed = false;
  sent = 0;
  received = 0;
  /** Datagrams dropped: queue full, or too large to be a frame. */
  dropped = 0;
  /** Resolves with the bound local port. */
  readonly ready: Promise<number>;

  constructor(private readonly options: UdpTunnelOptions) {
    this.limit = options.queueLimit ?? 4096;
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg) => {
      if (msg.length > MAX_FRAME || msg.length < 14 || this.queue.length >= this.limit) {
        this.dropped++;
        return;
      }
      this.queue.push(new Uint8Array(msg.buffer.slice(msg.byteOffset, msg.byteOffset + msg.length)));
    });
    this.socket.on('error', () => {
      this.dropped++;
    });
    this.ready = new Promise((resolve) => {
      this.socket.bind(options.localPort, options.localHost ?? '127.0.0.1', () => resolve(this.socket.address().port));
    });
  }

  transmit(src: Uint8Array, off: number, len: number): void {
    if (this.closed) return;
    // The datagram is sent later: it needs its own copy of the frame.
    const copy = Buffer.from(src.subarray(off, off + len));
    this.socket.send(copy, this.options.remotePort, this.options.remoteHost ?? '127.0.0.1');
    this.sent++;
  }

  pump(rx: FrameReceiver, budget: number): number {
    let n = 0;
    while (n < budget && this.queue.length > 0 && rx.room() > 0) {
      const f = this.queue.shift()!;
      rx.receive(f, 0, f.length);
      n++;
    }
    this.received += n;
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}
