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
