// The lab's engine, headless: `exec` runs inline commands from stdin and prints replies as
// redis-cli does into a pipe; `digest` prints the DEBUG DIGEST of a dataset (from stdin
// commands, or loaded from an RDB/AOF path) as one JSON line; `scenario` runs a scenario and
// prints its recovery report; `analyze` reports what a data file holds and what it costs.
import { parseArgs } from 'node:util';
import { applyConfigText, Config, datasetDigest, type Engine, newerRdbLoad } from '../engine/index.js';
import { openRunner, runStdin } from './exec.js';
import { AnalyzeStopped, analyzePath, formatAnalysis, parseAnalyzeArgs, type AnalyzeCliOptions } from './analyze.js';
import { loadPath } from './load-path.js';
import { intOption, parseWithOperand, UsageError } from './options.js';
import { Progress } from './progress.js';
import { exportCommand } from './export.js';
import { verifyRealCommand } from './verify-real.js';
import { MAX_SEED, runScenarioCommand, SCENARIO_OPTIONS, ScenarioStopped, type ScenarioCliOptions } from './scenario.js';
import { Output } from './stdout.js';
import { serve } from './serve/serve.js';
import { runBenchPolicies } from './bench-policies.js';

const USAGE = `usage: npm run --silent cli -- <command> [options]

commands:
  exec   [--dir DIR] [--config "directive value" ...]
         Run Redis commands in inline syntax, one per line, from stdin; print each reply
         as redis-cli prints it into a pipe. With --dir, persist into DIR as redis-server
         would (load it at start, write AOF/RDB files, shut down like SHUTDOWN at the end).
  digest [PATH] [--config "directive value" ...]
         Print {"keys": N, "digest": "<40 hex>", "loadMs": T}: the DEBUG DIGEST of the
         dataset loaded from PATH (an .rdb file, an AOF directory or manifest, a data
         directory, or a single .aof file), or of the commands read from stdin.
  serve  [--port N] [--bind ADDR] [--dir DIR] [--config "directive value" ...]
         Serve the engine over RESP2 on ADDR:N (default 127.0.0.1:6379) for redis-cli,
         redis-benchmark and client libraries; with --dir, persist into DIR as exec --dir
         does. SHUTDOWN, SIGINT or SIGTERM stop it as they stop redis-server.
  bench-policies [--requests N] [--tests set,get,...]
         redis-benchmark -c 50 -P 16 -t set (or the tests given) against serve and against
         redis-server with no persistence, appendfsync everysec and always (temp dirs): both
         rates and ratios.
  scenario FILE_OR_URL [--runs N] [--seed N] [--crash process|power|torn|none] [--crash-at MS]
           [--explore N]
         Run a scenario (a JSON file or a lab URL) on the virtual clock and print one JSON
         recovery report per run (run k uses seed + k). --explore N crashes it instead at N
         evenly spaced instants with each kind (or --crash's) and prints the loss curve.
  export SCENARIO DIR
         Write the scenario as a folder to run on a real redis-server: redis.conf (each line
         commented with what it promises), scenario.json, workload.mjs (replays the seeded
         workload and records every acknowledgement) and a README of the steps.
  verify-real SCENARIO [--redis-server PATH] [--crash process|none] [--runs N] [--seed N]
              [--long] [--json] [--keep]
         Run the export against a real redis-server on a loopback port in a temp dir, on the
         wall clock: SIGKILL at the crash instant, restart on the same files, and print the
         lab's report beside the real one with "agrees" or how they differ (exit 1 if they
         differ). A run over 5 minutes needs --long.
  analyze PATH [--json | --csv] [--separator S] [--depth N] [--top N]
               [--prefix P] [--type TYPE] [--db N]
         What the dataset in PATH holds: keys and memory (as MEMORY USAGE counts it) per
         type, encoding, database and key prefix (split at S, default ':', N levels,
         default 3), the biggest keys (--top, default 20), expiries and element counts.
         An .rdb file is read in chunks in constant memory; an AOF is replayed first.
         --prefix, --type and --db keep only the matching keys. Progress goes to stderr.
`;

