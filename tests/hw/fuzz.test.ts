// Random register writes, random descriptors and random doorbells never crash the host, never
// make a model throw, and never leave a device that a reset cannot bring back.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import * as N from '../../drivers/hw/nvme/registers.ts';
import { buildUdpFrame } from '../../drivers/hw/wires/frames.ts';
import { ENGINE_KINDS, settle, waitUntil } from './support/engines.ts';
import { nicRig, nvmeRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

/** Offsets worth hitting: every register the model knows, plus arbitrary ones. */
const NIC_HOT = [
  R.CTRL, R.STATUS, R.CTRL_EXT, R.EICR, R.EIMS, R.EIMC, R.EEC, R.RDRXCTL, R.RXCTRL, R.HLREG0, R.AUTOC, R.LINKS, R.DMATXCTL,
  R.FCTRL, R.MRQC, R.RETA(0), R.RSSRK(0), R.RQSMR(0), R.TQSM(0), R.GPRC, R.GORCL, R.GORCH, R.MPC(0),
  ...[0, 1, 63].flatMap((q) => [R.RDBAL(q), R.RDBAH(q), R.RDLEN(q), R.RDH(q), R.RDT(q), R.RXDCTL(q), R.SRRCTL(q), R.TDBAL(q), R.TDBAH(q), R.TDLEN(q), R.TDH(q), R.TDT(q), R.TXDCTL(q)]),
];
const NVME_HOT = [N.REG_CAP, N.REG_VS, N.REG_INTMS, N.REG_INTMC, N.REG_CC, N.REG_CSTS, N.REG_AQA, N.REG_ASQ, N.REG_ASQ + 4, N.REG_ACQ, N.REG_ACQ + 4, 0x1000, 0x1004, 0x1008, 0x100c, 0x1010];

const word = fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 4096 }));

function access(hot: number[], size: number): fc.Arbitrary<{ offset: number; value: number; read: boolean }> {
  return fc.record({
    offset: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...hot) }, { weight: 1, arbitrary: fc.integer({ min: -8, max: size + 8 }) }),
    value: word,
    read: fc.boolean(),
  });
}

describe.each(ENGINE_KINDS)('fuzzing (%s engine)', (kind) => {
  it('82599: random register and descriptor writes', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic', generator: { count: 100_000 } } });
    rig.drv.init({ ringSize: 64, txQueues: 2, rxQueues: 2 });
    const rings = [...rig.drv.rx, ...rig.drv.tx].map((r) => r.base);
    await fc.assert(
      fc.asyncProperty(
        fc.array(access(NIC_HOT, R.IXGBE_BAR0_SIZE), { maxLength: 40 }),
        fc.array(fc.record({ ring: fc.integer({ min: 0, max: rings.length - 1 }), slot: fc.integer({ min: 0, max: 255 }), value: word }), { maxLength: 20 }),
        async (ops, scribbles) => {
          for (const s of scribbles) rig.mem.u32[(rings[s.ring]! >>> 2) + s.slot] = s.value;
          for (const op of ops) {
            if (op.read) rig.nic.bar0.read32(op.offset);
            else rig.nic.bar0.write32(op.offset, op.value);
          }
          rig.engine.poll();
          rig.nic.diagnostics();
        },
      ),
      { numRuns: kind === 'inline' ? 60 : 25, seed: 42 },
    );
    settle(rig.engine);
    expect(rig.engine.modelFaults()).toBe(0);
    // A reset brings it back.
    rig.drv.rx.length = 0;
    rig.drv.tx.length = 0;
    rig.drv.init({ ringSize: 64 });
    const before = rig.nic.traffic!.received;
    rig.drv.transmit(0, [buildUdpFrame()]);
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === before + 1)).toBe(true);
  });

  it('NVMe: random registers, random commands, random doorbells', async () => {
    const rig = await nvmeRig(kind);
    rig.drv.init(1, 64);
    const q = rig.drv.io[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(access(NVME_HOT, N.NVME_BAR0_SIZE), { maxLength: 10 }),
        fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.integer({ min: 0, max: 255 })), { maxLength: 10 }),
        async (ops, commands) => {
          for (const [admin, bytes, opcode] of commands) {
            const queue = admin ? rig.drv.admin : q;
            const slot = queue.sq + queue.sqTail * 64;
            rig.mem.u8.set(bytes, slot);
            rig.mem.u8[slot] = opcode % 16; // mostly real opcodes
            if (admin && (opcode % 16) <= 1) rig.mem.u8[slot] = 0x06; // never delete/create I/O SQ 1 at random
            queue.sqTail = (queue.sqTail + 1) % queue.size;
            rig.drv.ring(queue);
            rig.engine.poll();
            while (rig.drv.reap(queue)) {
              /* drain */
            }
          }
          for (const op of ops) {
            if (op.read) rig.drv.bar.read32(op.offset);
            else rig.drv.bar.write32(op.offset, op.value);
          }
          rig.engine.poll();
        },
      ),
      { numRuns: kind === 'inline' ? 60 : 25, seed: 7 },
    );
    settle(rig.engine);
    expect(rig.engine.modelFaults()).toBe(0);
    rig.drv.io.length = 0;
    rig.drv.init();
    const buf = rig.mem.alloc(4096);
    expect(rig.drv.read(rig.drv.io[0]!, 0, 1, buf).code).toBe(0);
  });
});
