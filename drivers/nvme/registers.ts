// NVMe controller registers and command fields (NVMe Base Specification 1.4): the subset this
// driver uses. A domain may not import the machine's own definitions, so they are restated here.

export const REG_CAP_LO = 0x00;
export const REG_CAP_HI = 0x04;
export const REG_CC = 0x14;
export const REG_CSTS = 0x1c;
export const REG_AQA = 0x24;
export const REG_ASQ_LO = 0x28;
export const REG_ASQ_HI = 0x2c;
export const REG_ACQ_LO = 0x30;
export const REG_ACQ_HI = 0x34;
export const DOORBELL_BASE = 0x1000;

export const CC_EN = 1;
export const CC_IOSQES_SHIFT = 16;
export const CC_IOCQES_SHIFT = 20;
export const CSTS_RDY = 1;
export const CSTS_CFS = 2;

/** Entry sizes: 64-byte submission entries, 16-byte completion entries (log2). */
export const SQ_ENTRY_LOG2 = 6;
export const CQ_ENTRY_LOG2 = 4;
export const SQ_ENTRY = 1 << SQ_ENTRY_LOG2;
export const CQ_ENTRY = 1 << CQ_ENTRY_LOG2;

export const ADMIN_CREATE_SQ = 0x01;
export const ADMIN_CREATE_CQ = 0x05;
export const ADMIN_IDENTIFY = 0x06;
export const ADMIN_SET_FEATURES = 0x09;
export const NVM_FLUSH = 0x00;
export const NVM_WRITE = 0x01;
export const NVM_READ = 0x02;
export const FEATURE_NUMBER_OF_QUEUES = 0x07;
export const CNS_NAMESPACE = 0x00;
export const CNS_CONTROLLER = 0x01;
export const CNS_ACTIVE_NAMESPACES = 0x02;

// Status codes (SCT << 8 | SC) the driver tells apart.
export const SC_INVALID_OPCODE = 0x001;
export const SC_INVALID_FIELD = 0x002;
export const SC_INVALID_NAMESPACE = 0x00b;
export const SC_LBA_OUT_OF_RANGE = 0x080;

/** Offset of queue `qid`'s SQ tail doorbell. */
export function sqTailDoorbell(qid: number, dstrd: number): number {
  return DOORBELL_BASE + 2 * qid * (4 << dstrd);
}

/** Offset of queue `qid`'s CQ head doorbell. */
export function cqHeadDoorbell(qid: number, dstrd: number): number {
  return DOORBELL_BASE + (2 * qid + 1) * (4 << dstrd);
}
