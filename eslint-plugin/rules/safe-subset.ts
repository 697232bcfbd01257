import { fromPolicy } from '../adapter.ts';
import { safeSubset } from '../../checker/rules/safe-subset.ts';

export default fromPolicy(safeSubset);
