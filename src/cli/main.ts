// The lab's engine, headless: `exec` runs inline commands from stdin and prints replies as
// redis-cli does into a pipe; `digest` prints the resulting dataset's DEBUG DIGEST as JSON.
import { parseArgs } from 'node:util';
import { systemClock } from '../engine/clock.js';
import { applyConfigText, Config, encodingLimits } from '../engine/config.js';
import { datasetDigest } from '../engine/digest.js';
import { Engine } from '../engine/engine.js';
import { formatReplyRaw } from '../engine/resp/cli-format.js';
import { splitCommandLine } from '../engine/resp/inline.js';
import type { Reply } from '../engine/resp/reply.js';
import { binaryLines } from './stdin-lines.js';

const USAGE = `usage: npm run --silent cli -- <command> [options]

commands:
  exec   [--dir DIR] [--config "directive value" ...]
         Run Redis commands in inline syntax, one per line, from stdin; print each reply
         as redis-cli prints it into a pipe.
  digest [--config "directive value" ...]
         Run commands from stdin silently; print {"keys": N, "digest": "<40 hex>"}, the
         DEBUG DIGEST of the final dataset.
`;

class UsageError extends Error {}

interface Options {
  command: 'exec' | 'digest';
  dir: string | undefined;
  config: Config;
}

function parseCommandLine(args: string[]): Options {
  const [command, ...rest] = args;
  if (command !== 'exec' && command !== 'digest') {
    throw new UsageError(command === undefined ? 'missing command' : `unknown command '${command}'`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { dir: { type: 'string' }, config: { type: 'string', multiple: true } },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const config = new Config();
  const directives = parsed.values.config ?? [];
  const problems = applyConfigText(config, directives.join('\n'));
  if (problems.length > 0) {
    throw new UsageError(problems.map((p) => `--config "${directives[p.line - 1]}": ${p.message}`).join('\n'));
  }
  return { command, dir: parsed.values.dir, config };
}

async function run(options: Options): Promise<void> {
  const engine = new Engine({ clock: systemClock, limits: encodingLimits(options.config), databases: options.config.getNumber('databases') });
  const client = engine.createClient();
  const out: string[] = [];
  const flush = async () => {
    if (out.length === 0) return;
    const text = out.join('');
    out.length = 0;
    if (!process.stdout.write(text, 'latin1')) await new Promise((resolve) => process.stdout.once('drain', resolve));
  };
  for await (const line of binaryLines(process.stdin)) {
    const split = splitCommandLine(line);
    let reply: Reply | null;
    if (!split.ok) reply = { kind: 'error', value: split.error };
    else if (split.argv.length === 0) reply = null;
    else reply = engine.execute(client, split.argv);
    if (reply && options.command === 'exec') {
      out.push(formatReplyRaw(reply) + '\n');
      if (out.length >= 256) await flush();
    }
  }
  if (options.command === 'digest') {
    const keys = engine.dbs.reduce((sum, db) => sum + db.size, 0);
    out.push(`{"keys": ${keys}, "digest": "${datasetDigest(engine)}"}\n`);
  }
  await flush();
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  let options: Options;
  try {
    options = parseCommandLine(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  await run(options);
  return 0;
}

process.exitCode = await main();
