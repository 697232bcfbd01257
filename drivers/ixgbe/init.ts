// Bring-up of one 82599 port as the datasheet orders it (4.6.3) and as ixy and the reference
// driver do it: mask interrupts, global reset, wait for the EEPROM auto-read and DMA init, start
// link negotiation, then RX and TX queue 0 and enable. Everything is polled; every wait is
// bounded so a dead device fails creation instead of hanging the domain.
import type { Device } from '../../runtime/lib/index.ts';
import * as R from './registers.ts';
import { RING_SIZE, RxRing, TxRing } from './rings.ts';

/** Register polls before the driver gives up. */
const SPIN_LIMIT = 1_000_000;
/** Polls of LINKS at bring-up; a port without a cable still comes up, reporting linkUp() false. */
const LINK_SPIN_LIMIT = 100_000;
/** RX buffer size programmed in SRRCTL, in KiB: 2 KiB, the PacketBuffer allocation. */
const RX_BUFFER_KB = 2;

export interface Port {
  readonly rx: RxRing;
  readonly tx: TxRing;
  /** The permanent MAC address from RAL(0)/RAH(0), first byte most significant. */
  readonly mac: bigint;
  /** Whether the link came up during bring-up. */
  readonly linkUp: boolean;
}

function set(dev: Device, reg: number, bits: number): void {
  dev.write32(reg, dev.read32(reg) | bits);
}

function clear(dev: Device, reg: number, bits: number): void {
  dev.write32(reg, dev.read32(reg) & ~bits);
}

function waitFor(dev: Device, reg: number, mask: number, want: number, limit = SPIN_LIMIT): boolean {
  for (let i = 0; i < limit; i++) if ((dev.read32(reg) & mask) === want) return true;
  return false;
}

/** The address the EEPROM loaded into receive address 0. */
function readMac(dev: Device): bigint {
  const lo = dev.read32(R.RAL0) >>> 0;
  const hi = dev.read32(R.RAH0) & 0xffff;
  const bytes = [lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, hi >>> 8];
  let mac = 0n;
  for (const b of bytes) mac = (mac << 8n) | BigInt(b);
  return mac;
}

/** 4.6.7: receive path, queue 0, advanced one-buffer descriptors, CRC stripped. */
function initRx(dev: Device): RxRing {
  clear(dev, R.RXCTRL, R.RXCTRL_RXEN); // no receiving while the queue is set up
  dev.write32(R.RXPBSIZE(0), 128 << 10);
  for (let i = 1; i < 8; i++) dev.write32(R.RXPBSIZE(i), 0);
  set(dev, R.HLREG0, R.HLREG0_RXCRCSTRP);
  // No jumbo frames: the MAC then drops frames over 1522 bytes, so a frame always fits the
  // 2046 bytes of a PacketBuffer and the device never writes past one (a 2 KiB SRRCTL buffer
  // that starts 2 bytes into the object would reach 2 bytes into the next).
  clear(dev, R.HLREG0, R.HLREG0_JUMBOEN);
  set(dev, R.RDRXCTL, R.RDRXCTL_CRCSTRIP);
  set(dev, R.FCTRL, R.FCTRL_BAM);
  const srrctl = dev.read32(R.SRRCTL(0)) & ~R.SRRCTL_DESCTYPE_MASK & ~R.SRRCTL_BSIZEPACKET_MASK;
  dev.write32(R.SRRCTL(0), srrctl | R.SRRCTL_DESCTYPE_ADV_ONEBUF | R.SRRCTL_DROP_EN | RX_BUFFER_KB);
  const rx = new RxRing(dev);
  dev.write32(R.RDBAL(0), rx.address);
  dev.write32(R.RDBAH(0), 0);
  dev.write32(R.RDLEN(0), RING_SIZE * R.DESC_SIZE);
  dev.write32(R.RDH(0), 0);
  dev.write32(R.RDT(0), 0);
  set(dev, R.CTRL_EXT, R.CTRL_EXT_NS_DIS); // "no snoop" off, as the datasheet asks
  clear(dev, R.DCA_RXCTRL(0), R.DCA_RXCTRL_RELAX);
  set(dev, R.RXCTRL, R.RXCTRL_RXEN);
  return rx;
}

