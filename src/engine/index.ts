// The engine's public surface: what the worker, the simulator, the CLI and tests import.
export { Engine, Client, BLOCKED, type EngineOptions, type PropagatedCommand, type PropagationSink } from './engine.js';
export type { BlockedState, UnblockListener } from './blocking.js';
export { systemClock, seededRng, type Clock, type Rng } from './clock.js';
export { type Bin, bytesToBin, binToBytes, textToBin, binToText } from './bytes.js';
export type { Reply } from './resp/reply.js';
