// Admin command set (NVMe 1.4, section 5): queue management, Identify, features, log pages.
import type { NvmeController } from './controller.ts';
import { DEFERRED } from './controller.ts';
import {
  ADMIN_ABORT, ADMIN_ASYNC_EVENT, ADMIN_CREATE_CQ, ADMIN_CREATE_SQ, ADMIN_DELETE_CQ, ADMIN_DELETE_SQ, ADMIN_GET_FEATURES,
  ADMIN_GET_LOG_PAGE, ADMIN_IDENTIFY, ADMIN_SET_FEATURES, CNS_ACTIVE_NAMESPACES, CNS_CONTROLLER, CNS_NAMESPACE,
  CNS_NAMESPACE_DESCRIPTORS, commandSpecificError, CQ_ENTRY_LOG2, FEATURE_ASYNC_EVENT_CONFIG, FEATURE_NUMBER_OF_QUEUES,
  FEATURE_VOLATILE_WRITE_CACHE, genericError, NVME_VENDOR_ID, NVME_VERSION_1_4, SC_AER_LIMIT_EXCEEDED, SC_CQ_INVALID,
  SC_INVALID_FIELD, SC_INVALID_INTERRUPT_VECTOR, SC_INVALID_NAMESPACE, SC_INVALID_OPCODE, SC_INVALID_QID,
  SC_INVALID_QUEUE_DELETION, SC_INVALID_QUEUE_SIZE, SQ_ENTRY_LOG2,
} from './registers.ts';

const INVALID_FIELD = genericError(SC_INVALID_FIELD);
const AER_LIMIT = 4;
const SUBNQN = 'nqn.2020-11.org.redleaf-ts:nvme-model';

/** Executes the admin command whose entry starts at dword `w` of DMA memory. */
export function executeAdmin(c: NvmeController, w: number): number {
  const u32 = c.dma.u32;
  const dw0 = u32[w]!;
  const opcode = dw0 & 0xff;
  if ((dw0 & 0xff00) !== 0) return INVALID_FIELD; // fused operations and SGLs are not supported
  const cdw10 = u32[w + 10]! >>> 0, cdw11 = u32[w + 11]! >>> 0;
  switch (opcode) {
    case ADMIN_CREATE_CQ: return createCq(c, u32[w + 6]!, u32[w + 7]!, cdw10, cdw11);
    case ADMIN_CREATE_SQ: return createSq(c, u32[w + 6]!, u32[w + 7]!, cdw10, cdw11);
    case ADMIN_DELETE_SQ: return deleteSq(c, cdw10 & 0xffff);
    case ADMIN_DELETE_CQ: return deleteCq(c, cdw10 & 0xffff);
    case ADMIN_IDENTIFY: return identify(c, w, u32[w + 1]! >>> 0, cdw10 & 0xff);
    case ADMIN_GET_LOG_PAGE: return getLogPage(c, w, cdw10);
    case ADMIN_SET_FEATURES: return setFeatures(c, cdw10, cdw11);
    case ADMIN_GET_FEATURES: return getFeatures(c, cdw10);
    case ADMIN_ABORT:
      c.result = 1; // command not aborted: this controller never holds commands long enough
      return 0;
    case ADMIN_ASYNC_EVENT:
      if (c.aerOutstanding >= AER_LIMIT) return commandSpecificError(SC_AER_LIMIT_EXCEEDED);
      c.aerOutstanding++; // completes only when an event occurs; no events are generated
      return DEFERRED;
  }
  return genericError(SC_INVALID_OPCODE);
}

function queueSizeOk(c: NvmeController, size: number): boolean {
  return size >= 2 && size <= c.mqes + 1;
}

function createCq(c: NvmeController, prpLo: number, prpHi: number, cdw10: number, cdw11: number): number {
  const qid = cdw10 & 0xffff;
  const size = (cdw10 >>> 16) + 1;
  if (qid === 0 || qid > c.maxQueues || c.cqs[qid] !== undefined) return commandSpecificError(SC_INVALID_QID);
  if (!queueSizeOk(c, size)) return commandSpecificError(SC_INVALID_QUEUE_SIZE);
  if ((cdw11 & 1) === 0) return INVALID_FIELD; // CAP.CQR: only physically contiguous queues
  if ((cdw11 & 2) !== 0 && cdw11 >>> 16 !== 0) return commandSpecificError(SC_INVALID_INTERRUPT_VECTOR);
  if (prpHi !== 0 || ((prpLo >>> 0) & (c.pageSize - 1)) !== 0) return INVALID_FIELD;
  c.addCq(qid, prpLo >>> 0, size);
  return 0;
}

