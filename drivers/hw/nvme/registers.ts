// NVMe controller registers (NVMe Base Specification 1.4, section 3.1) and status codes.
import { ACCESS_DOORBELL, ACCESS_READ_HOOK, ACCESS_WRITE_HOOK } from '../mmio.ts';

export const NVME_VENDOR_ID = 0x8086;
/** Intel SSD DC P3700. */
export const NVME_DEVICE_ID_P3700 = 0x0953;
export const NVME_BAR0_SIZE = 0x4000;

export const REG_CAP = 0x00;
export const REG_VS = 0x08;
export const REG_INTMS = 0x0c;
export const REG_INTMC = 0x10;
export const REG_CC = 0x14;
export const REG_CSTS = 0x1c;
export const REG_NSSR = 0x20;
export const REG_AQA = 0x24;
export const REG_ASQ = 0x28;
export const REG_ACQ = 0x30;
export const DOORBELL_BASE = 0x1000;

export const CC_EN = 1;
export const CC_CSS_SHIFT = 4;
export const CC_MPS_SHIFT = 7;
export const CC_AMS_SHIFT = 11;
export const CC_SHN_SHIFT = 14;
export const CC_IOSQES_SHIFT = 16;
export const CC_IOCQES_SHIFT = 20;
export const CSTS_RDY = 1;
export const CSTS_CFS = 2;
export const CSTS_SHST_SHIFT = 2;
export const CSTS_SHST_COMPLETE = 2 << 2;

export const NVME_VERSION_1_4 = 0x00010400;

/** Entry sizes (log2) the controller supports: SQES and CQES in Identify Controller. */
export const SQ_ENTRY_LOG2 = 6;
export const CQ_ENTRY_LOG2 = 4;

/** Offset of the SQ y tail doorbell. */
export function sqTailDoorbell(qid: number, dstrd: number): number {
  return DOORBELL_BASE + 2 * qid * (4 << dstrd);
}
/** Offset of the CQ y head doorbell. */
export function cqHeadDoorbell(qid: number, dstrd: number): number {
  return DOORBELL_BASE + (2 * qid + 1) * (4 << dstrd);
}

export interface CapFields {
  /** Maximum queue entries supported, 0's based. */
  mqes: number;
  /** Worst-case time to ready, in 500 ms units. */
  timeout: number;
  dstrd: number;
  mpsmin: number;
  mpsmax: number;
}

/** CAP as (low dword, high dword). CQR = 1: queues must be physically contiguous. */
export function capDwords(c: CapFields): [number, number] {
  const lo = (c.mqes & 0xffff) | (1 << 16) | ((c.timeout & 0xff) << 24);
  const hi = (c.dstrd & 0xf) | (1 << (37 - 32)) | ((c.mpsmin & 0xf) << 16) | ((c.mpsmax & 0xf) << 20);
  return [lo | 0, hi | 0];
}

// Status field of a completion (bits 15:1 of DW3's high half): SC 7:0, SCT 10:8, DNR 14.
export const SCT_GENERIC = 0;
export const SCT_COMMAND_SPECIFIC = 1;
export const DNR = 1 << 14;
export const SC_SUCCESS = 0x00;
export const SC_INVALID_OPCODE = 0x01;
export const SC_INVALID_FIELD = 0x02;
export const SC_DATA_TRANSFER_ERROR = 0x04;
export const SC_INVALID_NAMESPACE = 0x0b;
export const SC_PRP_OFFSET_INVALID = 0x13;
export const SC_LBA_OUT_OF_RANGE = 0x80;
export const SC_CQ_INVALID = 0x00;
export const SC_INVALID_QID = 0x01;
export const SC_INVALID_QUEUE_SIZE = 0x02;
export const SC_AER_LIMIT_EXCEEDED = 0x05;
export const SC_INVALID_INTERRUPT_VECTOR = 0x08;
export const SC_INVALID_QUEUE_DELETION = 0x0c;

/** Status field for a generic error that retrying cannot fix. */
export function genericError(sc: number): number {
  return DNR | (SCT_GENERIC << 8) | sc;
}
export function commandSpecificError(sc: number): number {
  return DNR | (SCT_COMMAND_SPECIFIC << 8) | sc;
}

/** Decodes a completion's DW3 status half into its parts (for drivers and tests). */
export function decodeStatus(dw3: number): { phase: number; sc: number; sct: number; dnr: boolean; code: number } {
  const s = dw3 >>> 17;
  return { phase: (dw3 >>> 16) & 1, sc: s & 0xff, sct: (s >>> 8) & 7, dnr: (s & DNR) !== 0, code: s & 0x7ff };
}

export const ADMIN_DELETE_SQ = 0x00;
export const ADMIN_CREATE_SQ = 0x01;
export const ADMIN_GET_LOG_PAGE = 0x02;
export const ADMIN_DELETE_CQ = 0x04;
export const ADMIN_CREATE_CQ = 0x05;
export const ADMIN_IDENTIFY = 0x06;
export const ADMIN_ABORT = 0x08;
export const ADMIN_SET_FEATURES = 0x09;
export const ADMIN_GET_FEATURES = 0x0a;
export const ADMIN_ASYNC_EVENT = 0x0c;
export const NVM_FLUSH = 0x00;
export const NVM_WRITE = 0x01;
export const NVM_READ = 0x02;
export const FEATURE_VOLATILE_WRITE_CACHE = 0x06;
export const FEATURE_NUMBER_OF_QUEUES = 0x07;
export const FEATURE_ASYNC_EVENT_CONFIG = 0x0b;
export const CNS_NAMESPACE = 0x00;
export const CNS_CONTROLLER = 0x01;
export const CNS_ACTIVE_NAMESPACES = 0x02;
export const CNS_NAMESPACE_DESCRIPTORS = 0x03;
export const RW_FUA = 1 << 30;

/**
 * Side-effect classes: CC, CSTS, CAP, VS and the interrupt masks have write hooks; AQA/ASQ/ACQ
 * are plain storage the controller samples when it is enabled. Doorbell words become
 * ACCESS_DOORBELL only while their queue exists (the controller updates the shared table), so a
 * write to any other doorbell reaches the model and is counted as an error.
 */
export function buildAccessTable(buffer: SharedArrayBuffer): Uint8Array {
  const t = new Uint8Array(buffer);
  t.fill(ACCESS_WRITE_HOOK);
  for (const o of [REG_AQA, REG_ASQ, REG_ASQ + 4, REG_ACQ, REG_ACQ + 4]) t[o >>> 2] = 0;
  t[REG_INTMC >>> 2] = ACCESS_READ_HOOK | ACCESS_WRITE_HOOK; // reads back the mask INTMS holds
  return t;
}

export function setDoorbellAccess(table: Uint8Array, offset: number, live: boolean): void {
  Atomics.store(table, offset >>> 2, live ? ACCESS_DOORBELL : ACCESS_WRITE_HOOK);
}
