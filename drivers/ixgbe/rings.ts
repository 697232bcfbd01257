// Descriptor rings of queue 0. Each ring is one 4 KiB shared-heap page the driver owns (page
// aligned, so RDBAL/TDBAL's 128-byte alignment holds), read and written through the handle's
// little-endian accessors. A buffer handed to the device sits in a driver-owned RRefArray at the
// slot of its descriptor until the device is done with it: nothing in flight can leak, and a
// crash of this domain frees the lot with everything else it owns.
import { RRef, RRefArray } from '../../runtime/lib/index.ts';
import type { Device } from '../../runtime/lib/index.ts';
import { Block, PACKET_DATA, PacketBuffer } from '../../runtime/idl/layouts.ts';
import * as R from './registers.ts';

/** Descriptors per ring: one page of 16-byte descriptors. */
export const RING_SIZE = 4096 / R.DESC_SIZE;
/** Offset of PacketBuffer.data inside the object (after `len: u16`): the frame's first byte. */
export const DATA_OFFSET = 2;

/** What the rings share: a page of descriptors and the buffers the device holds. */
class Ring {
  readonly address: number;
  protected readonly desc: RRef<Block>;
  protected readonly slots: RRefArray<PacketBuffer>;
  /** Next descriptor the driver fills. */
  protected tail = 0;
  /** Oldest descriptor the device still holds. */
  protected head = 0;
  /** Buffers in flight; at most RING_SIZE - 1, since tail === head means empty. */
  protected held = 0;

  constructor(protected readonly device: Device) {
    this.desc = RRef.new(Block);
    this.slots = RRefArray.new(PacketBuffer, RING_SIZE);
    this.address = device.dmaAddress(this.desc);
  }

  get inFlight(): number {
    return this.held;
  }

  get isFull(): boolean {
    return this.held === RING_SIZE - 1;
  }

  /** Parks `pkt` at the tail slot; throws if the slot was somehow taken (a driver bug). */
  protected park(pkt: RRef<PacketBuffer>): void {
    const previous = this.slots.set(this.tail, pkt);
    if (previous !== undefined) throw new Error(`ixgbe: descriptor ${this.tail} still held a buffer`);
    this.tail = (this.tail + 1) % RING_SIZE;
    this.held++;
  }

  /** Takes the buffer at the head slot back from the device. */
  protected unpark(): RRef<PacketBuffer> {
    const pkt = this.slots.take(this.head);
    if (pkt === undefined) throw new Error(`ixgbe: descriptor ${this.head} held no buffer`);
    this.desc.fillBytes(0, this.head * R.DESC_SIZE, R.DESC_SIZE);
    this.head = (this.head + 1) % RING_SIZE;
    this.held--;
    return pkt;
  }
}

export class RxRing extends Ring {
  /** Descriptors the device wrote with an error, or frames that did not fit one buffer. */
  errors = 0;
  /** Set while skipping the rest of a frame spread over several descriptors. */
  #skipping = false;

  /** Gives an empty buffer to the device (advanced one-buffer read format). */
  post(pkt: RRef<PacketBuffer>): RRef<PacketBuffer> | undefined {
    if (this.isFull) return pkt;
    const at = this.tail * R.DESC_SIZE;
    // The frame's bytes (this also grants the device DMA to the buffer); addresses stay below 4 GB.
    this.desc.writeU32LE(at, this.device.dmaAddress(pkt) + DATA_OFFSET);
    this.desc.writeU32LE(at + 4, 0);
    this.desc.writeU32LE(at + 8, 0); // header address unused; also clears DD
    this.desc.writeU32LE(at + 12, 0);
    this.park(pkt);
    return undefined;
  }

  /** Tells the device about every buffer posted (RDT: one past the last valid descriptor). */
  ring(q: number): void {
    this.device.write32(R.RDT(q), this.tail);
  }

  /**
   * The next buffer the device filled, with `len` set from its descriptor (0 for a frame
   * received with an error or too long for one buffer); undefined when none is done yet.
   */
  reap(): RRef<PacketBuffer> | undefined {
    if (this.held === 0) return undefined;
    const at = this.head * R.DESC_SIZE;
    const status = this.desc.readU32LE(at + 8);
    if ((status & R.RX_STATUS_DD) === 0) return undefined;
    const length = this.desc.readU32LE(at + 12) & 0xffff;
    const eop = (status & R.RX_STATUS_EOP) !== 0;
    const bad = (status & R.RX_ERROR_MASK) !== 0 || !eop || this.#skipping || length > PACKET_DATA;
    // A frame longer than one buffer continues in the next descriptors: drop them all.
    this.#skipping = !eop;
    const pkt = this.unpark();
    if (bad) this.errors++;
    pkt.set('len', bad ? 0 : length);
    return pkt;
  }
}

export class TxRing extends Ring {
  /** Queues `pkt` for sending (one descriptor, report status). The buffer is the DMA source. */
  post(pkt: RRef<PacketBuffer>): RRef<PacketBuffer> | undefined {
    if (this.isFull) return pkt;
    const len = pkt.get('len');
    const at = this.tail * R.DESC_SIZE;
    this.desc.writeU32LE(at, this.device.dmaAddress(pkt) + DATA_OFFSET);
    this.desc.writeU32LE(at + 4, 0);
    this.desc.writeU32LE(at + 8, (R.TX_CMD_EOP | R.TX_CMD_RS | R.TX_CMD_IFCS | R.TX_CMD_DEXT | R.TX_DTYP_DATA | len) >>> 0);
    this.desc.writeU32LE(at + 12, len << R.TX_PAYLEN_SHIFT); // also clears DD
    this.park(pkt);
    return undefined;
  }

  /** Tells the device about every descriptor queued (TDT). Also how a polling driver lets it run. */
  ring(q: number): void {
    this.device.write32(R.TDT(q), this.tail);
  }

  /** The oldest buffer the device has sent (DD written back), or undefined. */
  reap(): RRef<PacketBuffer> | undefined {
    if (this.held === 0) return undefined;
    if ((this.desc.readU32LE(this.head * R.DESC_SIZE + 12) & R.TX_STATUS_DD) === 0) return undefined;
    return this.unpark();
  }
}
