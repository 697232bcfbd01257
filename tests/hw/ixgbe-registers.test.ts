// 82599 register file: reset, EEPROM and DMA-init done bits, link, aliases, read-only registers.
import { afterEach, describe, expect, it } from 'vitest';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { ENGINE_KINDS } from './support/engines.ts';
import { nicRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

describe.each(ENGINE_KINDS)('82599 registers (%s engine)', (kind) => {
  it('resets with CTRL.RST, which self-clears, and restores defaults', async () => {
    const { nic, drv } = await nicRig(kind, { mac: [0x02, 0x11, 0x22, 0x33, 0x44, 0x55], link: { kind: 'traffic' } });
    drv.enablePci();
    const b = nic.bar0;
    b.write32(R.FCTRL, R.FCTRL_UPE);
    b.write32(R.RXPBSIZE(1), 0x1234);
    b.write32(R.CTRL, R.CTRL_RST);
    expect(b.read32(R.CTRL) & (R.CTRL_RST | R.CTRL_LNK_RST)).toBe(0);
    expect(b.read32(R.FCTRL)).toBe(0);
    expect(b.read32(R.RXPBSIZE(1))).toBe(0);
    expect(b.read32(R.RXPBSIZE(0))).toBe(0x80000);
    expect(b.read32(R.EEC) & R.EEC_ARD).toBe(R.EEC_ARD);
    expect(b.read32(R.RDRXCTL) & R.RDRXCTL_DMAIDONE).toBe(R.RDRXCTL_DMAIDONE);
    expect(b.read32(R.SRRCTL(5))).toBe(0x402);
    expect(b.read32(R.RAL(0))).toBe(0x33221102);
    expect(b.read32(R.RAH(0))).toBe((0x5544 | R.RAH_AV) >>> 0);
    expect(b.read32(R.RAL_ALIAS(0))).toBe(0x33221102);
    expect(nic.diagnostics().resets).toBe(2); // power-on and this one
  });

  it('keeps the link down until autonegotiation restarts, then comes up on the next poll', async () => {
    const { nic, drv } = await nicRig(kind, { link: { kind: 'traffic' } });
    drv.enablePci();
    const b = nic.bar0;
    expect(b.read32(R.LINKS) & R.LINKS_UP).toBe(0);
    b.write32(R.AUTOC, R.AUTOC_LMS_10G_SERIAL | R.AUTOC_AN_RESTART);
    expect(b.read32(R.AUTOC)).toBe(R.AUTOC_LMS_10G_SERIAL); // AN_RESTART self-clears
    expect(b.read32(R.LINKS) & R.LINKS_UP).toBe(0);
    const links = b.read32(R.LINKS);
    expect(links & R.LINKS_UP).toBe(R.LINKS_UP);
    expect((links >>> 28) & 3).toBe(3);
    expect(b.read32(R.STATUS) & R.STATUS_LINK_UP).toBe(R.STATUS_LINK_UP);
    b.write32(R.CTRL, R.CTRL_LNK_RST);
    expect(b.read32(R.LINKS) & R.LINKS_UP).toBe(0);
  });

  it('has no link without a wire', async () => {
    const { nic, drv } = await nicRig(kind);
    drv.enablePci();
    nic.bar0.write32(R.AUTOC, R.AUTOC_LMS_10G_SERIAL | R.AUTOC_AN_RESTART);
    nic.bar0.read32(R.LINKS);
    expect(nic.bar0.read32(R.LINKS) & R.LINKS_UP).toBe(0);
  });

  it('reports the LAN function in STATUS and ignores writes to read-only registers', async () => {
    const { nic, drv } = await nicRig(kind, { port: 1 });
    drv.enablePci();
    const b = nic.bar0;
    expect((b.read32(R.STATUS) >>> R.STATUS_LAN_ID_SHIFT) & 3).toBe(1);
    b.write32(R.STATUS, 0);
    expect((b.read32(R.STATUS) >>> R.STATUS_LAN_ID_SHIFT) & 3).toBe(1);
    b.write32(R.EEC, 0);
    expect(b.read32(R.EEC) & R.EEC_ARD).toBe(R.EEC_ARD);
    b.write32(R.LINKS, 0xffffffff);
    expect(b.read32(R.LINKS)).toBe(0);
    b.write32(R.RDRXCTL, 0);
    expect(b.read32(R.RDRXCTL) & R.RDRXCTL_DMAIDONE).toBe(R.RDRXCTL_DMAIDONE);
    b.write32(0x1fff0, 0xdeadbeef); // reserved
    expect(b.read32(0x1fff0)).toBe(0);
  });

  it('masks ring base low bits and RDLEN granularity; aliases share storage', async () => {
    const { nic, drv } = await nicRig(kind);
    drv.enablePci();
    const b = nic.bar0;
    b.write32(R.RDBAL(3), 0x12345);
    expect(b.read32(R.RDBAL(3))).toBe(0x12300);
    b.write32(R.TDBAL(3), 0x1237f);
    expect(b.read32(R.TDBAL(3))).toBe(0x12300);
    b.write32(R.RDLEN(3), 0x1010);
    expect(b.read32(R.RDLEN(3))).toBe(0x1000);
    b.write32(R.SRRCTL_ALIAS(2), 0x02000001);
    expect(b.read32(R.SRRCTL(2))).toBe(0x02000001);
    b.write32(R.RAL_ALIAS(1), 0x0a0b0c0d);
    expect(b.read32(R.RAL(1))).toBe(0x0a0b0c0d);
    b.write32(R.DCA_RXCTRL_ALIAS(4), 0x1000);
    expect(b.read32(R.DCA_RXCTRL(4))).toBe(0x1000);
  });

  it('sets and clears interrupt masks through EIMS/EIMC; EICR is write-one-to-clear and clears on read', async () => {
    const { nic, drv } = await nicRig(kind);
    drv.enablePci();
    const b = nic.bar0;
    b.write32(R.EIMS, 0x0000ff00);
    b.write32(R.EIMC, 0x00000f00);
    expect(b.read32(R.EIMS)).toBe(0x0000f000);
    b.write32(R.EICS, 0x5);
    b.write32(R.EICR, 0x1);
    expect(b.read32(R.EICR)).toBe(0x4);
    expect(b.read32(R.EICR)).toBe(0);
  });

  it('drops misaligned and out-of-range MMIO and counts it', async () => {
    const { nic, drv } = await nicRig(kind);
    drv.enablePci();
    expect(nic.bar0.read32(R.CTRL + 2)).toBe(0xffffffff);
    nic.bar0.write32(R.IXGBE_BAR0_SIZE, 1);
    nic.bar0.write32(-4, 1);
    const d = nic.diagnostics();
    expect(d.mmioMisaligned).toBe(1);
    expect(d.mmioOutOfRange).toBe(2);
  });
});
