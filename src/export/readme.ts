// The README of an export: what the files are, what the lab predicts, and the steps to run the
// scenario on a real redis-server — start it, replay the workload, pull the plug (a process kill,
// or a power loss on a fault-injecting file system), restart, compare.
import { presetById } from '../scenario/presets.js';
import { settingsOfConfigText } from '../scenario/promises.js';
import { crashOf, DEFAULT_CLIENTS, DEFAULT_PIPELINE, endOf, scenarioConfigText, type Scenario } from '../scenario/scenario.js';
import { policyComment } from './redis-conf.js';

const seconds = (ms: number) => `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} s`;

function timeline(scenario: Scenario): string[] {
  const lines = scenario.events
    .filter((e) => e.kind !== 'crash' && e.at <= endOf(scenario))
    .map((e) => (e.kind === 'config' ? `- at ${seconds(e.at)}: \`CONFIG SET ${e.directive}\`, then \`CONFIG REWRITE\` (redis.conf is rewritten so a restart keeps it)` : `- at ${seconds(e.at)}: \`${e.kind.toUpperCase()}\``));
  return lines.length > 0 ? ['The workload also sends, on a connection of its own:', '', ...lines, ''] : [];
}

export function exportReadme(scenario: Scenario): string {
  const w = scenario.workload;
  const crash = crashOf(scenario);
  const at = endOf(scenario);
  const label = scenario.preset === 'custom' ? 'a custom configuration' : presetById(scenario.preset)!.label;
  const policy = policyComment(settingsOfConfigText(scenarioConfigText(scenario))).map((line) => line.replace(/^#\s*/, ''));
  return [
    `# Scenario export: ${label}, ${w.rate.toLocaleString('en-US')} writes/s, ${crash ? `a crash at ${seconds(at)}` : `${seconds(at)} of writes`}`,
    '',
    'Exported from Persistence Lab. These files run the lab\'s scenario against a real `redis-server` (7.0), so you',
    'can see whether your server does what the lab predicts.',
    '',
    '| file | what it is |',
    '|---|---|',
    '| `redis.conf` | the configuration the lab runs with, each line commented with what it means for acknowledged writes |',
    '| `scenario.json` | the scenario itself (the lab, its CLI and the workload read it) |',
    `| \`workload.mjs\` | the scenario's seeded workload on the wall clock: ${w.rate.toLocaleString('en-US')} writes/s on ${w.clients ?? DEFAULT_CLIENTS} connections, each sending up to ${w.pipeline ?? DEFAULT_PIPELINE} before it waits for replies, for ${seconds(at)} (seed ${scenario.seed}); it records every acknowledgement in \`acks.ndjson\` and the order the server ran the writes (its \`MONITOR\` stream) in \`monitor.log\`. Node 18 or later, no packages |`,
    '',
    '## What the lab predicts',
    '',
    ...policy.map((line) => `${line}`),
    '',
    "The lab's full report for a process crash at the same instant: `npm run cli -- scenario scenario.json --crash process`",
    'in the Persistence Lab repository.',
    '',
    '## 1. Start redis-server',
    '',
    '```sh',
    'mkdir -p data',
    'redis-server ./redis.conf --dir ./data --port 6379 & echo $! > redis.pid',
    '```',
    '',
    ...(scenario.replica
      ? [
          `The scenario has a replica ${scenario.replica.linkDelayMs.toLocaleString('en-US')} ms behind the primary${scenario.replica.lost ? ', lost in the crash too' : ' that takes over at the crash'}. Start it beside the primary, in memory only:`,
          '',
          '```sh',
          'redis-server --port 6380 --replicaof 127.0.0.1 6379 --save "" --appendonly no & echo $! > replica.pid',
          '```',
          '',
          `To give the link its delay on Linux: \`sudo tc qdisc add dev lo root netem delay ${scenario.replica.linkDelayMs}ms\` (every loopback packet; remove it with \`sudo tc qdisc del dev lo root\`). \`verify-real\` puts a delaying proxy between the two instead.`,
          '',
        ]
      : []),
    '## 2. Replay the workload and pull the plug',
    '',
    '```sh',
    `node workload.mjs --port 6379 --kill-pid $(cat redis.pid)${scenario.replica?.lost ? ' --kill-pid $(cat replica.pid)' : ''}`,
    '```',
    '',
    `At ${seconds(at)} it sends \`SIGKILL\` to redis-server: a **process crash**. The kernel keeps every byte redis had written, so`,
    'what is lost is what redis had not yet handed to it. Without `--kill-pid` the workload just stops at that instant and you',
    'can kill the server yourself; `--shutdown` stops it cleanly instead (`SHUTDOWN`, which saves as configured).',
    "Start it right after step 1: a `save` point's seconds count from the server's start (or its last save), and the lab",
    'starts the server and the workload together.',
    '',
    ...timeline(scenario),
    'A **power loss** also takes what the kernel had not written to the disk. A process kill cannot show that; a file system',
    'that drops unsynced data on command can. With [LazyFS](https://github.com/dsrhaslab/lazyfs) mounted (its FIFO is',
    '`fifo_path` in its config), start redis-server with `--dir` on the mount and let the workload do both at the instant:',
    '',
    '```sh',
    'node workload.mjs --port 6379 --crash-command "kill -9 $(cat redis.pid); echo lazyfs::clear-cache > /tmp/faults.fifo"',
    '```',
    '',
    'Without LazyFS, cutting the power (or resetting the virtual machine) of a test machine does it for real.',
    '',
    '## 3. Restart and look',
    '',
    '```sh',
    'redis-server ./redis.conf --dir ./data --port 6379 & echo $! > redis.pid',
    'redis-cli -p 6379 DBSIZE',
    'tail -n 1 acks.ndjson   # how many writes were acknowledged, and which were still unanswered at the crash',
    '```',
    '',
    'Every written value is unique (`v<seq>` in `acks.ndjson`), so the data shows which acknowledged writes came back.',
    '',
    '## 4. Let the lab compare',
    '',
    'In the Persistence Lab repository, on a machine with `redis-server` installed,',
    '',
    '```sh',
    'npm run --silent cli -- verify-real scenario.json',
    '```',
    '',
    'does steps 1 to 3 on a loopback port in a temporary directory — the same `redis.conf`, the same `workload.mjs` —',
    "and prints the lab's prediction beside what the real server recovered, with `agrees` or how they differ.",
    '',
  ].join('\n');
}
