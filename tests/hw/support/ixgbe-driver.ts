// A reference 82599 driver written from the datasheet (section 4.6 initialisation, 7.1 receive,
// 7.2 transmit), the way ixy does it: it is how the tests bring the NIC model up.
import * as R from '../../../drivers/hw/ixgbe/registers.ts';
import type { Mmio } from '../../../drivers/hw/mmio.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../../../drivers/hw/pci.ts';
import type { PciFunction } from '../../../drivers/hw/pci.ts';
import type { Engine } from '../../../drivers/hw/engine/engine.ts';
import type { DmaArena } from './memory.ts';
import { waitUntil } from './engines.ts';

export interface Ring {
  base: number;
  size: number;
  buffers: number[];
  /** Next descriptor the driver looks at (RX) or fills (TX). */
  next: number;
  /** TX: oldest descriptor not yet cleaned. */
  clean: number;
}

export const BUF_SIZE = 2048;
/**
 * Distance between buffers: 2 KB plus 128 bytes, as DPDK's mbufs do, so consecutive buffers
 * do not all fall into the same few cache sets.
 */
const BUF_STRIDE = BUF_SIZE + 128;

export class RefIxgbe {
  readonly rx: Ring[] = [];
  readonly tx: Ring[] = [];
  constructor(readonly engine: Engine, readonly bar: Mmio, readonly pci: PciFunction, readonly mem: DmaArena) {}

  set(reg: number, bits: number): void {
    this.bar.write32(reg, this.bar.read32(reg) | bits);
  }
  clear(reg: number, bits: number): void {
    this.bar.write32(reg, this.bar.read32(reg) & ~bits);
  }
  waitSet(reg: number, bits: number): boolean {
    return waitUntil(this.engine, () => (this.bar.read32(reg) & bits) === bits);
  }
  waitClear(reg: number, bits: number): boolean {
    return waitUntil(this.engine, () => (this.bar.read32(reg) & bits) === 0);
  }

  enablePci(): void {
    this.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
  }

  /** Datasheet 4.6.3: reset, wait for EEPROM and DMA, link, statistics, RX, TX, promiscuous. */
  init(options: { rxQueues?: number; txQueues?: number; ringSize?: number; promiscuous?: boolean } = {}): void {
    const { rxQueues = 1, txQueues = 1, ringSize = 512, promiscuous = true } = options;
    const b = this.bar;
    this.enablePci();
    b.write32(R.EIMC, 0x7fffffff);
    b.write32(R.CTRL, R.CTRL_RST | R.CTRL_LNK_RST);
    if (!this.waitClear(R.CTRL, R.CTRL_RST | R.CTRL_LNK_RST)) throw new Error('reset did not complete');
    b.write32(R.EIMC, 0x7fffffff);
    if (!this.waitSet(R.EEC, R.EEC_ARD)) throw new Error('EEPROM auto-read not done');
    if (!this.waitSet(R.RDRXCTL, R.RDRXCTL_DMAIDONE)) throw new Error('DMA init not done');
    b.write32(R.AUTOC, (b.read32(R.AUTOC) & ~R.AUTOC_LMS_MASK) | R.AUTOC_LMS_10G_SERIAL);
    this.set(R.AUTOC, R.AUTOC_AN_RESTART);
    this.readStats();
    // RX
    this.clear(R.RXCTRL, R.RXCTRL_RXEN);
    b.write32(R.RXPBSIZE(0), 128 << 10);
    for (let i = 1; i < 8; i++) b.write32(R.RXPBSIZE(i), 0);
    this.set(R.HLREG0, R.HLREG0_RXCRCSTRP);
    this.set(R.RDRXCTL, R.RDRXCTL_CRCSTRIP);
    this.set(R.FCTRL, R.FCTRL_BAM);
    for (let q = 0; q < rxQueues; q++) {
      b.write32(R.SRRCTL(q), (b.read32(R.SRRCTL(q)) & ~R.SRRCTL_DESCTYPE_MASK & ~R.SRRCTL_BSIZEPACKET_MASK) | R.SRRCTL_DESCTYPE_ADV_ONEBUF | R.SRRCTL_DROP_EN | (BUF_SIZE >> 10));
      const base = this.mem.alloc(ringSize * 16, 128);
      b.write32(R.RDBAL(q), base);
      b.write32(R.RDBAH(q), 0);
      b.write32(R.RDLEN(q), ringSize * 16);
      b.write32(R.RDH(q), 0);
      b.write32(R.RDT(q), 0);
      this.rx.push({ base, size: ringSize, buffers: [], next: 0, clean: 0 });
    }
    this.set(R.CTRL_EXT, R.CTRL_EXT_NS_DIS);
    for (let q = 0; q < rxQueues; q++) this.clear(R.DCA_RXCTRL(q), 1 << 12);
    this.set(R.RXCTRL, R.RXCTRL_RXEN);
    // TX
    this.set(R.HLREG0, R.HLREG0_TXCRCEN | R.HLREG0_TXPADEN);
    b.write32(R.TXPBSIZE(0), 40 << 10);
    for (let i = 1; i < 8; i++) b.write32(R.TXPBSIZE(i), 0);
    b.write32(R.DTXMXSZRQ, 0xffff);
    this.clear(R.RTTDCS, R.RTTDCS_ARBDIS);
    for (let q = 0; q < txQueues; q++) {
      const base = this.mem.alloc(ringSize * 16, 128);
      b.write32(R.TDBAL(q), base);
      b.write32(R.TDBAH(q), 0);
      b.write32(R.TDLEN(q), ringSize * 16);
      let txdctl = b.read32(R.TXDCTL(q));
      txdctl &= ~(0x7f | (0x7f << 8) | (0x7f << 16));
      txdctl |= 36 | (8 << 8) | (4 << 16);
      b.write32(R.TXDCTL(q), txdctl);
      this.tx.push({ base, size: ringSize, buffers: [], next: 0, clean: 0 });
    }
    b.write32(R.DMATXCTL, R.DMATXCTL_TE);
    for (let q = 0; q < rxQueues; q++) this.startRx(q);
    for (let q = 0; q < txQueues; q++) this.startTx(q);
    if (promiscuous) this.set(R.FCTRL, R.FCTRL_UPE | R.FCTRL_MPE);
    if (!this.waitSet(R.LINKS, R.LINKS_UP)) throw new Error('link did not come up');
  }