/** 4.6.8: transmit path, queue 0, CRC and padding by the device. */
function initTx(dev: Device): TxRing {
  set(dev, R.HLREG0, R.HLREG0_TXCRCEN | R.HLREG0_TXPADEN);
  dev.write32(R.TXPBSIZE(0), 40 << 10);
  for (let i = 1; i < 8; i++) dev.write32(R.TXPBSIZE(i), 0);
  dev.write32(R.DTXMXSZRQ, 0xffff);
  clear(dev, R.RTTDCS, R.RTTDCS_ARBDIS);
  const tx = new TxRing(dev);
  dev.write32(R.TDBAL(0), tx.address);
  dev.write32(R.TDBAH(0), 0);
  dev.write32(R.TDLEN(0), RING_SIZE * R.DESC_SIZE);
  // Prefetch, host and write-back thresholds as ixy sets them (PTHRESH 36, HTHRESH 8, WTHRESH 4).
  const txdctl = dev.read32(R.TXDCTL(0)) & ~(0x7f | (0x7f << 8) | (0x7f << 16));
  dev.write32(R.TXDCTL(0), txdctl | 36 | (8 << 8) | (4 << 16));
  dev.write32(R.DMATXCTL, R.DMATXCTL_TE);
  return tx;
}

export function bringUp(dev: Device): Port {
  dev.write32(R.EIMC, 0x7fffffff); // polled driver: no interrupts
  dev.write32(R.CTRL, R.CTRL_RST | R.CTRL_LNK_RST);
  if (!waitFor(dev, R.CTRL, R.CTRL_RST | R.CTRL_LNK_RST, 0)) throw new Error('ixgbe: reset did not complete');
  dev.write32(R.EIMC, 0x7fffffff); // the reset unmasked them again
  if (!waitFor(dev, R.EEC, R.EEC_ARD, R.EEC_ARD)) throw new Error('ixgbe: EEPROM auto-read did not complete');
  if (!waitFor(dev, R.RDRXCTL, R.RDRXCTL_DMAIDONE, R.RDRXCTL_DMAIDONE)) throw new Error('ixgbe: DMA init did not complete');

  // Link: 10G serial, restart autonegotiation; link-up is awaited at the end.
  dev.write32(R.AUTOC, (dev.read32(R.AUTOC) & ~R.AUTOC_LMS_MASK) | R.AUTOC_LMS_10G_SERIAL);
  set(dev, R.AUTOC, R.AUTOC_AN_RESTART);

  const rx = initRx(dev);
  const tx = initTx(dev);

  // Enable the queues (4.6.7.1 / 4.6.8.1): RX with an empty ring (RDT = RDH), TX with TDT = TDH.
  set(dev, R.RXDCTL(0), R.RXDCTL_ENABLE);
  if (!waitFor(dev, R.RXDCTL(0), R.RXDCTL_ENABLE, R.RXDCTL_ENABLE)) throw new Error('ixgbe: RX queue 0 did not enable');
  dev.write32(R.RDH(0), 0);
  dev.write32(R.RDT(0), 0);
  dev.write32(R.TDH(0), 0);
  dev.write32(R.TDT(0), 0);
  set(dev, R.TXDCTL(0), R.TXDCTL_ENABLE);
  if (!waitFor(dev, R.TXDCTL(0), R.TXDCTL_ENABLE, R.TXDCTL_ENABLE)) throw new Error('ixgbe: TX queue 0 did not enable');

  // Promiscuous, as ixy: the driver serves whatever reaches the port.
  set(dev, R.FCTRL, R.FCTRL_UPE | R.FCTRL_MPE);
  const linkUp = waitFor(dev, R.LINKS, R.LINKS_UP, R.LINKS_UP, LINK_SPIN_LIMIT);
  return { rx, tx, mac: readMac(dev), linkUp };
}