function createSq(c: NvmeController, prpLo: number, prpHi: number, cdw10: number, cdw11: number): number {
  const qid = cdw10 & 0xffff;
  const size = (cdw10 >>> 16) + 1;
  const cqid = cdw11 >>> 16;
  if (qid === 0 || qid > c.maxQueues || c.sqs[qid] !== undefined) return commandSpecificError(SC_INVALID_QID);
  if (!queueSizeOk(c, size)) return commandSpecificError(SC_INVALID_QUEUE_SIZE);
  if ((cdw11 & 1) === 0) return INVALID_FIELD;
  const cq = cqid === 0 ? undefined : c.cqs[cqid];
  if (cq === undefined) return commandSpecificError(SC_CQ_INVALID);
  if (prpHi !== 0 || ((prpLo >>> 0) & (c.pageSize - 1)) !== 0) return INVALID_FIELD;
  c.addSq(qid, prpLo >>> 0, size, cq);
  return 0;
}

function deleteSq(c: NvmeController, qid: number): number {
  if (qid === 0 || c.sqs[qid] === undefined) return commandSpecificError(SC_INVALID_QID);
  c.removeSq(qid);
  return 0;
}

function deleteCq(c: NvmeController, qid: number): number {
  const cq = qid === 0 ? undefined : c.cqs[qid];
  if (cq === undefined) return commandSpecificError(SC_INVALID_QID);
  if (cq.users > 0) return commandSpecificError(SC_INVALID_QUEUE_DELETION); // delete its SQs first
  c.removeCq(qid);
  return 0;
}

/** Copies `len` bytes of the scratch page to the command's PRPs. */
function transferPage(c: NvmeController, w: number, len: number): number {
  const u32 = c.dma.u32;
  const st = c.prp.resolve(c.dma, u32[w + 6]!, u32[w + 7]!, u32[w + 8]!, u32[w + 9]!, len, c.pageSize, true);
  if (st !== 0) return st;
  let done = 0;
  for (let i = 0; i < c.prp.count; i++) {
    const n = c.prp.len[i]!;
    c.dma.u8.set(c.page.subarray(done, done + n), c.prp.addr[i]!);
    done += n;
  }
  return 0;
}

function putAscii(page: Uint8Array, at: number, width: number, text: string): void {
  for (let i = 0; i < width; i++) page[at + i] = i < text.length ? text.charCodeAt(i) & 0x7f : 0x20;
}

