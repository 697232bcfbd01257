// 82599 statistics: GPRC, GPTC, GORC, GOTC, MPC, QPRC, QPTC count what happened and clear on read.
import { afterEach, describe, expect, it } from 'vitest';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { buildUdpFrame } from '../../drivers/hw/wires/frames.ts';
import { ENGINE_KINDS, settle, waitUntil } from './support/engines.ts';
import { pairRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

describe.each(ENGINE_KINDS)('82599 statistics (%s engine)', (kind) => {
  it('counts packets and octets (with FCS) on both sides and clears them on read', async () => {
    const rig = await pairRig(kind);
    rig.tx.init({ ringSize: 16 });
    rig.rx.init({ ringSize: 8 });
    const frames = [buildUdpFrame({ length: 60 }), buildUdpFrame({ length: 100 }), buildUdpFrame({ length: 1000 })];
    rig.tx.transmit(0, frames);
    expect(waitUntil(rig.engine, () => rig.a.bar0.read32(R.TDH(0)) === 3)).toBe(true);
    settle(rig.engine);
    const a = rig.a.bar0, b = rig.b.bar0;
    expect(a.read32(R.GPTC)).toBe(3);
    expect(a.read32(R.GOTCL)).toBe(60 + 100 + 1000 + 3 * 4);
    expect(a.read32(R.GOTCH)).toBe(0);
    expect(a.read32(R.QPTC(0))).toBe(3);
    expect(b.read32(R.GPRC)).toBe(3);
    expect(b.read32(R.GORCL)).toBe(1172);
    expect(b.read32(R.GORCH)).toBe(0);
    expect(b.read32(R.QPRC(0))).toBe(3);
    expect(b.read32(R.TPR)).toBe(3);
    for (const reg of [R.GPTC, R.GOTCL, R.QPTC(0)]) expect(a.read32(reg)).toBe(0);
    for (const reg of [R.GPRC, R.GORCL, R.QPRC(0), R.TPR]) expect(b.read32(reg)).toBe(0);
  });

  it('counts missed frames in MPC(0) and clears it on read', async () => {
    const rig = await pairRig(kind);
    rig.tx.init({ ringSize: 64 });
    rig.rx.init({ ringSize: 8 });
    rig.tx.transmit(0, Array.from({ length: 20 }, () => buildUdpFrame()));
    expect(waitUntil(rig.engine, () => rig.a.bar0.read32(R.TDH(0)) === 20)).toBe(true);
    settle(rig.engine);
    expect(rig.b.bar0.read32(R.MPC(0))).toBe(13);
    expect(rig.b.bar0.read32(R.MPC(0))).toBe(0);
    expect(rig.b.bar0.read32(R.GPRC)).toBe(7);
  });

  it('ignores writes to statistics registers', async () => {
    const rig = await pairRig(kind);
    rig.tx.init({ ringSize: 16 });
    rig.rx.init({ ringSize: 16 });
    rig.a.bar0.write32(R.GPTC, 1234);
    rig.a.bar0.write32(R.QPTC(2), 5);
    expect(rig.a.bar0.read32(R.GPTC)).toBe(0);
    expect(rig.a.bar0.read32(R.QPTC(2))).toBe(0);
  });
});
