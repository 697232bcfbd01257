import { fromPolicy } from '../adapter.ts';
import { rpcResultMustBeUsed } from '../../checker/rules/rpc-result-must-be-used.ts';

export default fromPolicy(rpcResultMustBeUsed);
