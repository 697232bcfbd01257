// The datasheet initialisation sequence brings the 82599 model up on both engines, and frames
// flow both ways through a MoonGen-style traffic wire.
import { afterEach, describe, expect, it } from 'vitest';
import { buildUdpFrame, writeSeq } from '../../drivers/hw/wires/frames.ts';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import type { Engine } from '../../drivers/hw/engine/engine.ts';
import { ENGINE_KINDS, makeEngine, waitUntil } from './support/engines.ts';
import { RefIxgbe } from './support/ixgbe-driver.ts';
import { DmaArena } from './support/memory.ts';

describe.each(ENGINE_KINDS)('82599 bring-up (%s engine)', (kind) => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.shutdown();
    engine = undefined;
  });

  it('follows the datasheet init order and reaches link up', async () => {
    const mem = new DmaArena();
    engine = makeEngine(kind, { buffer: mem.buffer });
    const nic = engine.addIxgbe({ link: { kind: 'traffic' } });
    await engine.start();
    const drv = new RefIxgbe(engine, nic.bar0, nic.pci, mem);
    drv.init();
    expect(nic.bar0.read32(R.LINKS) & R.LINKS_UP).toBe(R.LINKS_UP);
    expect((nic.bar0.read32(R.LINKS) >>> 28) & 3).toBe(3); // 10G
    expect(nic.bar0.read32(R.RXDCTL(0)) & R.RXDCTL_ENABLE).toBe(R.RXDCTL_ENABLE);
    expect(nic.bar0.read32(R.TXDCTL(0)) & R.TXDCTL_ENABLE).toBe(R.TXDCTL_ENABLE);
  });

  it('transmits frames into the sink with DD write-back and counts them', async () => {
    const mem = new DmaArena();
    engine = makeEngine(kind, { buffer: mem.buffer });
    const nic = engine.addIxgbe({ link: { kind: 'traffic' } });
    await engine.start();
    const drv = new RefIxgbe(engine, nic.bar0, nic.pci, mem);
    drv.init();
    const frames = Array.from({ length: 100 }, (_, i) => {
      const f = buildUdpFrame();
      writeSeq(f, 0, i);
      return f;
    });
    expect(drv.transmit(0, frames)).toBe(100);
    const e = engine;
    expect(waitUntil(e, () => nic.traffic!.received === 100)).toBe(true);
    expect(waitUntil(e, () => nic.bar0.read32(R.TDH(0)) === 100)).toBe(true);
    expect(drv.cleanTx(0)).toBe(100);
    expect(nic.traffic!.lost).toBe(0);
    const s = drv.readStats();
    expect(s.gptc).toBe(100);
    expect(s.gotc).toBe(100 * 64);
    expect(drv.readStats().gptc).toBe(0); // clear on read
  });

  it('receives generated frames with DD and EOP and counts them', async () => {
    const mem = new DmaArena();
    engine = makeEngine(kind, { buffer: mem.buffer });
    const nic = engine.addIxgbe({ link: { kind: 'traffic', generator: { count: 1000 } } });
    await engine.start();
    const drv = new RefIxgbe(engine, nic.bar0, nic.pci, mem);
    drv.init();
    let got = 0;
    const e = engine;
    expect(waitUntil(e, () => {
      got += drv.receive(0, 64).length;
      return got === 1000;
    })).toBe(true);
    const s = drv.readStats();
    expect(s.gprc).toBe(1000);
    expect(s.gorc).toBe(1000 * 64);
    expect(s.mpc).toBe(0);
  });
});
