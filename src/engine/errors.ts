// Every error text the engine replies with, worded exactly as redis-server 7.0 words it, in one
// place so the console, the CLI and the panels stay consistent.
import { cString } from './bytes.js';

/** An error quoting what a client sent: CR and LF become spaces, as sdsmapchars makes them. */
function oneLine(message: string): string {
  return message.replace(/[\r\n]/g, ' ');
}

/**
 * A client's bytes inside an error built with addReplyErrorFormat: "%s" stops at a NUL byte and
 * the message has its CR and LF turned into spaces, so the reply stays one line.
 */
export function formatArg(s: string): string {
  return oneLine(cString(s));
}

export const ERR = {
  syntax: 'ERR syntax error',
  invalidCursor: 'ERR invalid cursor',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  intRange: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  overflow: 'ERR increment or decrement would overflow',
  noSuchKey: 'ERR no such key',
  indexOutOfRange: 'ERR index out of range',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidFirstDbIndex: 'ERR invalid first DB index',
  invalidSecondDbIndex: 'ERR invalid second DB index',
  outOfRangePositive: 'ERR value is out of range, must be positive',
  invalidDbIndex: 'ERR invalid DB index',
  sameObject: 'ERR source and destination objects are the same',
  invalidExpire: (command: string) => `ERR invalid expire time in '${command}' command`,
  wrongArity: (command: string) => `ERR wrong number of arguments for '${command}' command`,
  /** commandCheckExistence: the arguments quoted until the list reaches 128 bytes, cut to fit. */
  unknownCommand: (name: string, args: readonly string[]) => {
    let list = '';
    for (let i = 0; i < args.length && list.length < 128; i++) list += `'${cString(args[i]!).slice(0, 128 - list.length)}' `;
    return oneLine(`ERR unknown command '${cString(name).slice(0, 128)}', with args beginning with: ${list}`);
  },
  unknownSubcommand: (sub: string, command: string) =>
    oneLine(`ERR unknown subcommand '${cString(sub).slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`),
  /** addReplySubcommandSyntaxError, for commands that parse their own subcommands (DEBUG). */
  subcommandSyntax: (sub: string, command: string) =>
    oneLine(`ERR unknown subcommand or wrong number of arguments for '${cString(sub).slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`),
  multiNested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  notAllowedInMulti: 'ERR Command not allowed inside a transaction',
  misconfRdb:
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  misconfAof: (reason: string) => `MISCONF Errors writing to the AOF file: ${reason}`,
  bgsaveInProgress: 'ERR Background save already in progress',
  bgsaveDuringRewrite:
    "ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
  rewriteInProgress: 'ERR Background append only file rewriting already in progress',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  /** The lab's own: redis-server would build the string; a JavaScript string cannot hold it. */
  stringTooLongForLab: (limit: number, redisLimit: number) =>
    `ERR string exceeds the lab's maximum size (${limit} bytes, the JavaScript engine's limit; redis-server allows ${redisLimit})`,
  nanOrInfinity: 'ERR increment would produce NaN or Infinity',
  decrementOverflow: 'ERR decrement would overflow',
  offsetOutOfRange: 'ERR offset is out of range',
  unsupportedOption: (option: string) => oneLine(`ERR Unsupported option ${cString(option)}`),
  expireNxIncompatible: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  expireGtLtIncompatible: 'ERR GT and LT options at the same time are not compatible',
  lfuNotSelected:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lposCountNegative: "ERR COUNT can't be negative",
  lposMaxlenNegative: "ERR MAXLEN can't be negative",
  longRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  nanOrInfinityValue: 'ERR value is NaN or Infinity',
  valueOutOfRange: 'ERR value is out of range',
  /**
   * The lab's own: Redis has no reply here, it grows the client's output buffer until memory
   * runs out (SRANDMEMBER / HRANDFIELD / ZRANDMEMBER with a huge negative count).
   */
  randomReplyTooLarge: (limit: number) =>
    `ERR the lab refuses a reply of more than ${limit} random elements (redis-server would build it until it runs out of memory)`,
  numkeysPositive: 'ERR numkeys should be greater than 0',
  numkeysTooMany: "ERR Number of keys can't be greater than number of args",
  limitNegative: "ERR LIMIT can't be negative",
  zaddXxNx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrSingle: 'ERR INCR option supports a single increment-element pair',
  zaddNan: 'ERR resulting score is not a number (NaN)',
  zrangeLimitNeedsBy: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zrangeWithscoresBylex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  minMaxNotFloat: 'ERR min or max is not a float',
  minMaxNotLex: 'ERR min or max not valid string range item',
  protocol: (detail: string) => `ERR Protocol error: ${detail}`,
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  bitposBit: 'ERR The bit argument must be 1 or 0.',
  bitopNotSingleKey: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflow: 'ERR Invalid OVERFLOW type specified',
  bitfieldRoWrite: 'ERR BITFIELD_RO only supports the GET subcommand',
  hllNotValid: 'WRONGTYPE Key is not a valid HyperLogLog string value.',
  hllCorrupted: 'INVALIDOBJ Corrupted HLL object detected',
  pfdebugNoKey: 'ERR The specified key does not exist',
  pfdebugNotSparse: 'ERR HLL encoding is not sparse',
  pfdebugUnknown: (sub: string) => `ERR Unknown PFDEBUG subcommand '${sub}'`,
  geoInvalidPair: (lon: string, lat: string) => `ERR invalid longitude,latitude pair ${lon},${lat}`,
  geoRadiusNotNumber: 'ERR need numeric radius',
  geoRadiusNegative: 'ERR radius cannot be negative',
  geoWidthNotNumber: 'ERR need numeric width',
  geoHeightNotNumber: 'ERR need numeric height',
  geoBoxNegative: 'ERR height or width cannot be negative',
  geoUnit: 'ERR unsupported unit provided. please use M, KM, FT, MI',
  geoMemberNotFound: 'ERR could not decode requested zset member',
  geoCountNotPositive: 'ERR COUNT must be > 0',
  geoAnyWithoutCount: 'ERR the ANY argument requires COUNT argument',
  geoStoreWithOptions: (what: string) => `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
  geoFromRequired: (command: string) => `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${command}`,
  geoByRequired: (command: string) => `ERR exactly one of BYRADIUS and BYBOX can be specified for ${command}`,
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  watchInsideMulti: 'ERR WATCH inside MULTI is not allowed',
  busyKey: 'BUSYKEY Target key name already exists.',
  dumpPayload: 'ERR DUMP payload version or checksum are wrong',
  badDataFormat: 'ERR Bad data format',
  invalidTtl: 'ERR Invalid TTL value, must be >= 0',
  invalidIdletime: 'ERR Invalid IDLETIME value, must be >= 0',
  invalidFreq: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  weightNotFloat: 'ERR weight value is not a float',
  atLeastOneKey: (command: string) => `ERR at least 1 input key is needed for '${command}' command`,
  sortScores: "ERR One or more scores can't be converted into double",
  lcsTooLong: 'ERR String too long for LCS',
} as const;
