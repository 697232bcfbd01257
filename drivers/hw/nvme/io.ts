// NVM command set (NVMe 1.4, section 6): Read, Write, Flush.
import type { NvmeController } from './controller.ts';
import {
  genericError, NVM_FLUSH, NVM_READ, NVM_WRITE, RW_FUA, SC_INVALID_FIELD, SC_INVALID_NAMESPACE, SC_INVALID_OPCODE,
  SC_LBA_OUT_OF_RANGE,
} from './registers.ts';

const INVALID_FIELD = genericError(SC_INVALID_FIELD);
const INVALID_NAMESPACE = genericError(SC_INVALID_NAMESPACE);
const LBA_OUT_OF_RANGE = genericError(SC_LBA_OUT_OF_RANGE);
const INVALID_OPCODE = genericError(SC_INVALID_OPCODE);
const ALL_NAMESPACES = 0xffffffff;

/** Executes the I/O command whose entry starts at dword `w` of DMA memory. */
export function executeIo(c: NvmeController, w: number): number {
  const u32 = c.dma.u32;
  const dw0 = u32[w]!;
  const opcode = dw0 & 0xff;
  if ((dw0 & 0xff00) !== 0) return INVALID_FIELD; // fused operations and SGLs are not supported
  const nsid = u32[w + 1]! >>> 0;
  if (opcode === NVM_READ || opcode === NVM_WRITE) return readWrite(c, w, nsid, opcode === NVM_READ);
  if (opcode === NVM_FLUSH) {
    if (nsid === ALL_NAMESPACES) {
      for (const ns of c.namespaces) ns.flush();
      return 0;
    }
    const ns = c.namespace(nsid);
    if (ns === undefined) return INVALID_NAMESPACE;
    ns.flush();
    return 0;
  }
  return INVALID_OPCODE;
}

function readWrite(c: NvmeController, w: number, nsid: number, isRead: boolean): number {
  const ns = c.namespace(nsid);
  if (ns === undefined) return INVALID_NAMESPACE;
  const u32 = c.dma.u32;
  const slba = (u32[w + 10]! >>> 0) + (u32[w + 11]! >>> 0) * 2 ** 32;
  const cdw12 = u32[w + 12]!;
  const nlb = (cdw12 & 0xffff) + 1;
  if (slba + nlb > ns.blocks) return LBA_OUT_OF_RANGE;
  const bytes = nlb * ns.blockSize;
  if (bytes > c.maxTransfer) return INVALID_FIELD;
  const prp = c.prp;
  const st = prp.resolve(c.dma, u32[w + 6]!, u32[w + 7]!, u32[w + 8]!, u32[w + 9]!, bytes, c.pageSize, isRead);
  if (st !== 0) return st;
  const u8 = c.dma.u8;
  if (prp.count === 1) {
    // One contiguous buffer (the common 4 KB case): no bounce copy.
    if (isRead) ns.read(u8, prp.addr[0]!, slba, nlb);
    else ns.write(u8, prp.addr[0]!, slba, nlb, (cdw12 & RW_FUA) !== 0);
    return 0;
  }
  const bounce = c.bounce;
  if (isRead) {
    ns.read(bounce, 0, slba, nlb);
    let done = 0;
    for (let i = 0; i < prp.count; i++) {
      const n = prp.len[i]!;
      u8.set(bounce.subarray(done, done + n), prp.addr[i]!);
      done += n;
    }
  } else {
    let done = 0;
    for (let i = 0; i < prp.count; i++) {
      const n = prp.len[i]!;
      const a = prp.addr[i]!;
      bounce.set(u8.subarray(a, a + n), done);
      done += n;
    }
    ns.write(bounce, 0, slba, nlb, (cdw12 & RW_FUA) !== 0);
  }
  return 0;
}
