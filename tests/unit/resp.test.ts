// RESP2 parsing and encoding edge cases, and inline splitting as redis-cli/redis-server split.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand, encodeReply } from '../../src/engine/resp/encoder.js';
import { splitCommandLine } from '../../src/engine/resp/inline.js';
import { ReplyParser, RequestParser, INLINE_MAX_SIZE } from '../../src/engine/resp/parser.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { formatReplyRaw, formatReplyTty } from '../../src/engine/resp/cli-format.js';

function parseAll(input: string, chunk = input.length || 1): { commands: string[][]; end: string } {
  const parser = new RequestParser();
  const commands: string[][] = [];
  let end = 'incomplete';
  for (let i = 0; i < input.length; i += chunk) {
    parser.push(input.slice(i, i + chunk));
    for (let r = parser.next(); ; r = parser.next()) {
      if (r.kind === 'value') commands.push(r.value);
      else {
        end = r.kind === 'error' ? r.message : 'incomplete';
        break;
      }
    }
    if (end !== 'incomplete') break;
  }
  return { commands, end };
}

const binArb = fc.uint8Array({ maxLength: 20 }).map((b) => String.fromCharCode(...b));

describe('RequestParser', () => {
  it('reads multibulk commands split at every byte boundary', () => {
    fc.assert(
      fc.property(fc.array(fc.array(binArb, { minLength: 1, maxLength: 5 }), { maxLength: 5 }), fc.integer({ min: 1, max: 7 }), (cmds, chunk) => {
        const wire = cmds.map(encodeCommand).join('');
        const { commands, end } = parseAll(wire, chunk);
        expect(end).toBe('incomplete');
        expect(commands).toEqual(cmds);
      }),
    );
  });

  it('waits for the rest of a partial frame without consuming it', () => {
    const parser = new RequestParser();
    parser.push('*2\r\n$3\r\nGET\r\n$5\r\nhel');
    expect(parser.next()).toEqual({ kind: 'incomplete' });
    parser.push('lo\r\n');
    expect(parser.next()).toEqual({ kind: 'value', value: ['GET', 'hello'] });
  });

  it('does not allocate or hang on a huge declared bulk length', () => {
    const parser = new RequestParser();
    parser.push('*1\r\n$536870912\r\nabc');
    expect(parser.next().kind).toBe('incomplete');
    expect(parser.pending).toBe('*1\r\n$536870912\r\nabc'.length);
  });

  it.each([
    ['*1\r\n$536870913\r\nx\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$-1\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*1\r\n$x\r\n', 'ERR Protocol error: invalid bulk length'],
    ['*x\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*3000000000\r\n', 'ERR Protocol error: invalid multibulk length'],
    ['*2\r\n*1\r\n$1\r\na\r\n', "ERR Protocol error: expected '$', got '*'"],
    ['*1\r\n:1\r\n', "ERR Protocol error: expected '$', got ':'"],
    ['*1\r\n\r\n', "ERR Protocol error: expected '$', got ' '"],
    ['SET "a b\r\n', 'ERR Protocol error: unbalanced quotes in request'],
    ['x'.repeat(INLINE_MAX_SIZE + 1), 'ERR Protocol error: too big inline request'],
    ['*' + '1'.repeat(INLINE_MAX_SIZE + 1), 'ERR Protocol error: too big mbulk count string'],
    ['*1\r\n$' + '1'.repeat(INLINE_MAX_SIZE + 1), 'ERR Protocol error: too big bulk count string'],
  ])('rejects %j with %s and stays failed', (input, message) => {
    const parser = new RequestParser();
    parser.push(input);
    expect(parser.next()).toEqual({ kind: 'error', message });
    parser.push('*1\r\n$4\r\nPING\r\n');
    expect(parser.next()).toEqual({ kind: 'error', message });
  });

  it('skips empty multibulks and blank inline lines, as redis does', () => {
    expect(parseAll('*0\r\n*-1\r\n\r\n   \nPING\r\nECHO "a b"\n').commands).toEqual([['PING'], ['ECHO', 'a b']]);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(binArb, fc.constantFrom('*', '$', '\r\n', '*2\r\n', '$3\r\n', '-1', '"', "'")), { maxLength: 30 }), (parts) => {
        const { end } = parseAll(parts.join(''), 3);
        expect(end === 'incomplete' || end.startsWith('ERR Protocol error: ')).toBe(true);
      }),
    );
  });
});

describe('ReplyParser', () => {
  const replyArb: fc.Arbitrary<Reply> = fc.letrec<{ reply: Reply }>((tie) => ({
    reply: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'O', 'K') }).map((value): Reply => ({ kind: 'status', value })),
      fc.string({ unit: fc.constantFrom('E', 'R', ' ', 'x') }).map((value): Reply => ({ kind: 'error', value })),
      fc.integer().map((value): Reply => ({ kind: 'int', value })),
      fc.option(binArb).map((value): Reply => ({ kind: 'bulk', value })),
      fc.option(fc.array(tie('reply'), { maxLength: 4 })).map((value): Reply => ({ kind: 'array', value })),
    ),
  })).reply;

  it('round-trips any reply through encodeReply, in any chunking', () => {
    fc.assert(
      fc.property(fc.array(replyArb, { maxLength: 4 }), fc.integer({ min: 1, max: 5 }), (replies, chunk) => {
        const wire = replies.map(encodeReply).join('');
        const parser = new ReplyParser();
        const out: Reply[] = [];
        for (let i = 0; i < wire.length; i += chunk) {
          parser.push(wire.slice(i, i + chunk));
          for (let r = parser.next(); r.kind === 'value'; r = parser.next()) out.push(r.value);
        }
        expect(out).toEqual(replies);
      }),
    );
  });

  it('reports an unknown type byte', () => {
    const parser = new ReplyParser();
    parser.push('?x\r\n');
    expect(parser.next()).toEqual({ kind: 'error', message: "ERR Protocol error: invalid reply type byte '?'" });
  });
});

