// 82599 statistics: counted in plain fields on the hot path, cleared when the driver reads the
// register (datasheet 8.2.3.23: all statistics registers are clear-on-read). Octet counters are
// 36 bits wide in a low/high pair; reading the low half latches the high half and clears the
// counter, so a driver that reads low then high gets one consistent value.
import {
  BPRC, BPTC, GORCH, GORCL, GOTCH, GOTCL, GPRC, GPTC, MPC, MPRC, MPTC, QPRC, QPRDC, QPTC, QPTC_ALIAS, TPR, TPT,
} from './registers.ts';

const OCTET_MASK = 2 ** 36;

export class IxgbeStats {
  gprc = 0;
  bprc = 0;
  mprc = 0;
  gptc = 0;
  bptc = 0;
  mptc = 0;
  gorc = 0;
  gotc = 0;
  tpr = 0;
  tpt = 0;
  readonly mpc = new Float64Array(8);
  /** Per statistics register (queues map to them through RQSMR/TQSM). */
  readonly qprc = new Float64Array(16);
  readonly qprdc = new Float64Array(16);
  readonly qptc = new Float64Array(16);
  private gorcHighLatch = 0;
  private gotcHighLatch = 0;

  clear(): void {
    this.gprc = this.bprc = this.mprc = this.gptc = this.bptc = this.mptc = 0;
    this.gorc = this.gotc = this.tpr = this.tpt = 0;
    this.gorcHighLatch = this.gotcHighLatch = 0;
    this.mpc.fill(0);
    this.qprc.fill(0);
    this.qprdc.fill(0);
    this.qptc.fill(0);
  }

  /** Value of the statistics register at `offset` (clearing it), or undefined if not a counter. */
  read(offset: number): number | undefined {
    switch (offset) {
      case GPRC: return take32(this, 'gprc');
      case BPRC: return take32(this, 'bprc');
      case MPRC: return take32(this, 'mprc');
      case GPTC: return take32(this, 'gptc');
      case BPTC: return take32(this, 'bptc');
      case MPTC: return take32(this, 'mptc');
      case TPR: return take32(this, 'tpr');
      case TPT: return take32(this, 'tpt');
      case GORCL: {
        const v = this.gorc % OCTET_MASK;
        this.gorc = 0;
        this.gorcHighLatch = Math.floor(v / 2 ** 32);
        return v % 2 ** 32;
      }
      case GORCH: {
        const v = this.gorcHighLatch + Math.floor((this.gorc % OCTET_MASK) / 2 ** 32);
        this.gorcHighLatch = 0;
        this.gorc %= 2 ** 32;
        return v & 0xf;
      }
      case GOTCL: {
        const v = this.gotc % OCTET_MASK;
        this.gotc = 0;
        this.gotcHighLatch = Math.floor(v / 2 ** 32);
        return v % 2 ** 32;
      }
      case GOTCH: {
        const v = this.gotcHighLatch + Math.floor((this.gotc % OCTET_MASK) / 2 ** 32);
        this.gotcHighLatch = 0;
        this.gotc %= 2 ** 32;
        return v & 0xf;
      }
    }
    for (let i = 0; i < 16; i++) {
      if (offset === QPRC(i)) return takeAt(this.qprc, i);
      if (offset === QPRDC(i)) return takeAt(this.qprdc, i);
      if (offset === QPTC(i) || offset === QPTC_ALIAS(i)) return takeAt(this.qptc, i);
    }
    for (let i = 0; i < 8; i++) if (offset === MPC(i)) return takeAt(this.mpc, i);
    return undefined;
  }
}

type Counter = 'gprc' | 'bprc' | 'mprc' | 'gptc' | 'bptc' | 'mptc' | 'tpr' | 'tpt';

function take32(s: IxgbeStats, field: Counter): number {
  const v = s[field] % 2 ** 32;
  s[field] = 0;
  return v;
}

function takeAt(a: Float64Array, i: number): number {
  const v = (a[i] ?? 0) % 2 ** 32;
  a[i] = 0;
  return v;
}
