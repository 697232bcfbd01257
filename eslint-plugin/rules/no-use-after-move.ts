import { fromPolicy } from '../adapter.ts';
import { noUseAfterMove } from '../../checker/rules/no-use-after-move.ts';

export default fromPolicy(noUseAfterMove);
