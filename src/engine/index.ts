// The engine's public face: everything the worker, the simulator, the CLI and the benchmarks use
// comes from here (lint forbids reaching past it). Tests may look inside; they test the parts.

// The keyspace and its commands.
export { Engine, Client, BLOCKED, type EngineOptions, type PropagatedCommand, type PropagationSink } from './engine.js';
export type { BlockedState, UnblockListener } from './blocking.js';
export { command, fail, type CommandSpec } from './commands/types.js';
export { ERR } from './errors.js';
export { stringBytes, typeOf, type HashValue, type ListValue, type RedisValue, type SetValue, type TypeName, type ZSetValue } from './keyspace/values.js';
export { summarizeKeyspace, type KeyspaceSummary, type KeyInfo } from './keyspace/summary.js';
export { datasetDigest, valueDigest } from './digest.js';

// Time, randomness and bytes.
export { systemClock, seededRng, randomBelow, type Clock, type Rng } from './clock.js';
export { type Bin, bytesToBin, binToBytes, textToBin, binToText } from './bytes.js';
export { parseIntArg } from './util/numbers.js';

// The wire: replies, inline command lines, redis-cli's formatting.
export { type Reply, int, status, error, bulk, array, OK, NIL, NIL_ARRAY } from './resp/reply.js';
export { RequestParser, ReplyParser, type ParseResult } from './resp/parser.js';
export { encodeReply } from './resp/encoder.js';
export { quoteRepr } from './resp/repr.js';
export { splitCommandLine } from './resp/inline.js';
export { runCliLine } from './resp/cli-session.js';
export { formatReplyTty, formatReplyRaw } from './resp/cli-format.js';
export { encodeCommand } from './resp/encoder.js';

// Configuration.
export { Config, applyConfigText, encodingLimits } from './config.js';
export { parseOutputBufferLimits, type OutputBufferLimit, type OutputBufferLimits } from './output-buffer-limits.js';

// Files: RDB, AOF, inspection, the load errors.
export { loadRdb, type RdbLoadOptions, type RdbLoadReport } from './rdb/reader.js';
export { rdbChunks } from './rdb/writer.js';
export { loadAof, loadAofFile, readManifest, type AofLoadReport, type RdbLoader } from './aof/loader.js';
export { checkAofFile, fixAofFile, type AofCheck } from './aof/check.js';
export { inspectFile, type Inspection, type InspectedRecord } from './inspect.js';
export { LoadError, type Cancellation } from './load-error.js';

// The persistent server.
export type { ChildThread } from './persistence/core.js';
export { PersistentServer, ServerExitError, PersistenceStatus, type PersistentServerOptions, type RewriteReport, type StartReport, type TurnCommand } from './persistence/server.js';
export type { PersistenceEvent } from './persistence/events.js';
export { newerRdbLoad, rdbCodec } from './persistence/rdb-codec.js';
export type { RdbCodec } from './persistence/codec.js';
export { readChunks, type Disk } from './persistence/disk.js';
export { concatChunks } from './persistence/core.js';

// Replication.
export { ReplicationPrimary, type PsyncReply } from './replication/primary.js';
export { Replica } from './replication/replica.js';
export { primaryInfo, replicaInfo, roleCommand } from './replication/info.js';

// Keyspace analysis in constant memory (the CLI's `analyze`, the page's Analyze mode).
export { KeyspaceAnalyzer, type AnalysisReport, type AnalyzeOptions, type BigKey, type Bucket, type Tally } from './analysis/analyzer.js';
export { analyzeRdb, analyzeDataset, type StreamAnalyzeOptions } from './analysis/analyze-file.js';
export { analysisCsv, analysisJson, analysisText } from './analysis/export.js';
export { memoryUsage, valueMemory, allocSize } from './keyspace/memory-usage.js';
export { packCollections } from './keyspace/pack-collections.js';
