import { fromPolicy } from '../adapter.ts';
import { createSignature } from '../../checker/rules/create-signature.ts';

export default fromPolicy(createSignature);
