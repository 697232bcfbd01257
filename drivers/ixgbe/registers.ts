// Intel 82599 registers and descriptor fields (datasheet rev 3.3, 8.2.3 and 7.1/7.2): the subset
// this driver uses. A domain may not import the machine's own definitions, so they are restated.

export const CTRL = 0x00000;
export const CTRL_LNK_RST = 1 << 3;
export const CTRL_RST = 1 << 26;
export const CTRL_EXT = 0x00018;
export const CTRL_EXT_NS_DIS = 1 << 16;
export const EIMC = 0x00888;
export const EEC = 0x10010;
export const EEC_ARD = 1 << 9;

export const RDBAL = (q: number): number => 0x01000 + 0x40 * q;
export const RDBAH = (q: number): number => 0x01004 + 0x40 * q;
export const RDLEN = (q: number): number => 0x01008 + 0x40 * q;
export const DCA_RXCTRL = (q: number): number => 0x0100c + 0x40 * q;
export const RDH = (q: number): number => 0x01010 + 0x40 * q;
export const SRRCTL = (q: number): number => 0x01014 + 0x40 * q;
export const RDT = (q: number): number => 0x01018 + 0x40 * q;
export const RXDCTL = (q: number): number => 0x01028 + 0x40 * q;
export const RXDCTL_ENABLE = 1 << 25;
export const SRRCTL_BSIZEPACKET_MASK = 0x1f;
export const SRRCTL_DESCTYPE_MASK = 0x0e000000;
export const SRRCTL_DESCTYPE_ADV_ONEBUF = 0x02000000;
export const SRRCTL_DROP_EN = 0x10000000;
/** DCA_RXCTRL bit 12: must be cleared (datasheet 4.6.7, "RX Desc Write Back Relax Order"). */
export const DCA_RXCTRL_RELAX = 1 << 12;

export const RDRXCTL = 0x02f00;
export const RDRXCTL_CRCSTRIP = 1 << 1;
export const RDRXCTL_DMAIDONE = 1 << 3;
export const RXCTRL = 0x03000;
export const RXCTRL_RXEN = 1;
export const RXPBSIZE = (i: number): number => 0x03c00 + 4 * i;

// Statistics: clear on read, so the driver accumulates them.
export const MPC0 = 0x03fa0;
export const GPRC = 0x04074;
export const GPTC = 0x04080;
export const GORCL = 0x04088;
export const GORCH = 0x0408c;
export const GOTCL = 0x04090;
export const GOTCH = 0x04094;

export const HLREG0 = 0x04240;
export const HLREG0_TXCRCEN = 1 << 0;
export const HLREG0_RXCRCSTRP = 1 << 1;
export const HLREG0_JUMBOEN = 1 << 2;
export const HLREG0_TXPADEN = 1 << 10;
export const AUTOC = 0x042a0;
export const AUTOC_AN_RESTART = 1 << 12;
export const AUTOC_LMS_MASK = 7 << 13;
export const AUTOC_LMS_10G_SERIAL = 3 << 13;
export const LINKS = 0x042a4;
export const LINKS_UP = 1 << 30;
export const RTTDCS = 0x04900;
export const RTTDCS_ARBDIS = 1 << 6;
export const DMATXCTL = 0x04a80;
export const DMATXCTL_TE = 1;
export const FCTRL = 0x05080;
export const FCTRL_MPE = 1 << 8;
export const FCTRL_UPE = 1 << 9;
export const FCTRL_BAM = 1 << 10;
export const RAL0 = 0x0a200;
export const RAH0 = 0x0a204;

export const TDBAL = (q: number): number => 0x06000 + 0x40 * q;
export const TDBAH = (q: number): number => 0x06004 + 0x40 * q;
export const TDLEN = (q: number): number => 0x06008 + 0x40 * q;
export const TDH = (q: number): number => 0x06010 + 0x40 * q;
export const TDT = (q: number): number => 0x06018 + 0x40 * q;
export const TXDCTL = (q: number): number => 0x06028 + 0x40 * q;
export const TXDCTL_ENABLE = 1 << 25;
export const DTXMXSZRQ = 0x08100;
export const TXPBSIZE = (i: number): number => 0x0cc00 + 4 * i;

// Descriptors are 16 bytes. Advanced receive write-back: status/error in word 2, length in word 3.
export const DESC_SIZE = 16;
export const RX_STATUS_DD = 0x01;
export const RX_STATUS_EOP = 0x02;
/** Advanced RX write-back error bits (RXE and the checksum errors live in bits 20..31). */
export const RX_ERROR_MASK = 0xfff00000;
// Advanced transmit data descriptor: command, type and length in word 2, PAYLEN in word 3.
export const TX_CMD_EOP = 0x01000000;
export const TX_CMD_IFCS = 0x02000000;
export const TX_CMD_RS = 0x08000000;
export const TX_CMD_DEXT = 0x20000000;
export const TX_DTYP_DATA = 0x00300000;
export const TX_PAYLEN_SHIFT = 14;
export const TX_STATUS_DD = 0x01;
