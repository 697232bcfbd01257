// NVMe status (SCT << 8 | SC) to the negative errno-style code a BlockRequest carries, along
// the lines of Linux's nvme_error_status.
import { SC_INVALID_FIELD, SC_INVALID_NAMESPACE, SC_INVALID_OPCODE, SC_LBA_OUT_OF_RANGE } from './registers.ts';

export const EIO = 5;
export const EOPNOTSUPP = 95;
export const EREMOTEIO = 121;

export function errnoOf(code: number): number {
  switch (code) {
    case 0: return 0;
    case SC_INVALID_OPCODE:
    case SC_INVALID_FIELD: return -EOPNOTSUPP;
    case SC_INVALID_NAMESPACE:
    case SC_LBA_OUT_OF_RANGE: return -EREMOTEIO;
    default: return -EIO;
  }
}
