// 82599 receive filtering per FCTRL (UPE, MPE, BAM) and the receive address registers.
import { afterEach, describe, expect, it } from 'vitest';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { buildUdpFrame } from '../../drivers/hw/wires/frames.ts';
import { ENGINE_KINDS, settle, waitUntil } from './support/engines.ts';
import { pairRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

const OWN = [2, 0, 0, 0, 0, 0xb];
const OTHER = [2, 0, 0, 0, 0, 0x77];
const EXTRA = [2, 0x10, 0x20, 0x30, 0x40, 0x50];
const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const MULTICAST = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x01];

describe.each(ENGINE_KINDS)('82599 filtering (%s engine)', (kind) => {
  async function offer(fctrl: number, dsts: number[][], extra?: number[]): Promise<{ accepted: number[]; stats: Record<string, number> }> {
    const rig = await pairRig(kind);
    rig.tx.init({ ringSize: 64 });
    rig.rx.init({ ringSize: 64, promiscuous: false });
    const b = rig.b.bar0;
    b.write32(R.FCTRL, fctrl);
    if (extra) {
      b.write32(R.RAL(3), extra[0]! | (extra[1]! << 8) | (extra[2]! << 16) | (extra[3]! << 24));
      b.write32(R.RAH(3), (extra[4]! | (extra[5]! << 8) | R.RAH_AV) >>> 0);
    }
    const frames = dsts.map((d, i) => {
      const f = buildUdpFrame({ dstMac: d, length: 60 + i });
      return f;
    });
    rig.tx.transmit(0, frames);
    expect(waitUntil(rig.engine, () => rig.a.bar0.read32(R.TDH(0)) === frames.length)).toBe(true);
    settle(rig.engine);
    const accepted = rig.rx.receive(0, 64).map((f) => f.length - 60);
    return { accepted, stats: rig.rx.readStats() };
  }

  it('accepts only its own unicast address by default', async () => {
    const { accepted } = await offer(0, [OWN, OTHER, BROADCAST, MULTICAST]);
    expect(accepted).toEqual([0]);
  });

  it('accepts broadcast with BAM and counts BPRC', async () => {
    const { accepted, stats } = await offer(R.FCTRL_BAM, [OWN, OTHER, BROADCAST, MULTICAST]);
    expect(accepted).toEqual([0, 2]);
    expect(stats.bprc).toBe(1);
  });

  it('accepts all multicast with MPE and counts MPRC', async () => {
    const { accepted, stats } = await offer(R.FCTRL_MPE, [OWN, OTHER, BROADCAST, MULTICAST]);
    expect(accepted).toEqual([0, 2, 3]);
    expect(stats.mprc).toBe(1);
  });

  it('accepts every unicast address with UPE', async () => {
    const { accepted } = await offer(R.FCTRL_UPE, [OWN, OTHER, BROADCAST, MULTICAST]);
    expect(accepted).toEqual([0, 1]);
  });

  it('accepts everything in promiscuous mode (UPE | MPE)', async () => {
    const { accepted } = await offer(R.FCTRL_UPE | R.FCTRL_MPE, [OWN, OTHER, BROADCAST, MULTICAST]);
    expect(accepted).toEqual([0, 1, 2, 3]);
  });

  it('matches additional valid RAL/RAH entries', async () => {
    const { accepted } = await offer(0, [OWN, EXTRA, OTHER], EXTRA);
    expect(accepted).toEqual([0, 1]);
  });

  it('ignores an entry whose address-valid bit is clear', async () => {
    const rig = await pairRig(kind);
    rig.tx.init({ ringSize: 64 });
    rig.rx.init({ ringSize: 64, promiscuous: false });
    const b = rig.b.bar0;
    b.write32(R.FCTRL, 0);
    b.write32(R.RAH(0), b.read32(R.RAH(0)) & ~R.RAH_AV);
    rig.tx.transmit(0, [buildUdpFrame({ dstMac: OWN })]);
    expect(waitUntil(rig.engine, () => rig.a.bar0.read32(R.TDH(0)) === 1)).toBe(true);
    settle(rig.engine);
    expect(rig.rx.receive(0)).toHaveLength(0);
    expect(rig.b.diagnostics().rxFiltered).toBe(1);
  });
});