interface Options {
  command: 'exec' | 'digest' | 'scenario' | 'serve' | 'bench-policies' | 'analyze';
  dir: string | undefined;
  listen?: { port: number; bind: string };
  bench?: { requests: number; tests: string[] };
  path: string | undefined;
  config: Config;
  scenario?: ScenarioCliOptions;
  analyze?: AnalyzeCliOptions;
}

function parseCommandLine(args: string[]): Options {
  const [command, ...rest] = args;
  if (command === 'scenario') return { command, dir: undefined, path: undefined, config: new Config(), scenario: parseScenarioArgs(rest) };
  if (command === 'bench-policies') return { command, dir: undefined, path: undefined, config: new Config(), bench: parseBenchArgs(rest) };
  if (command === 'analyze') return { command, dir: undefined, path: undefined, config: new Config(), analyze: parseAnalyzeArgs(rest) };
  if (command !== 'exec' && command !== 'digest' && command !== 'serve') {
    throw new UsageError(command === undefined ? 'missing command' : `unknown command '${command}'`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        dir: { type: 'string' },
        config: { type: 'string', multiple: true },
        ...(command === 'serve' ? { port: { type: 'string' }, bind: { type: 'string' } } : {}),
      },
      strict: true,
      allowPositionals: command === 'digest',
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument '${parsed.positionals[1]}'`);
  if (command === 'digest' && parsed.values.dir !== undefined) throw new UsageError("'digest' takes a PATH, not --dir");
  const config = new Config();
  const directives = parsed.values.config ?? [];
  const problems = applyConfigText(config, directives.join('\n'));
  if (problems.length > 0) {
    throw new UsageError(problems.map((p) => `--config "${directives[p.line - 1]}": ${p.message}`).join('\n'));
  }
  const options: Options = { command, dir: parsed.values.dir, path: parsed.positionals[0], config };
  if (command === 'serve') {
    const port = (parsed.values as { port?: string }).port ?? '6379';
    if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError('--port must be an integer from 0 to 65535');
    options.listen = { port: Number(port), bind: (parsed.values as { bind?: string }).bind ?? '127.0.0.1' };
  }
  return options;
}

function parseBenchArgs(rest: string[]): { requests: number; tests: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { requests: { type: 'string' }, tests: { type: 'string' } }, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const requests = parsed.values.requests ?? '200000';
  if (!/^\d+$/.test(requests) || Number(requests) < 1) throw new UsageError('--requests must be a positive integer');
  const tests = (parsed.values.tests ?? 'set').split(',');
  if (tests.some((t) => !/^[a-z_]+$/i.test(t))) throw new UsageError('--tests is a comma-separated list of redis-benchmark test names, e.g. set,get,incr');
  return { requests: Number(requests), tests };
}

function parseScenarioArgs(rest: string[]): ScenarioCliOptions {
  const { values, operand: source } = parseWithOperand('scenario', rest, SCENARIO_OPTIONS, 'FILE or URL');
  const crash = values.crash;
  if (crash !== undefined && !['process', 'power', 'torn', 'none'].includes(crash)) throw new UsageError('--crash must be process, power, torn or none');
  const runs = intOption('runs', values.runs, 1) ?? 1;
  // Seeds are 31-bit, as in a scenario: a larger one would silently wrap around in the RNG.
  const seed = intOption('seed', values.seed, 0, MAX_SEED);
  if (seed !== undefined && seed + runs - 1 > MAX_SEED) throw new UsageError(`--seed ${seed} with --runs ${runs} goes past ${MAX_SEED} (run k uses seed + k)`);
  return {
    source,
    runs,
    seed,
    crash: crash as ScenarioCliOptions['crash'],
    crashAtMs: intOption('crash-at', values['crash-at'], 0),
    explore: intOption('explore', values.explore, 1),
  };
}

function digestLine(engine: Engine, loadMs: number | null): string {
  const keys = engine.dbs.reduce((sum, db) => sum + db.size, 0);
  const load = loadMs === null ? '' : `, "loadMs": ${loadMs}`;
  return `{"keys": ${keys}, "digest": "${datasetDigest(engine)}"${load}}\n`;
}

/** Ctrl-C's exit code: 128 + SIGINT. */
const INTERRUPTED = 130;

/** Runs a scenario command: stops at Ctrl-C (exit 130) or when stdout's reader goes away (0). */
async function runScenarioCli(options: ScenarioCliOptions): Promise<number> {
  const stop = new AbortController();
  let interrupted = false;
  const stdout = new Output(
    process.stdout,
    (line) => process.stderr.write(`warning: ${line}\n`),
    () => stop.abort(),
  );
  // A second Ctrl-C falls through to Node's default and ends the process at once.
  process.once('SIGINT', () => {
    interrupted = true;
    stop.abort();
  });
  try {
    await runScenarioCommand(options, (text) => stdout.write(text), { stop: stop.signal, progress: new Progress(process.stderr) });
  } catch (e) {
    if (!(e instanceof ScenarioStopped)) throw e;
    if (!interrupted) return 0;
    process.stderr.write(`interrupted: ${e.message}\n`);
    return INTERRUPTED;
  }
  return 0;
}

/** Runs `analyze`: Ctrl-C stops reading (exit 130); the report goes to stdout at the end. */
async function runAnalyzeCli(options: AnalyzeCliOptions): Promise<number> {
  const stop = { aborted: false };
  process.once('SIGINT', () => {
    stop.aborted = true;
  });
  let report;
  try {
    report = await analyzePath(options, stop, new Progress(process.stderr));
  } catch (e) {
    if (!(e instanceof AnalyzeStopped)) throw e;
    process.stderr.write(`interrupted: ${e.message}\n`);
    return INTERRUPTED;
  }
  const stdout = new Output(process.stdout, (line) => process.stderr.write(`warning: ${line}\n`));
  await stdout.write(formatAnalysis(report, options.format));
  return 0;
}

async function run(options: Options): Promise<number> {
  if (options.scenario) return runScenarioCli(options.scenario);
  if (options.analyze) return runAnalyzeCli(options.analyze);
  const stdout = new Output(process.stdout, (line) => process.stderr.write(`warning: ${line}\n`));
  const writeStdout = (text: string) => stdout.write(text);
  if (options.command === 'digest' && options.path !== undefined) {
    const started = performance.now();
    const engine = await loadPath(options.path, newerRdbLoad);
    await writeStdout(digestLine(engine, Math.round(performance.now() - started)));
    return 0;
  }
  if (options.bench !== undefined) {
    await runBenchPolicies({ ...options.bench, print: writeStdout });
    return 0;
  }
  if (options.listen) {
    const running = await serve({ ...options.listen, dir: options.dir, config: options.config, signals: true });
    await running.done;
    return 0;
  }
  const runner = await openRunner(options.config, options.dir);
  if (options.command === 'exec') {
    await runStdin(runner, writeStdout);
  } else {
    await runStdin(runner, null);
    await writeStdout(digestLine(runner.engine, null));
  }
  return 0;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const usage = (message: string) => {
    process.stderr.write(`error: ${message}\n\n${USAGE}`);
    return 2;
  };
  try {
    if (args[0] === 'export') return await exportCommand(args.slice(1), usage);
    if (args[0] === 'verify-real') return await verifyRealCommand(args.slice(1), usage);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
  let options: Options;
  try {
    options = parseCommandLine(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(options);
  } catch (e) {
    // A bad file or directory: one clear line (file, offset, reason), never a stack trace.
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main();
