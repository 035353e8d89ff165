// The command table: every command the engine knows, by lower-case name.
import type { CommandSpec } from './types.js';
import { stringCommands } from './strings.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { hashCommands } from './hashes.js';
import { setCommands } from './sets.js';
import { zsetCommands } from './zsets.js';
import { bitmapCommands } from './bitmaps.js';
import { bitfieldCommands } from './bitfield.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { geoCommands } from './geo.js';
import { serverCommands } from './server.js';
import { transactionCommands } from './transactions.js';
import { streamCommands } from './streams.js';
import { streamReadCommands } from './stream-read.js';
import { streamGroupCommands } from './stream-groups.js';
import { streamInfoCommands } from './stream-info.js';
import { blockingCommands } from './blocking.js';
import { functionCommands } from './functions.js';
import { introspectionCommands } from './command-introspection.js';
import { configCommands } from './config.js';
import { dumpCommands } from './dump.js';
import { zsetAlgebraCommands } from './zset-algebra.js';
import { sortCommands } from './sort.js';
import { lcsCommands } from './lcs.js';

const ALL: readonly CommandSpec[] = [
  ...stringCommands,
  ...keyCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...zsetCommands,
  ...bitmapCommands,
  ...bitfieldCommands,
  ...hyperloglogCommands,
  ...geoCommands,
  ...serverCommands,
  ...transactionCommands,
  ...streamCommands,
  ...streamReadCommands,
  ...streamGroupCommands,
  ...streamInfoCommands,
  ...blockingCommands,
  ...functionCommands,
  ...zsetAlgebraCommands,
  ...sortCommands,
  ...lcsCommands,
  ...serverCommands,
  ...transactionCommands,
  ...introspectionCommands,
  ...configCommands,
  ...dumpCommands,
];

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(ALL.map((c) => [c.name, c]));
