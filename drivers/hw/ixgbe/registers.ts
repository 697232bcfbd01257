// Intel 82599 register map (datasheet rev 3.3, section 8.2.3): offsets, bits, reset values, and
// which registers have side effects. Drivers may import these names too.
import { ACCESS_DOORBELL, ACCESS_READ_HOOK, ACCESS_WRITE_HOOK } from '../mmio.ts';

export const IXGBE_VENDOR_ID = 0x8086;
export const IXGBE_DEVICE_ID_82599_SFP = 0x10fb;
/** Memory CSR BAR size (BAR0, 64-bit). */
export const IXGBE_BAR0_SIZE = 0x20000;
/** Queues modeled per direction (the 0x1000 / 0x6000 register blocks). */
export const IXGBE_QUEUES = 64;

export const CTRL = 0x00000;
export const CTRL_LNK_RST = 1 << 3;
export const CTRL_PCIE_MASTER_DISABLE = 1 << 2;
export const CTRL_RST = 1 << 26;
export const STATUS = 0x00008;
export const STATUS_LAN_ID_SHIFT = 2;
export const STATUS_LINK_UP = 1 << 7;
export const STATUS_GIO_MASTER_ENABLE = 1 << 19;
export const CTRL_EXT = 0x00018;
export const CTRL_EXT_NS_DIS = 1 << 16;
export const EICR = 0x00800;
export const EICS = 0x00808;
export const EIMS = 0x00880;
export const EIMC = 0x00888;
export const EEC = 0x10010;
export const EEC_PRES = 1 << 8;
export const EEC_ARD = 1 << 9;

export const RDBAL = (i: number): number => 0x01000 + 0x40 * i;
export const RDBAH = (i: number): number => 0x01004 + 0x40 * i;
export const RDLEN = (i: number): number => 0x01008 + 0x40 * i;
export const DCA_RXCTRL = (i: number): number => 0x0100c + 0x40 * i;
export const RDH = (i: number): number => 0x01010 + 0x40 * i;
export const SRRCTL = (i: number): number => 0x01014 + 0x40 * i;
export const RDT = (i: number): number => 0x01018 + 0x40 * i;
export const RXDCTL = (i: number): number => 0x01028 + 0x40 * i;
export const RXDCTL_ENABLE = 1 << 25;
/** Legacy aliases for queues 0-15. */
export const SRRCTL_ALIAS = (i: number): number => 0x02100 + 4 * i;
export const DCA_RXCTRL_ALIAS = (i: number): number => 0x02200 + 4 * i;
export const SRRCTL_BSIZEPACKET_MASK = 0x1f;
export const SRRCTL_DESCTYPE_MASK = 0x0e000000;
export const SRRCTL_DESCTYPE_LEGACY = 0;
export const SRRCTL_DESCTYPE_ADV_ONEBUF = 0x02000000;
export const SRRCTL_DROP_EN = 0x10000000;

export const RQSMR = (i: number): number => 0x02300 + 4 * i;
export const RDRXCTL = 0x02f00;
export const RDRXCTL_CRCSTRIP = 1 << 1;
export const RDRXCTL_DMAIDONE = 1 << 3;
export const RXCTRL = 0x03000;
export const RXCTRL_RXEN = 1;
export const RXPBSIZE = (i: number): number => 0x03c00 + 4 * i;

// Statistics (clear on read).
export const MPC = (i: number): number => 0x03fa0 + 4 * i;
export const GPRC = 0x04074;
export const BPRC = 0x04078;
export const MPRC = 0x0407c;
export const GPTC = 0x04080;
export const GORCL = 0x04088;
export const GORCH = 0x0408c;
export const GOTCL = 0x04090;
export const GOTCH = 0x04094;
export const TPR = 0x040d0;
export const TPT = 0x040d4;
export const MPTC = 0x040f0;
export const BPTC = 0x040f4;
export const QPRC = (i: number): number => 0x01030 + 0x40 * i;
export const QPRDC = (i: number): number => 0x01430 + 0x40 * i;
export const QPTC = (i: number): number => 0x08680 + 4 * i;
/** 82598-compatible alias of QPTC(i), i < 16, used by ixgbe drivers. */
export const QPTC_ALIAS = (i: number): number => 0x06030 + 0x40 * i;

