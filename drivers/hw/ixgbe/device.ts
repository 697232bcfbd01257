// One port (PCI function) of an Intel 82599: the register file, reset, link, receive filtering
// and the glue between queues, statistics and the wire.
import { DmaPort } from '../dma.ts';
import type { DmaMemory } from '../dma.ts';
import type { DeviceModel, DeviceSharedState } from '../mmio.ts';
import { PciFunction } from '../pci.ts';
import type { FrameReceiver, FrameSink, FrameSource } from '../wires/frames.ts';
import { FCS_LEN } from '../wires/frames.ts';
import {
  AUTOC, AUTOC_AN_RESTART, AUTOC_LMS_MASK, AUTOC_LMS_SHIFT, buildAccessTable, CTRL, CTRL_LNK_RST, CTRL_PCIE_MASTER_DISABLE,
  CTRL_RST, DCA_RXCTRL, DCA_RXCTRL_ALIAS, DMATXCTL, DMATXCTL_TE, EEC, EICR, EICS, EIMC, EIMS, FCTRL, FCTRL_BAM, FCTRL_MPE,
  FCTRL_UPE, HLREG0, HLREG0_JUMBOEN, HLREG0_RXCRCSTRP, MAXFRS, STANDARD_MAX_FRAME, HLREG0_TXPADEN, IXGBE_BAR0_SIZE, IXGBE_DEVICE_ID_82599_SFP, IXGBE_QUEUES,
  IXGBE_VENDOR_ID, LINKS, MRQC, MRQC_RSS_ENABLE, RETA, RSSRK, LINKS_UP, RAH, RAH_ALIAS, RAH_AV, RAL, RAL_ALIAS, RDBAL, RDH, RDLEN, RDRXCTL,
  RDRXCTL_DMAIDONE, RECEIVE_ADDRESSES, resetValues, RQSMR, RXCTRL, RXCTRL_RXEN, RXDCTL, RXDCTL_ENABLE, SRRCTL,
  SRRCTL_ALIAS, STATUS, STATUS_GIO_MASTER_ENABLE, STATUS_LAN_ID_SHIFT, STATUS_LINK_UP, TDBAL, TDH, TDLEN, TQSM, TXDCTL,
  TXDCTL_ENABLE,
} from './registers.ts';
import { Rss } from './rss.ts';
import { RxQueue } from './rx.ts';
import { IxgbeStats } from './stats.ts';
import { TxQueue } from './tx.ts';
import type { TxOutput } from './tx.ts';

export interface IxgbeOptions {
  /** MAC address the EEPROM loads into RAL(0)/RAH(0) at reset. */
  mac?: readonly number[];
  /** LAN function (port) number reported in STATUS. */
  port?: number;
  /** Existing shared state (the threaded engine hands the worker the host's buffers). */
  shared?: DeviceSharedState;
}

/** Descriptors processed per queue per step: bounds the time one step takes. */
const STEP_BUDGET = 256;

export const IXGBE_DIAGNOSTICS = [
  'dmaOutOfRange', 'dmaRefused', 'dmaBusMasterOff', 'badTail', 'rxDmaErrors', 'txDmaErrors', 'rxFiltered',
  'rxNotReady', 'txLinkDown', 'txMalformed', 'resets', 'rxOversize',
] as const;
export type IxgbeDiagnostic = (typeof IXGBE_DIAGNOSTICS)[number];
export const CONTROL_DIAGNOSTIC = 1;

export function ixgbePciFunction(config?: SharedArrayBuffer): PciFunction {
  return new PciFunction(
    {
      vendorId: IXGBE_VENDOR_ID,
      deviceId: IXGBE_DEVICE_ID_82599_SFP,
      classCode: [0x02, 0x00, 0x00], // Ethernet controller
      revision: 1,
      subsystemId: 0x0003,
      bars: [{ size: IXGBE_BAR0_SIZE, is64: true }],
    },
    config,
  );
}

export class Ixgbe82599 implements DeviceModel, FrameReceiver, TxOutput {
  readonly pci: PciFunction;
  readonly dma: DmaPort;
  readonly regs: Int32Array;
  readonly access: Uint8Array;
  readonly stats = new IxgbeStats();
  readonly rx: RxQueue[] = [];
  readonly tx: TxQueue[] = [];
  private readonly mac: readonly number[];
  private readonly port: number;
  private sink: FrameSink | undefined;
  private source: FrameSource | undefined;
  private activeTx: TxQueue[] = [];

