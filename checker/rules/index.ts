// Every domain rule, in the order redleaf-check runs them. Rules that are not written yet are
// simply absent from this list.
import type { DomainRule } from './rule.ts';
import { exchangeableTypes } from './exchangeable-types.ts';
import { createSignature } from './create-signature.ts';

export const domainRules: readonly DomainRule[] = [exchangeableTypes, createSignature];