export const HLREG0 = 0x04240;
export const HLREG0_TXCRCEN = 1 << 0;
export const HLREG0_RXCRCSTRP = 1 << 1;
export const HLREG0_TXPADEN = 1 << 10;
/** Jumbo frames: without it a frame longer than 1518 bytes (1522 tagged) is dropped. */
export const HLREG0_JUMBOEN = 1 << 2;
/** Maximum frame size in bits 31:16, with FCS; applies when HLREG0.JUMBOEN is set. */
export const MAXFRS = 0x04268;
/** The standard Ethernet maximum, FCS and a VLAN tag included. */
export const STANDARD_MAX_FRAME = 1522;
export const AUTOC = 0x042a0;
export const AUTOC_AN_RESTART = 1 << 12;
export const AUTOC_LMS_SHIFT = 13;
export const AUTOC_LMS_MASK = 7 << 13;
export const AUTOC_LMS_10G_SERIAL = 3 << 13;
export const LINKS = 0x042a4;
export const LINKS_UP = 1 << 30;
export const LINKS_SPEED_10G = 3 << 28;
export const RTTDCS = 0x04900;
export const RTTDCS_ARBDIS = 1 << 6;
export const DMATXCTL = 0x04a80;
export const DMATXCTL_TE = 1;
export const FCTRL = 0x05080;
export const FCTRL_MPE = 1 << 8;
export const FCTRL_UPE = 1 << 9;
export const FCTRL_BAM = 1 << 10;
export const MTA = (i: number): number => 0x05200 + 4 * i;
/** Receive address table, 128 entries; entries 0-15 also appear at 0x05400. */
export const RAL = (i: number): number => 0x0a200 + 8 * i;
export const RAH = (i: number): number => 0x0a204 + 8 * i;
export const RAL_ALIAS = (i: number): number => 0x05400 + 8 * i;
export const RAH_ALIAS = (i: number): number => 0x05404 + 8 * i;
export const RAH_AV = 1 << 31;
export const RECEIVE_ADDRESSES = 128;

export const TDBAL = (i: number): number => 0x06000 + 0x40 * i;
export const TDBAH = (i: number): number => 0x06004 + 0x40 * i;
export const TDLEN = (i: number): number => 0x06008 + 0x40 * i;
export const TDH = (i: number): number => 0x06010 + 0x40 * i;
export const TDT = (i: number): number => 0x06018 + 0x40 * i;
export const TXDCTL = (i: number): number => 0x06028 + 0x40 * i;
export const TXDCTL_ENABLE = 1 << 25;
export const TDWBAL = (i: number): number => 0x06038 + 0x40 * i;
export const TDWBAH = (i: number): number => 0x0603c + 0x40 * i;
export const DTXMXSZRQ = 0x08100;
export const TQSM = (i: number): number => 0x08600 + 4 * i;
export const TXPBSIZE = (i: number): number => 0x0cc00 + 4 * i;
/** Multiple receive queues command: MRQE in bits 3:0 (1 = RSS), hash field enables above. */
export const MRQC = 0x0ec80;
export const MRQC_RSS_ENABLE = 0x1;
export const MRQC_RSS_FIELD_IPV4_TCP = 1 << 16;
export const MRQC_RSS_FIELD_IPV4 = 1 << 17;
export const MRQC_RSS_FIELD_IPV4_UDP = 1 << 22;
/** Redirection table: 32 registers of four 8-bit entries, each naming a queue. */
export const RETA = (i: number): number => 0x0eb00 + 4 * i;
/** RSS random key: 10 registers, byte 0 of the key in the low byte of RSSRK(0). */
export const RSSRK = (i: number): number => 0x0eb80 + 4 * i;

// Descriptor formats (16 bytes each).
export const RX_DESC_STATUS_DD = 0x01;
export const RX_DESC_STATUS_EOP = 0x02;
export const TX_DESC_CMD_EOP = 0x01000000;
export const TX_DESC_CMD_IFCS = 0x02000000;
export const TX_DESC_CMD_RS = 0x08000000;
export const TX_DESC_CMD_DEXT = 0x20000000;
export const TX_DESC_DTYP_DATA = 0x00300000;
export const TX_DESC_DTYP_CONTEXT = 0x00200000;
export const TX_DESC_DTYP_MASK = 0x00f00000;
export const TX_DESC_STATUS_DD = 0x01;
export const TX_DESC_PAYLEN_SHIFT = 14;

/** Register reset values that are not zero. */
export function resetValues(): [number, number][] {
  const v: [number, number][] = [
    [EEC, EEC_PRES | EEC_ARD],
    [RDRXCTL, RDRXCTL_DMAIDONE],
    [HLREG0, HLREG0_TXCRCEN | HLREG0_RXCRCSTRP | HLREG0_TXPADEN],
    [MAXFRS, 0x05f20000], // 1522-byte maximum frame
    [RXPBSIZE(0), 0x00080000], // 512 KB
    [TXPBSIZE(0), 0x000a0000], // 160 KB
    [DTXMXSZRQ, 0x10],
  ];
  for (let i = 0; i < IXGBE_QUEUES; i++) v.push([SRRCTL(i), 0x00000402]); // 2 KB buffers, 256-byte headers
  return v;
}

