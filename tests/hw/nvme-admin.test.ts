// NVMe admin commands: Identify, queue creation and deletion with their errors, features, logs.
import { afterEach, describe, expect, it } from 'vitest';
import * as N from '../../drivers/hw/nvme/registers.ts';
import { ENGINE_KINDS } from './support/engines.ts';
import { nvmeRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

const SC = (sct: number, sc: number): number => (sct << 8) | sc;

describe.each(ENGINE_KINDS)('NVMe admin commands (%s engine)', (kind) => {
  it('identifies the controller, the active namespace list and each namespace', async () => {
    const { drv, mem } = await nvmeRig(kind, { namespaces: [{ memory: 1 << 20, blockSize: 512 }, { memory: 2 << 20, blockSize: 4096 }] });
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const page = mem.alloc(4096);
    const v = new DataView(mem.buffer, page, 4096);
    expect(drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, prp1: page, cdw10: N.CNS_CONTROLLER }).code).toBe(0);
    expect(v.getUint16(0, true)).toBe(0x8086);
    expect(new TextDecoder().decode(mem.u8.subarray(page + 24, page + 64)).trim()).toMatch(/NVMe model/);
    expect(mem.u8[page + 512]).toBe(0x66);
    expect(mem.u8[page + 513]).toBe(0x44);
    expect(v.getUint32(516, true)).toBe(2);
    expect(mem.u8[page + 525]! & 1).toBe(1);
    expect(mem.u8[page + 77]).toBe(5);
    expect(drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, prp1: page, cdw10: N.CNS_ACTIVE_NAMESPACES }).code).toBe(0);
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true)]).toEqual([1, 2, 0]);
    expect(drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, nsid: 1, prp1: page, cdw10: N.CNS_ACTIVE_NAMESPACES }).code).toBe(0);
    expect(v.getUint32(0, true)).toBe(2);
    expect(drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, nsid: 2, prp1: page, cdw10: N.CNS_NAMESPACE }).code).toBe(0);
    expect(v.getBigUint64(0, true)).toBe(512n);
    expect(mem.u8[page + 130]).toBe(12);
    const bad = drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, nsid: 3, prp1: page, cdw10: N.CNS_NAMESPACE });
    expect(bad.code).toBe(SC(0, N.SC_INVALID_NAMESPACE));
    expect(bad.dnr).toBe(true);
    expect(drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, prp1: page, cdw10: 0x7f }).code).toBe(SC(0, N.SC_INVALID_FIELD));
  });

  it('writes Identify data across a page boundary through PRP2', async () => {
    const { drv, mem } = await nvmeRig(kind);
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const two = mem.alloc(8192);
    expect(drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, prp1: two + 2048, prp2: two + 4096, cdw10: N.CNS_CONTROLLER }).code).toBe(0);
    expect(mem.u8[two + 2048 + 512]).toBe(0x66);
    // An unaligned second page is a PRP offset error.
    const r = drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, prp1: two + 2048, prp2: two + 4100, cdw10: N.CNS_CONTROLLER });
    expect(r.code).toBe(SC(0, N.SC_PRP_OFFSET_INVALID));
  });

  it('creates the completion queue first and refuses an SQ whose CQ does not exist', async () => {
    const { drv, mem } = await nvmeRig(kind);
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const sq = mem.alloc(4096), cq = mem.alloc(4096);
    const early = drv.adminCmd({ opcode: N.ADMIN_CREATE_SQ, prp1: sq, cdw10: (63 << 16) | 1, cdw11: (1 << 16) | 1 });
    expect(early.code).toBe(SC(1, N.SC_CQ_INVALID));
    expect(drv.adminCmd({ opcode: N.ADMIN_CREATE_SQ, prp1: sq, cdw10: (63 << 16) | 1, cdw11: 1 }).code).toBe(SC(1, N.SC_CQ_INVALID)); // CQ 0 is the admin CQ
    expect(drv.adminCmd({ opcode: N.ADMIN_CREATE_CQ, prp1: cq, cdw10: (63 << 16) | 1, cdw11: 1 }).code).toBe(0);
    expect(drv.adminCmd({ opcode: N.ADMIN_CREATE_SQ, prp1: sq, cdw10: (63 << 16) | 1, cdw11: (1 << 16) | 1 }).code).toBe(0);
  });

  it('rejects invalid queue ids, oversize queues and non-contiguous queues', async () => {
    const { drv, mem } = await nvmeRig(kind, { mqes: 255, maxQueues: 4 });
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const buf = mem.alloc(65536);
    const create = (opcode: number, qid: number, size: number, cdw11: number): number =>
      drv.adminCmd({ opcode, prp1: buf, cdw10: ((size - 1) << 16) | qid, cdw11 }).code;
    expect(create(N.ADMIN_CREATE_CQ, 0, 16, 1)).toBe(SC(1, N.SC_INVALID_QID));
    expect(create(N.ADMIN_CREATE_CQ, 5, 16, 1)).toBe(SC(1, N.SC_INVALID_QID));
    expect(create(N.ADMIN_CREATE_CQ, 1, 257, 1)).toBe(SC(1, N.SC_INVALID_QUEUE_SIZE));
    expect(create(N.ADMIN_CREATE_CQ, 1, 1, 1)).toBe(SC(1, N.SC_INVALID_QUEUE_SIZE));
    expect(create(N.ADMIN_CREATE_CQ, 1, 16, 0)).toBe(SC(0, N.SC_INVALID_FIELD));
    expect(create(N.ADMIN_CREATE_CQ, 1, 16, (3 << 16) | 3)).toBe(SC(1, N.SC_INVALID_INTERRUPT_VECTOR));
    expect(create(N.ADMIN_CREATE_CQ, 1, 256, 1)).toBe(0);
    expect(create(N.ADMIN_CREATE_CQ, 1, 16, 1)).toBe(SC(1, N.SC_INVALID_QID)); // exists
    expect(create(N.ADMIN_CREATE_SQ, 1, 257, (1 << 16) | 1)).toBe(SC(1, N.SC_INVALID_QUEUE_SIZE));
    expect(create(N.ADMIN_CREATE_SQ, 1, 16, 1 << 16)).toBe(SC(0, N.SC_INVALID_FIELD));
  });

  it('deletes the SQ before its CQ and rejects deleting unknown queues', async () => {
    const { drv } = await nvmeRig(kind);
    drv.init(2);
    const del = (opcode: number, qid: number): number => drv.adminCmd({ opcode, cdw10: qid }).code;
    expect(del(N.ADMIN_DELETE_CQ, 1)).toBe(SC(1, N.SC_INVALID_QUEUE_DELETION));
    expect(del(N.ADMIN_DELETE_SQ, 1)).toBe(0);
    expect(del(N.ADMIN_DELETE_SQ, 1)).toBe(SC(1, N.SC_INVALID_QID));
    expect(del(N.ADMIN_DELETE_SQ, 0)).toBe(SC(1, N.SC_INVALID_QID));
    expect(del(N.ADMIN_DELETE_CQ, 1)).toBe(0);
    expect(del(N.ADMIN_DELETE_CQ, 0)).toBe(SC(1, N.SC_INVALID_QID));
    expect(del(N.ADMIN_DELETE_CQ, 9)).toBe(SC(1, N.SC_INVALID_QID));
    // Queue 2 keeps working.
    expect(drv.flush(drv.io[1]!).code).toBe(0);
  });

  it('negotiates the number of queues and the volatile write cache', async () => {
    const { drv } = await nvmeRig(kind, { maxQueues: 8 });
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const r = drv.adminCmd({ opcode: N.ADMIN_SET_FEATURES, cdw10: N.FEATURE_NUMBER_OF_QUEUES, cdw11: (31 << 16) | 31 });
    expect(r.code).toBe(0);
    expect(r.dw0).toBe((7 << 16) | 7);
    expect(drv.adminCmd({ opcode: N.ADMIN_GET_FEATURES, cdw10: N.FEATURE_NUMBER_OF_QUEUES }).dw0).toBe((7 << 16) | 7);
    expect(drv.adminCmd({ opcode: N.ADMIN_SET_FEATURES, cdw10: N.FEATURE_NUMBER_OF_QUEUES, cdw11: 0xffff }).code).toBe(SC(0, N.SC_INVALID_FIELD));
    expect(drv.adminCmd({ opcode: N.ADMIN_GET_FEATURES, cdw10: N.FEATURE_VOLATILE_WRITE_CACHE }).dw0).toBe(1);
    expect(drv.adminCmd({ opcode: N.ADMIN_SET_FEATURES, cdw10: N.FEATURE_VOLATILE_WRITE_CACHE, cdw11: 0 }).code).toBe(0);
    expect(drv.adminCmd({ opcode: N.ADMIN_GET_FEATURES, cdw10: N.FEATURE_VOLATILE_WRITE_CACHE }).dw0).toBe(0);
    expect(drv.adminCmd({ opcode: N.ADMIN_GET_FEATURES, cdw10: 0x7e }).code).toBe(SC(0, N.SC_INVALID_FIELD));
  });

  it('returns log pages, answers Abort, holds Asynchronous Event Requests up to the limit', async () => {
    const { drv, mem } = await nvmeRig(kind);
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const page = mem.alloc(4096);
    mem.u8.fill(0xee, page, page + 4096);
    expect(drv.adminCmd({ opcode: N.ADMIN_GET_LOG_PAGE, prp1: page, cdw10: (127 << 16) | 2 }).code).toBe(0);
    expect(mem.u8[page]).toBe(0);
    expect(mem.u8[page + 512]).toBe(0xee);
    expect(drv.adminCmd({ opcode: N.ADMIN_GET_LOG_PAGE, prp1: page, cdw10: (127 << 16) | 0x70 }).code).toBe(SC(0, N.SC_INVALID_FIELD));
    expect(drv.adminCmd({ opcode: N.ADMIN_ABORT, cdw10: 1 }).dw0 & 1).toBe(1);
    for (let i = 0; i < 4; i++) drv.put(drv.admin, { opcode: N.ADMIN_ASYNC_EVENT });
    const fifth = drv.adminCmd({ opcode: N.ADMIN_ASYNC_EVENT });
    expect(fifth.code).toBe(SC(1, N.SC_AER_LIMIT_EXCEEDED));
    expect(fifth.sqhd).toBe(drv.admin.sqTail);
  });

  it('completes unknown admin opcodes with Invalid Opcode and DNR', async () => {
    const { drv } = await nvmeRig(kind);
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const c = drv.adminCmd({ opcode: 0xc1 });
    expect(c.code).toBe(SC(0, N.SC_INVALID_OPCODE));
    expect(c.dnr).toBe(true);
    expect(drv.adminCmd({ opcode: N.ADMIN_IDENTIFY, flags: 0x40, cdw10: 1 }).code).toBe(SC(0, N.SC_INVALID_FIELD)); // SGL
  });
});
