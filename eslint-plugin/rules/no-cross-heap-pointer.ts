import { fromPolicy } from '../adapter.ts';
import { noCrossHeapPointer } from '../../checker/rules/no-cross-heap-pointer.ts';

export default fromPolicy(noCrossHeapPointer);