function identify(c: NvmeController, w: number, nsid: number, cns: number): number {
  const p = c.page;
  p.fill(0);
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  switch (cns) {
    case CNS_CONTROLLER:
      v.setUint16(0, NVME_VENDOR_ID, true);
      v.setUint16(2, NVME_VENDOR_ID, true);
      putAscii(p, 4, 20, c.serial);
      putAscii(p, 24, 40, c.model);
      putAscii(p, 64, 8, '1.0');
      p[72] = 6; // recommended arbitration burst
      p[73] = 0xe4; // IEEE OUI (Intel, little-endian)
      p[74] = 0xd2;
      p[75] = 0x5c;
      p[77] = c.mdts;
      v.setUint16(78, 1, true); // controller id
      v.setUint32(80, NVME_VERSION_1_4, true);
      p[258] = 3; // abort command limit (0's based)
      p[259] = 3; // asynchronous event request limit (0's based)
      p[260] = 0x02; // firmware: one slot
      p[262] = 63; // error log page entries (0's based)
      p[512] = (SQ_ENTRY_LOG2 << 4) | SQ_ENTRY_LOG2; // SQES max | min
      p[513] = (CQ_ENTRY_LOG2 << 4) | CQ_ENTRY_LOG2;
      v.setUint16(514, c.mqes + 1 > 0xffff ? 0xffff : c.mqes + 1, true); // MAXCMD
      v.setUint32(516, c.namespaces.length, true); // NN
      v.setUint16(520, 0, true); // ONCS: only the mandatory NVM commands
      // VWC: present (bit 0), and Flush accepts NSID FFFFFFFFh (bits 2:1 = 11b).
      p[525] = c.namespaces.some((ns) => ns.cache !== undefined) ? 0x07 : 0;
      putAscii(p, 768, 256, SUBNQN);
      p.fill(0, 768 + SUBNQN.length, 1024); // NQN is NUL-padded, unlike the other strings
      return transferPage(c, w, 4096);
    case CNS_NAMESPACE: {
      const ns = c.namespace(nsid);
      if (ns === undefined) return genericError(SC_INVALID_NAMESPACE);
      v.setBigUint64(0, BigInt(ns.blocks), true); // NSZE
      v.setBigUint64(8, BigInt(ns.blocks), true); // NCAP
      v.setBigUint64(16, BigInt(ns.blocks), true); // NUSE
      p[25] = 0; // NLBAF: one format (0's based)
      p[26] = 0; // FLBAS: format 0
      p[128 + 2] = ns.blockSize === 512 ? 9 : 12; // LBAF0.LBADS
      return transferPage(c, w, 4096);
    }
    case CNS_ACTIVE_NAMESPACES: {
      if (nsid >= 0xfffffffe) return INVALID_FIELD;
      let n = 0;
      for (let id = nsid + 1; id <= c.namespaces.length && n < 1024; id++) v.setUint32(4 * n++, id, true);
      return transferPage(c, w, 4096);
    }
    case CNS_NAMESPACE_DESCRIPTORS:
      if (c.namespace(nsid) === undefined) return genericError(SC_INVALID_NAMESPACE);
      return transferPage(c, w, 4096); // no identifiers beyond the NSID
  }
  return INVALID_FIELD;
}

function getLogPage(c: NvmeController, w: number, cdw10: number): number {
  const lid = cdw10 & 0xff;
  const numdl = (cdw10 >>> 16) + 1; // dwords, 0's based (upper half in CDW11 is always 0 here)
  const len = numdl * 4;
  if (lid < 0x01 || lid > 0x03 || len > 4096) return INVALID_FIELD;
  // Error information, SMART / health and firmware slot pages: all zeros is a healthy drive with
  // no errors logged.
  c.page.fill(0);
  return transferPage(c, w, len);
}

function setFeatures(c: NvmeController, cdw10: number, cdw11: number): number {
  switch (cdw10 & 0xff) {
    case FEATURE_NUMBER_OF_QUEUES: {
      const nsqr = cdw11 & 0xffff, ncqr = cdw11 >>> 16;
      if (nsqr === 0xffff || ncqr === 0xffff) return INVALID_FIELD;
      const granted = c.maxQueues - 1;
      c.result = (Math.min(nsqr, granted) | (Math.min(ncqr, granted) << 16)) >>> 0;
      c.queuesGranted = c.result;
      return 0;
    }
    case FEATURE_VOLATILE_WRITE_CACHE:
      if (!c.namespaces.some((ns) => ns.cache !== undefined)) return INVALID_FIELD;
      for (const ns of c.namespaces) ns.setCacheEnabled((cdw11 & 1) !== 0);
      return 0;
    case FEATURE_ASYNC_EVENT_CONFIG:
      return 0;
  }
  return INVALID_FIELD;
}

function getFeatures(c: NvmeController, cdw10: number): number {
  switch (cdw10 & 0xff) {
    case FEATURE_NUMBER_OF_QUEUES:
      c.result = c.queuesGranted >= 0 ? c.queuesGranted : ((c.maxQueues - 1) | ((c.maxQueues - 1) << 16)) >>> 0;
      return 0;
    case FEATURE_VOLATILE_WRITE_CACHE:
      if (!c.namespaces.some((ns) => ns.cache !== undefined)) return INVALID_FIELD;
      c.result = c.namespaces.some((ns) => ns.cacheEnabled()) ? 1 : 0;
      return 0;
    case FEATURE_ASYNC_EVENT_CONFIG:
      c.result = 0;
      return 0;
  }
  return INVALID_FIELD;
}
