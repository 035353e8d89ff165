// Command lists that build datasets covering every type and in-memory encoding Redis 7.0 has,
// for file-format tests run on both the lab and redis-server.

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

/** Small and large collections, ints, compressible strings, binary keys, expiries, 3 dbs. */
export function everyEncodingDataset(): string[][] {
  const far = '4102444800000';
  return [
    ['SET', 'str:short', 'hello'],
    ['SET', 'str:empty', ''],
    ['SET', 'str:int8', '-2'],
    ['SET', 'str:int16', '12345'],
    ['SET', 'str:int32', '-2000000000'],
    ['SET', 'str:int64', '123456789012'],
    ['SET', 'str:shared', '9999'],
    ['SET', 'str:padded', '007'],
    ['SET', 'str:compressible', 'a'.repeat(40)],
    ['SET', 'str:long', range(300, (i) => String.fromCharCode(33 + ((i * 7919) % 90))).join('')],
    ['SET', 'str:big', 'xyz'.repeat(5000)],
    ['SET', 'bin\r\n\x00key', 'caf\xc3\xa9\x00\xff'],
    ['SET', '12345', 'an integer-looking key'],
    ['INCRBYFLOAT', 'str:float', '3.0e3'],
    ['SET', 'str:expiring', 'v', 'PXAT', far],
    ['RPUSH', 'list:small', 'a', '1', '-5', '300', '70000', '-9000000000', 'b'.repeat(70)],
    ['RPUSH', 'list:nodes', ...range(3000, (i) => `item-${i}`)],
    ['RPUSH', 'list:huge-item', 'z'.repeat(10000), 'tail'],
    ['SADD', 'set:intset', '1', '2', '3', '-40000', '5000000000'],
    ['SADD', 'set:strings', 'x', 'y', '1'],
    ['SADD', 'set:big', ...range(600, (i) => String(i * 3))],
    ['HSET', 'hash:small', 'f', 'v', 'n', '42', 'neg', '-1', 'e', ''],
    ['HSET', 'hash:long-value', 'f', 'v'.repeat(65)],
    ['HSET', 'hash:many', ...Array.from({ length: 600 }, (_, i) => [`field${i}`, String(i)]).flat()],
    ['ZADD', 'zset:small', '1', 'one', '2.5', 'two.5', '-inf', 'min', 'inf', 'max', '0.1', 'tenth', '1e300', 'huge', '-3', 'neg'],
    ['ZADD', 'zset:long-member', '1', 'm'.repeat(65)],
    ['ZADD', 'zset:many', ...Array.from({ length: 200 }, (_, i) => [String(i / 7), `member${i}`]).flat()],
    // Bitmaps and HyperLogLogs are strings Redis builds byte by byte.
    ['SETBIT', 'bitmap:sparse', '1000000', '1'],
    ['SETBIT', 'bitmap:sparse', '7', '1'],
    ['BITFIELD', 'bitmap:fields', 'SET', 'i16', '#3', '-1234', 'SET', 'u5', '1', '17'],
    ['BITOP', 'NOT', 'bitmap:not', 'bitmap:fields'],
    ['PFADD', 'hll:sparse', 'a', 'b', 'c'],
    ['PFADD', 'hll:dense', ...range(3000, (i) => `member:${i}`)],
    ['PFCOUNT', 'hll:dense'],
    // Geo sets are sorted sets of geohash scores; a search stores one.
    ['GEOADD', 'geo:small', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ['GEOADD', 'geo:big', ...Array.from({ length: 200 }, (_, i) => [String(-170 + i * 1.7), String(-80 + i * 0.8), `place:${i}`]).flat()],
    ['GEOSEARCHSTORE', 'geo:stored', 'geo:big', 'FROMLONLAT', '0', '0', 'BYBOX', '8000', '8000', 'km', 'ASC', 'COUNT', '30'],
    ['PEXPIREAT', 'list:small', far],
    ['PEXPIREAT', 'zset:many', far],
    ['SELECT', '3'],
    ['SET', 'db3:key', 'in db 3'],
    ['HSET', 'db3:hash', 'a', '1'],
    ['PEXPIREAT', 'db3:hash', far],
    ['SELECT', '15'],
    ['LPUSH', 'db15:list', 'x'],
    ['SELECT', '0'],
  ];
}

/**
 * Streams in every shape a file can hold them: several listpack nodes (split by entry count and
 * by bytes), tombstones, trimmed heads, empty streams with and without groups, extreme IDs, and
 * consumer groups with pending entries, idle consumers and unknown read counters. IDs are
 * explicit, so both sides hold the same entries.
 */
export function streamDataset(): string[][] {
  const adds = range(250, (i) => String(i)).map((i) => {
    const n = Number(i);
    const fields = n % 7 === 0 ? ['other', i, 'extra', 'x'.repeat(n % 50)] : ['f', i, 'g', n % 3 === 0 ? '-12345' : `value-${i}`];
    return ['XADD', 'stream:big', `${1000 + Math.floor(n / 3)}-${n % 3}`, ...fields];
  });
  return [
    ...adds,
    ['XADD', 'stream:big', '2000-0', 'blob', 'b'.repeat(3000)],
    ['XADD', 'stream:big', '2000-1', 'blob', 'c'.repeat(3000)],
    ['XADD', 'stream:big', '2001-*', 'f', 'after-blobs'],
    ['XDEL', 'stream:big', '1000-0', '1010-1', '1050-2', '1051-0', '1051-1'],
    ['XTRIM', 'stream:big', 'MAXLEN', '~', '200'],
    ['XGROUP', 'CREATE', 'stream:big', 'g1', '0'],
    ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'stream:big', '>'],
    ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'stream:big', '>'],
    ['XACK', 'stream:big', 'g1', '1034-1'],
    ['XGROUP', 'CREATECONSUMER', 'stream:big', 'g1', 'carol'],
    ['XGROUP', 'CREATE', 'stream:big', 'g2', '$', 'ENTRIESREAD', '7'],
    ['XGROUP', 'CREATE', 'stream:big', 'g3', '1040-0'],
    ['XREADGROUP', 'GROUP', 'g3', 'dave', 'NOACK', 'COUNT', '2', 'STREAMS', 'stream:big', '>'],
    ['XCLAIM', 'stream:big', 'g1', 'erin', '0', '1035-0', 'RETRYCOUNT', '9'],
    ['XGROUP', 'CREATE', 'stream:empty-group', 'g', '$', 'MKSTREAM'],
    ['XADD', 'stream:emptied', '5-5', 'a', '1'],
    ['XDEL', 'stream:emptied', '5-5'],
    ['XADD', 'stream:trimmed', 'MAXLEN', '0', '7-0', 'a', '1'],
    ['XADD', 'stream:extreme', '18446744073709551615-18446744073709551614', 'a', '1'],
    ['XADD', 'stream:extreme', '18446744073709551615-*', '', ''],
    ['XSETID', 'stream:extreme', '18446744073709551615-18446744073709551615', 'ENTRIESADDED', '9223372036854775807', 'MAXDELETEDID', '3-0'],
    ['XADD', 'stream:same-fields', '1-1', 'a', '1', 'b', '2'],
    ['XADD', 'stream:same-fields', '1-2', 'a', '3', 'b', '4'],
    ['XADD', 'stream:same-fields', '1-3', 'b', '5', 'a', '6'],
    ['XADD', 'stream:expiring', '1-1', 'k', 'v'],
    ['PEXPIREAT', 'stream:expiring', '4102444800000'],
    ['SELECT', '3'],
    ['XADD', 'stream:db3', '9-9', 'in', 'db3'],
    ['XGROUP', 'CREATE', 'stream:db3', 'grp', '0'],
    ['XREADGROUP', 'GROUP', 'grp', 'c', 'STREAMS', 'stream:db3', '>'],
    ['SELECT', '0'],
  ];
}

/** XINFO STREAM FULL for every stream of a dataset: deterministic once loaded from one file. */
export function streamInspection(dataset: readonly string[][]): string[][] {
  const seen = new Map<string, string>();
  let db = '0';
  for (const argv of dataset) {
    if (argv[0] === 'SELECT') db = argv[1]!;
    const key = argv[0]!.startsWith('X') ? (argv[0] === 'XGROUP' ? argv[2]! : argv[0] === 'XREADGROUP' ? argv[argv.length - 2]! : argv[1]!) : null;
    if (key?.startsWith('stream:')) seen.set(key, db);
  }
  return [...seen].flatMap(([key, keyDb]) => [['SELECT', keyDb], ['XINFO', 'STREAM', key, 'FULL'], ['XINFO', 'GROUPS', key]]).concat([['SELECT', '0']]);
}
