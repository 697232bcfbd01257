// One submission/completion queue pair in memory the driver owns. Each ring is one 4 KiB
// shared-heap page (page aligned, so physically contiguous as CAP.CQR demands); the device
// reads and writes it by DMA, the driver through the handle's little-endian accessors.
import { RRef } from '../../runtime/lib/index.ts';
import type { Device } from '../../runtime/lib/index.ts';
import { Block } from '../../runtime/idl/layouts.ts';
import { CQ_ENTRY, SQ_ENTRY, cqHeadDoorbell, sqTailDoorbell } from './registers.ts';

/** Entries of an I/O submission queue that fit one page. */
export const PAGE_SQ_ENTRIES = 4096 / SQ_ENTRY;

export class QueuePair {
  readonly sqAddress: number;
  readonly cqAddress: number;
  readonly #sq: RRef<Block>;
  readonly #cq: RRef<Block>;
  readonly #device: Device;
  readonly #sqDoorbell: number;
  readonly #cqDoorbell: number;
  #tail = 0;
  #head = 0;
  #phase = 1;
  /** The completion reap() found last: command id, status (SCT << 8 | SC) and DW0. */
  cid = 0;
  code = 0;
  dw0 = 0;

  constructor(device: Device, readonly id: number, readonly size: number, dstrd: number) {
    if (size < 2 || size > PAGE_SQ_ENTRIES) throw new RangeError(`queue size ${size} does not fit one page`);
    this.#device = device;
    this.#sq = RRef.new(Block);
    this.#cq = RRef.new(Block);
    this.sqAddress = device.dmaAddress(this.#sq);
    this.cqAddress = device.dmaAddress(this.#cq);
    this.#sqDoorbell = sqTailDoorbell(id, dstrd);
    this.#cqDoorbell = cqHeadDoorbell(id, dstrd);
  }

  /** Writes a command at the tail (the doorbell is rung separately, once per batch). */
  put(opcode: number, cid: number, nsid: number, prp1: number, cdw10: number, cdw11: number, cdw12: number): void {
    const sq = this.#sq;
    const at = this.#tail * SQ_ENTRY;
    sq.fillBytes(0, at, SQ_ENTRY);
    sq.writeU32LE(at, ((opcode & 0xff) | ((cid & 0xffff) << 16)) >>> 0);
    sq.writeU32LE(at + 4, nsid);
    sq.writeU32LE(at + 24, prp1); // PRP1; device addresses stay below 4 GB
    sq.writeU32LE(at + 40, cdw10);
    sq.writeU32LE(at + 44, cdw11);
    sq.writeU32LE(at + 48, cdw12);
    this.#tail = (this.#tail + 1) % this.size;
  }

  /** Tells the controller about every command put since the last ring. */
  ring(): void {
    this.#device.write32(this.#sqDoorbell, this.#tail);
  }

  /**
   * Takes the next completion if its phase tag says the controller wrote it in this pass over
   * the ring; fills cid/code/dw0. The head doorbell is written by release(), once per batch.
   */
  reap(): boolean {
    const cq = this.#cq;
    const at = this.#head * CQ_ENTRY;
    // The phase bit first: the controller stores DW3 last, so once it flipped the entry is whole.
    if ((cq.readU8(at + 14) & 1) !== this.#phase) return false;
    const dw3 = cq.readU32LE(at + 12);
    this.dw0 = cq.readU32LE(at);
    this.cid = dw3 & 0xffff;
    this.code = (dw3 >>> 17) & 0x7ff;
    this.#head++;
    if (this.#head === this.size) {
      this.#head = 0;
      this.#phase ^= 1;
    }
    return true;
  }

  /**
   * Hands reaped entries back to the controller. Also written when nothing was reaped: a head
   * doorbell is how the driver lets a polled controller run (the inline engine steps on it).
   */
  release(): void {
    this.#device.write32(this.#cqDoorbell, this.#head);
  }
}
