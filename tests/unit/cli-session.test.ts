// redis-cli's handling of a typed line on a terminal (the console's mode); the pipe mode is
// compared with the real redis-cli in tests/cli. Facts from redis-cli.c 7.0.15 (repl,
// cliSendCommand, cliFormatReply).
import { describe, expect, it } from 'vitest';
import { runCliLine } from '../../src/engine/resp/cli-session.js';
import { bulk, error, status, type Reply } from '../../src/engine/resp/reply.js';

function recorder(replies: Record<string, Reply>) {
  const sent: string[][] = [];
  return {
    sent,
    send: async (argv: string[]) => {
      sent.push(argv);
      return replies[argv[0]!.toLowerCase()] ?? status('OK');
    },
  };
}

describe('runCliLine on a terminal', () => {
  it('prints INFO verbatim (no newline of its own) and other replies in the terminal form', async () => {
    const server = recorder({ info: bulk('# Keyspace\r\ndb0:keys=1\r\n'), get: bulk('v') });
    expect((await runCliLine('INFO keyspace', 'tty', server.send)).output).toBe('# Keyspace\r\ndb0:keys=1\r\n');
    expect((await runCliLine('GET k', 'tty', server.send)).output).toBe('"v"\n');
  });

  it('repeats a command with a count prefix, and refuses a count that is not positive without sending', async () => {
    const server = recorder({ incr: status('QUEUED') });
    expect(await runCliLine('3 INCR c', 'tty', server.send)).toMatchObject({ output: 'QUEUED\nQUEUED\nQUEUED\n', isError: false });
    expect(await runCliLine('0 INCR c', 'tty', server.send)).toMatchObject({ output: 'Invalid redis-cli repeat command option value.\n', isError: true });
    expect(server.sent).toEqual([['INCR', 'c'], ['INCR', 'c'], ['INCR', 'c']]);
  });

  it('answers help, quoting errors, clear and quit itself', async () => {
    const server = recorder({});
    expect((await runCliLine('help GET', 'tty', server.send)).output).toContain('\x1b[1mGET\x1b[0m \x1b[90mkey\x1b[0m');
    expect(await runCliLine('SET a "b', 'tty', server.send)).toMatchObject({ output: 'Invalid argument(s)\n', isError: true });
    expect(await runCliLine('clear', 'tty', server.send)).toMatchObject({ output: '', clearScreen: true });
    expect(await runCliLine('exit', 'tty', server.send)).toMatchObject({ output: '', exit: true });
    expect(server.sent).toEqual([]);
  });

  it('marks an error reply', async () => {
    const server = recorder({ foo: error('ERR unknown command') });
    expect(await runCliLine('foo', 'tty', server.send)).toMatchObject({ output: '(error) ERR unknown command\n', isError: true });
  });
});
