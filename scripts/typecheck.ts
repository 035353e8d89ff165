// Type-checks every runtime with its own tsconfig — the engine (no DOM, no Node), the shared
// simulator and storage core, the worker (WebWorker), the page (DOM, via svelte-check), Node
// (CLI, scripts), the tests and e2e — two at a time, and fails if any fails.
import { spawn } from 'node:child_process';

const CHECKS: [name: string, command: string, args: string[]][] = [
  ['engine', 'tsc', ['--noEmit', '-p', 'tsconfig.engine.json']],
  ['shared', 'tsc', ['--noEmit', '-p', 'tsconfig.shared.json']],
  ['worker', 'tsc', ['--noEmit', '-p', 'tsconfig.worker.json']],
  ['page', 'svelte-check', ['--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human']],
  ['node', 'tsc', ['--noEmit', '-p', 'tsconfig.node.json']],
  ['tests', 'tsc', ['--noEmit', '-p', 'tsconfig.tests.json']],
  ['e2e', 'tsc', ['--noEmit', '-p', 'tsconfig.e2e.json']],
];

function run([name, command, args]: (typeof CHECKS)[number]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['--no-install', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => {
      const ok = code === 0;
      process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}\n${ok ? '' : output}`);
      resolve(ok);
    });
  });
}

const queue = [...CHECKS];
const results: boolean[] = [];
await Promise.all(
  [0, 1].map(async () => {
    for (let check = queue.shift(); check; check = queue.shift()) results.push(await run(check));
  }),
);
process.exit(results.every(Boolean) ? 0 : 1);