  // Cached configuration, refreshed by the register write hooks.
  private rxEnabled = false;
  private txEnabled = false;
  private padShort = true;
  private appendFcs = false;
  /** Longest frame received, FCS included (HLREG0.JUMBOEN and MAXFRS). */
  private maxFrame = STANDARD_MAX_FRAME;
  private rxOversize = 0;
  private promiscUnicast = false;
  private promiscMulticast = false;
  private acceptBroadcast = false;
  /** Valid receive addresses as (low 32 bits, high 16 bits) pairs. */
  private addresses: number[] = [];
  private linkUp = false;
  private linkTraining = false;
  private eims = 0;
  private readonly rss = new Rss();
  private rssEnabled = false;

  private rxFiltered = 0;
  private rxNotReady = 0;
  private txLinkDown = 0;
  private resets = 0;

  constructor(memory: DmaMemory, options: IxgbeOptions = {}) {
    this.pci = ixgbePciFunction(options.shared?.config);
    this.dma = new DmaPort(memory, this.pci);
    this.regs = new Int32Array(options.shared?.regs ?? new SharedArrayBuffer(IXGBE_BAR0_SIZE));
    this.access = buildAccessTable(options.shared?.access ?? new SharedArrayBuffer(IXGBE_BAR0_SIZE >>> 2));
    this.mac = options.mac ?? [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
    this.port = options.port ?? 0;
    for (let i = 0; i < IXGBE_QUEUES; i++) {
      this.rx.push(new RxQueue(i, this.regs, this.dma));
      this.tx.push(new TxQueue(i, this.regs, this.dma));
    }
    this.reset();
  }

  /** Connects the port to a wire: frames it sends go to `sink`, `source` feeds its receiver. */
  attach(sink: FrameSink | undefined, source: FrameSource | undefined): void {
    this.sink = sink;
    this.source = source;
  }

  /** Software reset (CTRL.RST): every register back to its default, queues off, link down. */
  reset(): void {
    const r = this.regs;
    r.fill(0);
    for (const [offset, value] of resetValues()) r[offset >>> 2] = value;
    // The EEPROM auto-load puts the permanent MAC address into RAL(0)/RAH(0).
    const m = this.mac;
    r[RAL(0) >>> 2] = (m[0]! | (m[1]! << 8) | (m[2]! << 16) | (m[3]! << 24)) | 0;
    r[RAH(0) >>> 2] = (m[4]! | (m[5]! << 8) | RAH_AV) | 0;
    for (const q of this.rx) q.disable();
    for (const q of this.tx) q.disable();
    this.activeTx = [];
    this.stats.clear();
    this.linkUp = false;
    this.linkTraining = false;
    this.eims = 0;
    this.resets++;
    this.refreshConfig();
    this.refreshQueueStats();
  }

  private refreshConfig(): void {
    const r = this.regs;
    const hl = r[HLREG0 >>> 2]!;
    this.padShort = (hl & HLREG0_TXPADEN) !== 0;
    this.appendFcs = (hl & HLREG0_RXCRCSTRP) === 0;
    this.maxFrame = (hl & HLREG0_JUMBOEN) !== 0 ? r[MAXFRS >>> 2]! >>> 16 : STANDARD_MAX_FRAME;
    this.rxEnabled = (r[RXCTRL >>> 2]! & RXCTRL_RXEN) !== 0;
    this.txEnabled = (r[DMATXCTL >>> 2]! & DMATXCTL_TE) !== 0;
    const f = r[FCTRL >>> 2]!;
    this.promiscUnicast = (f & FCTRL_UPE) !== 0;
    this.promiscMulticast = (f & FCTRL_MPE) !== 0;
    this.acceptBroadcast = (f & FCTRL_BAM) !== 0;
    const a: number[] = [];
    for (let i = 0; i < RECEIVE_ADDRESSES; i++) {
      const hi = r[RAH(i) >>> 2]!;
      if ((hi & RAH_AV) !== 0) a.push(r[RAL(i) >>> 2]! >>> 0, hi & 0xffff);
    }
    this.addresses = a;
    const mrqc = r[MRQC >>> 2]!;
    this.rssEnabled = (mrqc & 0xf) === MRQC_RSS_ENABLE;
    this.rss.fields = mrqc & 0xffff0000;
    for (let i = 0; i < 40; i++) this.rss.key[i] = (r[(RSSRK(0) >>> 2) + (i >> 2)]! >>> ((i & 3) * 8)) & 0xff;
    for (let i = 0; i < 128; i++) this.rss.table[i] = ((r[(RETA(0) >>> 2) + (i >> 2)]! >>> ((i & 3) * 8)) & 0xff) % IXGBE_QUEUES;
  }

  private refreshQueueStats(): void {
    const r = this.regs;
    for (let i = 0; i < 32; i++) {
      const rq = r[RQSMR(i) >>> 2]!;
      const tq = r[TQSM(i) >>> 2]!;
      for (let k = 0; k < 4; k++) {
        const q = 4 * i + k;
        if (q >= IXGBE_QUEUES) continue;
        this.rx[q]!.statIndex = (rq >>> (8 * k)) & 0xf;
        this.tx[q]!.statIndex = (tq >>> (8 * k)) & 0xf;
      }
    }
  }

  mmioRead(word: number): number {
    const offset = word << 2;
    const r = this.regs;
    switch (offset) {
      case STATUS: {
        const master = this.dma.busMaster() && (r[CTRL >>> 2]! & CTRL_PCIE_MASTER_DISABLE) === 0;
        return ((this.port & 3) << STATUS_LAN_ID_SHIFT) | (this.linkUp ? STATUS_LINK_UP : 0) | (master ? STATUS_GIO_MASTER_ENABLE : 0);
      }
      case EICR: {
        const v = r[word]!;
        r[word] = 0;
        return v >>> 0;
      }
      case EIMS:
        return this.eims >>> 0;
      case LINKS:
        // Link training completes one poll after autonegotiation restarted.
        if (this.linkTraining) {
          this.linkTraining = false;
          this.linkUp = this.sink !== undefined || this.source !== undefined;
          return 0;
        }
        return this.linkUp ? (LINKS_UP | (this.linkSpeedBits() << 28)) >>> 0 : 0;
    }
    const stat = this.stats.read(offset);
    if (stat !== undefined) return stat;
    if (offset >= 0x05400 && offset < 0x05480) return r[(offset - 0x05400 + RAL(0)) >>> 2]! >>> 0;
    if (offset >= 0x02100 && offset < 0x02140) return r[SRRCTL((offset - 0x02100) >>> 2) >>> 2]! >>> 0;
    if (offset >= 0x02200 && offset < 0x02240) return r[DCA_RXCTRL((offset - 0x02200) >>> 2) >>> 2]! >>> 0;
    return r[word]! >>> 0;
  }

  private linkSpeedBits(): number {
    // LMS 0 (1G fixed) and 1 (10G parallel) ... 3 (10G serial): report 1G only for the 1G modes.
    const lms = (this.regs[AUTOC >>> 2]! & AUTOC_LMS_MASK) >>> AUTOC_LMS_SHIFT;
    return lms === 0 || lms === 2 ? 2 : 3;
  }

  mmioWrite(word: number, value: number): void {
    const offset = word << 2;
    const r = this.regs;
    value |= 0;
    if (offset >= 0x01000 && offset < 0x02000) return this.writeRxQueueReg(offset, value);
    if (offset >= 0x06000 && offset < 0x07000) return this.writeTxQueueReg(offset, value);
    switch (offset) {
      case CTRL:
        if ((value & CTRL_RST) !== 0) {
          this.reset();
          return;
        }
        if ((value & CTRL_LNK_RST) !== 0) {
          this.linkUp = false;
          this.linkTraining = true;
        }
        r[word] = value & ~(CTRL_RST | CTRL_LNK_RST);
        return;
      case EICR:
        r[word] = r[word]! & ~value;
        return;
      case EICS:
        r[EICR >>> 2] = r[EICR >>> 2]! | value;
        return;
      case EIMS:
        this.eims |= value;
        return;
      case EIMC:
        this.eims &= ~value;
        return;
      case RDRXCTL:
        r[word] = value | RDRXCTL_DMAIDONE;
        return;
      case RXCTRL:
      case DMATXCTL:
      case HLREG0:
      case MAXFRS:
      case FCTRL:
        r[word] = value;
        this.refreshConfig();
        return;
      case AUTOC:
        r[word] = value & ~AUTOC_AN_RESTART; // self-clearing
        if ((value & AUTOC_AN_RESTART) !== 0) {
          this.linkUp = false;
          this.linkTraining = true;
        }
        return;
      case EEC:
      case STATUS:
      case LINKS:
        return; // read-only
    }
    if (offset >= RAL(0) && offset < RAL(RECEIVE_ADDRESSES)) {
      r[word] = value;
      this.refreshConfig();
      return;
    }
    if (offset >= RAL_ALIAS(0) && offset <= RAH_ALIAS(15)) {
      r[(offset - RAL_ALIAS(0) + RAL(0)) >>> 2] = value;
      this.refreshConfig();
      return;
    }
    if (offset >= SRRCTL_ALIAS(0) && offset < SRRCTL_ALIAS(16)) {
      r[SRRCTL((offset - SRRCTL_ALIAS(0)) >>> 2) >>> 2] = value;
      return;
    }
    if (offset >= DCA_RXCTRL_ALIAS(0) && offset < DCA_RXCTRL_ALIAS(16)) {
      r[DCA_RXCTRL((offset - DCA_RXCTRL_ALIAS(0)) >>> 2) >>> 2] = value;
      return;
    }
    if (offset === MRQC || (offset >= RETA(0) && offset < RETA(32)) || (offset >= RSSRK(0) && offset < RSSRK(10))) {
      r[word] = value;
      this.refreshConfig();
      return;
    }
    if ((offset >= RQSMR(0) && offset < RQSMR(32)) || (offset >= TQSM(0) && offset < TQSM(32))) {
      r[word] = value;
      this.refreshQueueStats();
      return;
    }
    // Everything else that reaches here (statistics, reserved offsets) ignores writes.
  }

  private writeRxQueueReg(offset: number, value: number): void {
    const q = this.rx[(offset - 0x01000) >>> 6]!;
    const reg = offset & 0x3f;
    const word = offset >>> 2;
    switch (reg) {
      case RDBAL(0) & 0x3f:
        this.regs[word] = value & ~0x7f; // 128-byte aligned
        return;
      case RDLEN(0) & 0x3f:
        this.regs[word] = value & 0x000fff80;
        return;
      case RDH(0) & 0x3f:
        q.setHead(value);
        return;
      case RXDCTL(0) & 0x3f: {
        const want = (value & RXDCTL_ENABLE) !== 0;
        let on = q.enabled;
        if (want && !q.enabled) on = q.enable();
        else if (!want && q.enabled) {
          q.disable();
          on = false;
        }
        this.regs[word] = (value & ~RXDCTL_ENABLE) | (on ? RXDCTL_ENABLE : 0);
        return;
      }
    }
    // QPRC/QPRDC (statistics) ignore writes; other queue registers are plain storage.
  }

  private writeTxQueueReg(offset: number, value: number): void {
    const q = this.tx[(offset - 0x06000) >>> 6]!;
    const reg = offset & 0x3f;
    const word = offset >>> 2;
    switch (reg) {
      case TDBAL(0) & 0x3f:
        this.regs[word] = value & ~0x7f;
        return;
      case TDLEN(0) & 0x3f:
        this.regs[word] = value & 0x000fff80;
        return;
      case TDH(0) & 0x3f:
        q.setHead(value);
        return;
      case TXDCTL(0) & 0x3f: {
        const want = (value & TXDCTL_ENABLE) !== 0;
        let on = q.enabled;
        if (want && !q.enabled) on = q.enable();
        else if (!want && q.enabled) {
          q.disable();
          on = false;
        }
        this.regs[word] = (value & ~TXDCTL_ENABLE) | (on ? TXDCTL_ENABLE : 0);
        this.activeTx = this.tx.filter((t) => t.enabled);
        return;
      }
    }
  }

  // --- the wire side -------------------------------------------------------------------------

  room(): number {
    if (!this.rxEnabled || !this.linkUp) return 0;
    // With RSS the queue depends on the frame: offer it and let the chosen queue decide.
    if (this.rssEnabled) return 1 << 20;
    const q = this.rx[0]!;
    return q.enabled ? q.free() : 0;
  }

  receive(src: Uint8Array, off: number, len: number): boolean {
    if (!this.rxEnabled || !this.linkUp) {
      this.rxNotReady++;
      return false;
    }
    const stats = this.stats;
    stats.tpr++;
    // The MAC drops oversize frames (counted as ROC on the real part): a driver relies on it to
    // size its receive buffers.
    if (len + FCS_LEN > this.maxFrame) {
      this.rxOversize++;
      return true;
    }
    // Destination address filter (datasheet 7.1.1): broadcast needs BAM, multicast MPE,
    // unicast UPE or a valid RAL/RAH match.
    const b0 = src[off]!;
    let broadcast = false;
    if ((b0 & 1) !== 0) {
      broadcast = b0 === 0xff && src[off + 1] === 0xff && src[off + 2] === 0xff && src[off + 3] === 0xff && src[off + 4] === 0xff && src[off + 5] === 0xff;
      if (broadcast ? !this.acceptBroadcast && !this.promiscMulticast : !this.promiscMulticast) {
        this.rxFiltered++;
        return true;
      }
    } else if (!this.promiscUnicast && !this.matchesAddress(src, off)) {
      this.rxFiltered++;
      return true;
    }
    let hash = 0, rssType = 0, index = 0;
    if (this.rssEnabled) {
      index = this.rss.classify(src, off, len);
      hash = this.rss.hash;
      rssType = this.rss.type;
    }
    const q = this.rx[index]!;
    if (!q.enabled || !q.deliver(src, off, len, this.appendFcs, hash, rssType)) {
      // No packet buffer FIFO is modeled: a frame that finds no descriptor is missed.
      stats.mpc[0]!++;
      stats.qprdc[q.statIndex]!++;
      return false;
    }
    stats.gprc++;
    stats.gorc += len + FCS_LEN;
    stats.qprc[q.statIndex]!++;
    if (broadcast) stats.bprc++;
    else if ((b0 & 1) !== 0) stats.mprc++;
    return true;
  }

  private matchesAddress(src: Uint8Array, off: number): boolean {
    const lo = (src[off]! | (src[off + 1]! << 8) | (src[off + 2]! << 16) | (src[off + 3]! << 24)) >>> 0;
    const hi = src[off + 4]! | (src[off + 5]! << 8);
    const a = this.addresses;
    for (let i = 0; i < a.length; i += 2) if (a[i] === lo && a[i + 1] === hi) return true;
    return false;
  }

  send(src: Uint8Array, off: number, len: number): boolean {
    const sink = this.sink;
    if (!this.linkUp || sink === undefined) {
      this.txLinkDown++;
      return false;
    }
    const b0 = src[off]!;
    if ((b0 & 1) !== 0) {
      if (b0 === 0xff && src[off + 1] === 0xff && src[off + 5] === 0xff) this.stats.bptc++;
      else this.stats.mptc++;
    }
    sink.transmit(src, off, len);
    return true;
  }

  account(packets: number, bytes: number, statIndex: number): void {
    const stats = this.stats;
    stats.gptc += packets;
    stats.tpt += packets;
    stats.gotc += bytes + packets * FCS_LEN;
    stats.qptc[statIndex]! += packets;
  }

  // --- engine interface ----------------------------------------------------------------------

  step(): number {
    let work = 0;
    if (this.txEnabled) {
      const active = this.activeTx;
      for (let i = 0; i < active.length; i++) work += active[i]!.process(STEP_BUDGET, this, this.padShort);
    }
    if (this.source !== undefined) work += this.source.pump(this, STEP_BUDGET);
    return work;
  }

  idle(): boolean {
    return this.source?.timed !== true;
  }

  diagnostics(): Record<IxgbeDiagnostic, number> {
    let badTail = 0, rxDma = 0, txDma = 0, malformed = 0;
    for (const q of this.rx) {
      badTail += q.badTail;
      rxDma += q.dmaErrors;
    }
    for (const q of this.tx) {
      badTail += q.badTail;
      txDma += q.dmaErrors;
      malformed += q.malformed;
    }
    const f = this.dma.faults;
    return {
      dmaOutOfRange: f.outOfRange, dmaRefused: f.refused, dmaBusMasterOff: f.busMasterOff, badTail, rxDmaErrors: rxDma,
      txDmaErrors: txDma, rxFiltered: this.rxFiltered, rxNotReady: this.rxNotReady, txLinkDown: this.txLinkDown,
      txMalformed: malformed, resets: this.resets, rxOversize: this.rxOversize,
    };
  }

  control(op: number, arg: number): number {
    if (op === CONTROL_DIAGNOSTIC) return this.diagnostics()[IXGBE_DIAGNOSTICS[arg] ?? 'resets'];
    return 0;
  }

  close(): void {}
}
