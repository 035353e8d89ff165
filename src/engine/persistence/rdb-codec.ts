// The RDB codec persistence uses, built on the RDB reader and writer.
import type { RdbCodec } from './codec.js';

export const rdbCodec: RdbCodec = {
  snapshot() {
    throw new Error('RDB writing is not available yet');
  },
  load() {
    throw new Error('RDB reading is not available yet');
  },
};
