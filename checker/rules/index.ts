// Every domain rule, in the order redleaf-check runs them.
import type { DomainRule } from './rule.ts';
import { exchangeableTypes } from './exchangeable-types.ts';
import { createSignature } from './create-signature.ts';
import { noUseAfterMove } from './no-use-after-move.ts';
import { rpcResultMustBeUsed } from './rpc-result-must-be-used.ts';
import { noCrossHeapPointer } from './no-cross-heap-pointer.ts';
import { safeSubset } from './safe-subset.ts';

export const domainRules: readonly DomainRule[] = [safeSubset, exchangeableTypes, noCrossHeapPointer, noUseAfterMove, rpcResultMustBeUsed, createSignature];
