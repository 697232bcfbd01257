import type { RRefDeque, RpcResult } from '../lib/index.ts';
import type { PacketBuffer } from './layouts.ts';

/** What a batched network call hands back. */
export type NetBatch = {
  /** Buffers that came back in `collect` during the call (sent, or filled by a received frame). */
  readonly count: number;
  readonly packets: RRefDeque<PacketBuffer, 32>;
  readonly collect: RRefDeque<PacketBuffer, 32>;
};

/** Counters of a NIC, as the 82599 keeps them. */
export type NetStats = {
  readonly rxPackets: bigint;
  readonly txPackets: bigint;
  readonly rxBytes: bigint;
  readonly txBytes: bigint;
  readonly rxMissed: bigint;
};

/**
 * The network driver's batched interface (RedLeaf's Net).
 * @idl
 */
export interface Net {
  /**
   * tx: transmits the buffers of `packets`; sent buffers come back in `collect` for reuse.
   * rx (tx false): gives the buffers of `packets` to the device to receive into; filled buffers
   * come back in `collect`.
   */
  submitAndPoll(packets: RRefDeque<PacketBuffer, 32>, collect: RRefDeque<PacketBuffer, 32>, tx: boolean): RpcResult<NetBatch>;
  /** Moves received packets into `collect` (buffers given earlier). */
  pollRx(packets: RRefDeque<PacketBuffer, 32>, collect: RRefDeque<PacketBuffer, 32>): RpcResult<NetBatch>;
  stats(): RpcResult<NetStats>;
  linkUp(): RpcResult<boolean>;
  macAddress(): RpcResult<bigint>;
}

/**
 * How a network driver domain is created: the name of the NIC the kernel gave it, and a fault
 * plan (see drivers/README.md: '' for none, `requests:N` or `ms:N`).
 * @create
 */
export interface CreateNet {
  create(device: string, faults: string): Net;
}

/**
 * How the network driver's shadow is created: with the driver it stands in front of.
 * @create
 */
export interface CreateNetShadow {
  create(driver: Net): Net;
}
