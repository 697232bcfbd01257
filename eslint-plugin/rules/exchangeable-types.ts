import { fromPolicy } from '../adapter.ts';
import { exchangeableTypes } from '../../checker/rules/exchangeable-types.ts';

export default fromPolicy(exchangeableTypes);