describe('splitCommandLine', () => {
  it.each([
    ['set a 1', ['set', 'a', '1']],
    ['  set   "a b"  \'c d\' ', ['set', 'a b', 'c d']],
    ['set k "caf\\xc3\\xa9"', ['set', 'k', 'caf\xc3\xa9']],
    ['echo "\\n\\r\\t\\b\\a\\"\\\\\\q"', ['echo', '\n\r\t\b\x07"\\q']],
    ["echo 'it\\'s' 'a\\nb'", ['echo', "it's", 'a\\nb']],
    ['echo "\\xzz"', ['echo', 'xzz']],
    ['echo ""', ['echo', '']],
    ['a"b"', ['ab']],
    ['', []],
    ['get a\0b c', ['get', 'a']],
  ])('splits %j', (line, argv) => {
    expect(splitCommandLine(line)).toEqual({ ok: true, argv });
  });

  it.each(['set "a', "set 'a", 'set "a"b', "set 'a'b", 'echo "a\\"'])('refuses %j as redis does', (line) => {
    expect(splitCommandLine(line)).toEqual({ ok: false, error: 'ERR Protocol error: unbalanced quotes in request' });
  });

  it('splits any line as sdssplitargs does, byte by byte', () => {
    const alphabet = fc.constantFrom('a', 'n', 'x', '4', 'f', ' ', '"', "'", '\\', '\t', '\n', '\r', '\v', '\f', '\0');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }).map((cs) => cs.join('')), (line) => {
        expect(splitCommandLine(line)).toEqual(sdssplitargs(line));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('redis-cli formatting', () => {
  it('prints like redis-cli on a terminal', () => {
    const reply: Reply = {
      kind: 'array',
      value: [
        { kind: 'int', value: 1 },
        { kind: 'array', value: [{ kind: 'bulk', value: 'a\r\n"' }, { kind: 'array', value: [] }] },
        { kind: 'bulk', value: null },
        { kind: 'status', value: 'OK' },
        ...Array.from({ length: 7 }, (): Reply => ({ kind: 'bulk', value: 'caf\xc3\xa9' })),
      ],
    };
    expect(formatReplyTty(reply)).toBe(
      [
        ' 1) (integer) 1',
        ' 2) 1) "a\\r\\n\\""',
        '    2) (empty array)',
        ' 3) (nil)',
        ' 4) OK',
        ...Array.from({ length: 6 }, (_, i) => `${String(i + 5).padStart(2)}) "caf\\xc3\\xa9"`),
        '11) "caf\\xc3\\xa9"',
        '',
      ].join('\n'),
    );
    expect(formatReplyTty({ kind: 'error', value: 'ERR x' })).toBe('(error) ERR x\n');
    expect(formatReplyTty({ kind: 'array', value: null })).toBe('(nil)\n');
  });

  it('prints like redis-cli into a pipe', () => {
    expect(formatReplyRaw({ kind: 'array', value: [{ kind: 'bulk', value: '0' }, { kind: 'array', value: [{ kind: 'bulk', value: 'z' }, { kind: 'bulk', value: 'l' }] }] })).toBe('0\nz\nl');
    expect(formatReplyRaw({ kind: 'bulk', value: null })).toBe('');
    expect(formatReplyRaw({ kind: 'error', value: 'ERR x' })).toBe('ERR x\n');
  });
});

/** sds.c's sdssplitargs, transcribed one byte at a time: the model the fast splitter must match. */
function sdssplitargs(line: string): ReturnType<typeof splitCommandLine> {
  const unbalanced = { ok: false as const, error: 'ERR Protocol error: unbalanced quotes in request' };
  const at = (i: number) => (i < line.length && line[i] !== '\0' ? line[i]! : '');
  const isspace = (c: string) => c !== '' && ' \t\n\v\f\r'.includes(c);
  const hex = (c: string) => c !== '' && /[0-9a-fA-F]/.test(c);
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
  const argv: string[] = [];
  let p = 0;
  for (;;) {
    while (at(p) && isspace(at(p))) p++;
    if (!at(p)) return { ok: true, argv };
    let inq = false;
    let insq = false;
    let current = '';
    for (let done = false; !done; ) {
      const c = at(p);
      if (inq) {
        if (c === '\\' && at(p + 1) === 'x' && hex(at(p + 2)) && hex(at(p + 3))) {
          current += String.fromCharCode(parseInt(at(p + 2) + at(p + 3), 16));
          p += 3;
        } else if (c === '\\' && at(p + 1)) {
          p++;
          current += escapes[at(p)] ?? at(p);
        } else if (c === '"') {
          if (at(p + 1) && !isspace(at(p + 1))) return unbalanced;
          done = true;
        } else if (!c) {
          return unbalanced;
        } else current += c;
      } else if (insq) {
        if (c === '\\' && at(p + 1) === "'") {
          p++;
          current += "'";
        } else if (c === "'") {
          if (at(p + 1) && !isspace(at(p + 1))) return unbalanced;
          done = true;
        } else if (!c) {
          return unbalanced;
        } else current += c;
      } else if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '') {
        done = true;
      } else if (c === '"') inq = true;
      else if (c === "'") insq = true;
      else current += c;
      if (at(p)) p++;
    }
    argv.push(current);
  }
}