/**
 * Side-effect classes per register. Everything unknown is a write hook (the write is dropped:
 * reserved registers ignore writes on hardware) and a plain read (it reads zero).
 */
export function buildAccessTable(buffer: SharedArrayBuffer): Uint8Array {
  const t = new Uint8Array(buffer).fill(ACCESS_WRITE_HOOK);
  const set = (offset: number, kind: number): void => {
    t[offset >>> 2] = kind;
  };
  const plain = (offset: number): void => set(offset, 0);
  const hooked = (offset: number): void => set(offset, ACCESS_READ_HOOK | ACCESS_WRITE_HOOK);

  set(CTRL, ACCESS_WRITE_HOOK);
  set(STATUS, ACCESS_READ_HOOK | ACCESS_WRITE_HOOK);
  plain(CTRL_EXT);
  hooked(EICR);
  set(EICS, ACCESS_WRITE_HOOK);
  hooked(EIMS);
  set(EIMC, ACCESS_WRITE_HOOK);
  set(EEC, ACCESS_WRITE_HOOK);
  for (let i = 0; i < IXGBE_QUEUES; i++) {
    set(RDBAL(i), ACCESS_WRITE_HOOK); // low 7 bits are hard-wired to zero
    plain(RDBAH(i));
    set(RDLEN(i), ACCESS_WRITE_HOOK);
    plain(DCA_RXCTRL(i));
    set(RDH(i), ACCESS_WRITE_HOOK);
    plain(SRRCTL(i));
    set(RDT(i), ACCESS_DOORBELL);
    set(RXDCTL(i), ACCESS_WRITE_HOOK);
    set(TDBAL(i), ACCESS_WRITE_HOOK);
    plain(TDBAH(i));
    set(TDLEN(i), ACCESS_WRITE_HOOK);
    set(TDH(i), ACCESS_WRITE_HOOK);
    set(TDT(i), ACCESS_DOORBELL);
    set(TXDCTL(i), ACCESS_WRITE_HOOK);
    plain(TDWBAL(i));
    plain(TDWBAH(i));
  }
  for (let i = 0; i < 16; i++) {
    hooked(SRRCTL_ALIAS(i));
    hooked(DCA_RXCTRL_ALIAS(i));
    hooked(QPRC(i));
    hooked(QPRDC(i));
    hooked(QPTC(i));
    hooked(QPTC_ALIAS(i));
    hooked(RAL_ALIAS(i));
    hooked(RAH_ALIAS(i));
  }
  for (let i = 0; i < 32; i++) {
    set(RQSMR(i), ACCESS_WRITE_HOOK);
    set(TQSM(i), ACCESS_WRITE_HOOK);
  }
  for (let i = 0; i < 8; i++) {
    plain(RXPBSIZE(i));
    plain(TXPBSIZE(i));
    hooked(MPC(i));
  }
  for (const s of [GPRC, BPRC, MPRC, GPTC, GORCL, GORCH, GOTCL, GOTCH, TPR, TPT, MPTC, BPTC]) hooked(s);
  set(RDRXCTL, ACCESS_WRITE_HOOK); // DMAIDONE is read-only
  set(RXCTRL, ACCESS_WRITE_HOOK);
  set(HLREG0, ACCESS_WRITE_HOOK);
  set(MAXFRS, ACCESS_WRITE_HOOK);
  set(AUTOC, ACCESS_WRITE_HOOK);
  set(LINKS, ACCESS_READ_HOOK | ACCESS_WRITE_HOOK);
  plain(RTTDCS);
  set(DMATXCTL, ACCESS_WRITE_HOOK);
  set(FCTRL, ACCESS_WRITE_HOOK);
  for (let i = 0; i < 128; i++) plain(MTA(i));
  for (let i = 0; i < RECEIVE_ADDRESSES; i++) {
    set(RAL(i), ACCESS_WRITE_HOOK);
    set(RAH(i), ACCESS_WRITE_HOOK);
  }
  plain(DTXMXSZRQ);
  set(MRQC, ACCESS_WRITE_HOOK);
  for (let i = 0; i < 32; i++) set(RETA(i), ACCESS_WRITE_HOOK);
  for (let i = 0; i < 10; i++) set(RSSRK(i), ACCESS_WRITE_HOOK);
  return t;
}