  startRx(q: number): void {
    const ring = this.rx[q]!;
    const u32 = this.mem.u32;
    for (let i = 0; i < ring.size; i++) {
      const buf = this.mem.alloc(BUF_STRIDE, 128);
      ring.buffers.push(buf);
      const w = (ring.base + i * 16) >>> 2;
      u32[w] = buf;
      u32[w + 1] = 0;
      u32[w + 2] = 0;
      u32[w + 3] = 0;
    }
    this.set(R.RXDCTL(q), R.RXDCTL_ENABLE);
    if (!this.waitSet(R.RXDCTL(q), R.RXDCTL_ENABLE)) throw new Error(`RX queue ${q} did not enable`);
    this.bar.write32(R.RDH(q), 0);
    this.bar.write32(R.RDT(q), ring.size - 1);
  }

  startTx(q: number): void {
    const ring = this.tx[q]!;
    for (let i = 0; i < ring.size; i++) ring.buffers.push(this.mem.alloc(BUF_STRIDE, 128));
    this.bar.write32(R.TDH(q), 0);
    this.bar.write32(R.TDT(q), 0);
    this.set(R.TXDCTL(q), R.TXDCTL_ENABLE);
    if (!this.waitSet(R.TXDCTL(q), R.TXDCTL_ENABLE)) throw new Error(`TX queue ${q} did not enable`);
  }

  readStats(): Record<string, number> {
    const b = this.bar;
    return {
      gprc: b.read32(R.GPRC), gptc: b.read32(R.GPTC),
      gorc: b.read32(R.GORCL) + b.read32(R.GORCH) * 2 ** 32,
      gotc: b.read32(R.GOTCL) + b.read32(R.GOTCH) * 2 ** 32,
      mpc: b.read32(R.MPC(0)),
      bprc: b.read32(R.BPRC), mprc: b.read32(R.MPRC),
    };
  }

  /** Receives up to `max` frames: copies them out and hands the descriptors back (RDT). */
  receive(q: number, max = 32): Uint8Array[] {
    const ring = this.rx[q]!;
    const { u8, u32 } = this.mem;
    const out: Uint8Array[] = [];
    let last = -1;
    while (out.length < max) {
      const w = (ring.base + ring.next * 16) >>> 2;
      const status = Atomics.load(this.mem.i32, w + 2);
      if ((status & R.RX_DESC_STATUS_DD) === 0) break;
      if ((status & R.RX_DESC_STATUS_EOP) === 0) throw new Error('multi-descriptor frame in a 2 KB ring');
      const len = u32[w + 3]! & 0xffff;
      const buf = ring.buffers[ring.next]!;
      out.push(u8.slice(buf, buf + len));
      // Hand the descriptor back in read format (this also clears DD).
      u32[w] = buf;
      u32[w + 1] = 0;
      u32[w + 2] = 0;
      u32[w + 3] = 0;
      last = ring.next;
      ring.next = (ring.next + 1) % ring.size;
    }
    if (last >= 0) this.bar.write32(R.RDT(q), last);
    return out;
  }

  /** Queues frames for transmission (one descriptor each, RS on every one) and writes TDT once. */
  transmit(q: number, frames: Uint8Array[]): number {
    const ring = this.tx[q]!;
    const { u8, u32 } = this.mem;
    this.cleanTx(q);
    let sent = 0;
    for (const f of frames) {
      const nextNext = (ring.next + 1) % ring.size;
      if (nextNext === ring.clean) break; // ring full
      const buf = ring.buffers[ring.next]!;
      u8.set(f, buf);
      const w = (ring.base + ring.next * 16) >>> 2;
      u32[w] = buf;
      u32[w + 1] = 0;
      u32[w + 2] = (R.TX_DESC_CMD_EOP | R.TX_DESC_CMD_RS | R.TX_DESC_CMD_IFCS | R.TX_DESC_CMD_DEXT | R.TX_DESC_DTYP_DATA | f.length) >>> 0;
      u32[w + 3] = f.length << R.TX_DESC_PAYLEN_SHIFT;
      ring.next = nextNext;
      sent++;
    }
    this.bar.write32(R.TDT(q), ring.next);
    return sent;
  }

  /** Frees transmitted descriptors (DD set). Returns how many. */
  cleanTx(q: number): number {
    const ring = this.tx[q]!;
    let n = 0;
    while (ring.clean !== ring.next) {
      const w = (ring.base + ring.clean * 16) >>> 2;
      if ((Atomics.load(this.mem.i32, w + 3) & R.TX_DESC_STATUS_DD) === 0) break;
      ring.clean = (ring.clean + 1) % ring.size;
      n++;
    }
    return n;
  }
}
