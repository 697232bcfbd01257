// Controller bring-up (NVMe 1.4, 7.6.1), as the reference driver does it: disable, program the
// admin queues, enable, wait for ready, Identify, Number of Queues, then one I/O CQ and SQ.
// Everything is polled; every wait is bounded so a dead controller fails creation instead of
// hanging the domain.
import { RRef } from '../../runtime/lib/index.ts';
import type { Device } from '../../runtime/lib/index.ts';
import { Block } from '../../runtime/idl/layouts.ts';
import { QueuePair, PAGE_SQ_ENTRIES } from './queue.ts';
import * as R from './registers.ts';

/** Polls of a register or a completion before the driver gives up. */
const SPIN_LIMIT = 1_000_000;
const ADMIN_ENTRIES = 32;
/** The admin queue uses command id 0xffff and below; I/O ids are ring slots and never collide. */
const ADMIN_CID = 0xfff0;

export interface Controller {
  readonly admin: QueuePair;
  readonly io: QueuePair;
  /** The namespace served (the first active one). */
  readonly nsid: number;
  /** Logical blocks per 4 KiB block of the interface (1 or 8). */
  readonly lbaPerBlock: number;
  /** Namespace size in 4 KiB blocks. */
  readonly blocks: bigint;
}

function waitFor(device: Device, mask: number, want: number): boolean {
  for (let i = 0; i < SPIN_LIMIT; i++) {
    const csts = device.read32(R.REG_CSTS);
    if ((csts & R.CSTS_CFS) !== 0 && want !== 0) return false;
    if ((csts & mask) === want) return true;
  }
  return false;
}

/** Runs one admin command to completion; throws when it fails or never completes. */
function adminCommand(admin: QueuePair, what: string, opcode: number, nsid: number, prp1: number, cdw10: number, cdw11: number): number {
  admin.put(opcode, ADMIN_CID, nsid, prp1, cdw10, cdw11, 0);
  admin.ring();
  for (let i = 0; i < SPIN_LIMIT; i++) {
    const found = admin.reap();
    // The head doorbell only when there is news, or now and then to keep a polled model going:
    // one per spin would keep a device on its own thread busy answering doorbells.
    if (found || (i & 255) === 255) admin.release();
    if (!found) continue;
    if (admin.cid !== ADMIN_CID) continue; // a stale completion: not ours
    if (admin.code !== 0) throw new Error(`nvme: ${what} failed with status 0x${admin.code.toString(16)}`);
    return admin.dw0;
  }
  throw new Error(`nvme: ${what} never completed`);
}

export function bringUp(device: Device, ioEntries: number): Controller {
  const capLo = device.read32(R.REG_CAP_LO);
  const capHi = device.read32(R.REG_CAP_HI);
  const mqes = (capLo & 0xffff) + 1;
  const dstrd = capHi & 0xf;

  device.write32(R.REG_CC, device.read32(R.REG_CC) & ~R.CC_EN);
  if (!waitFor(device, R.CSTS_RDY, 0)) throw new Error('nvme: controller did not stop');

  const admin = new QueuePair(device, 0, Math.min(ADMIN_ENTRIES, mqes), dstrd);
  device.write32(R.REG_AQA, ((admin.size - 1) << 16) | (admin.size - 1));
  device.write32(R.REG_ASQ_LO, admin.sqAddress);
  device.write32(R.REG_ASQ_HI, 0);
  device.write32(R.REG_ACQ_LO, admin.cqAddress);
  device.write32(R.REG_ACQ_HI, 0);
  // MPS 0 (4 KiB pages), NVM command set, round robin: all zero fields.
  device.write32(R.REG_CC, (R.CQ_ENTRY_LOG2 << R.CC_IOCQES_SHIFT) | (R.SQ_ENTRY_LOG2 << R.CC_IOSQES_SHIFT) | R.CC_EN);
  if (!waitFor(device, R.CSTS_RDY, R.CSTS_RDY)) throw new Error('nvme: controller refused to start (CSTS.CFS)');

  const page = RRef.new(Block);
  const pageAddress = device.dmaAddress(page);
  adminCommand(admin, 'Identify Controller', R.ADMIN_IDENTIFY, 0, pageAddress, R.CNS_CONTROLLER, 0);
  adminCommand(admin, 'Identify Active Namespaces', R.ADMIN_IDENTIFY, 0, pageAddress, R.CNS_ACTIVE_NAMESPACES, 0);
  const nsid = page.readU32LE(0);
  if (nsid === 0) throw new Error('nvme: the controller has no active namespace');
  page.fillBytes(0);
  adminCommand(admin, 'Identify Namespace', R.ADMIN_IDENTIFY, nsid, pageAddress, R.CNS_NAMESPACE, 0);
  const nsze = page.readU64LE(0);
  const format = page.readU8(26) & 0xf; // FLBAS: the LBA format in use
  const lbads = page.readU8(128 + format * 4 + 2);
  page.drop();
  if (lbads < 9 || lbads > 12) throw new Error(`nvme: unsupported block size 2^${lbads}`);
  const lbaPerBlock = 1 << (12 - lbads);

  adminCommand(admin, 'Set Features (Number of Queues)', R.ADMIN_SET_FEATURES, 0, 0, R.FEATURE_NUMBER_OF_QUEUES, 0);
  const io = new QueuePair(device, 1, Math.min(ioEntries, mqes, PAGE_SQ_ENTRIES), dstrd);
  const sizeAndId = ((io.size - 1) << 16) | io.id;
  adminCommand(admin, 'Create I/O CQ', R.ADMIN_CREATE_CQ, 0, io.cqAddress, sizeAndId, 1); // PC: contiguous, no interrupts
  adminCommand(admin, 'Create I/O SQ', R.ADMIN_CREATE_SQ, 0, io.sqAddress, sizeAndId, (io.id << 16) | 1);
  return { admin, io, nsid, lbaPerBlock, blocks: nsze / BigInt(lbaPerBlock) };
}
