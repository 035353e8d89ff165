// The exported redis.conf: the scenario's directives (its preset's, then its own) as the lab runs
// them, each with a comment on what it means for acknowledged writes. What a policy promises is
// read from the one table in scenario/promises.ts, never restated here.
import { PROMISES, policyLabel, policyOf, settingsOfConfigText, type LossBound, type PolicySettings } from '../scenario/promises.js';
import { scenarioConfigText, type Scenario } from '../scenario/scenario.js';

const count = (n: number) => n.toLocaleString('en-US');

export function lossText(bound: LossBound): string {
  switch (bound.kind) {
    case 'nothing':
      return 'no acknowledged write';
    case 'window':
      return `at most the writes acknowledged in the last ${count(bound.ms)} ms (${bound.because})`;
    case 'since-snapshot':
      return 'every write since the last completed snapshot';
  }
}

/** `3600 1 300 100` → "after 3,600 s if at least 1 write changed the data, after 300 s if at least 100". */
export function savePointsText(save: string): string {
  const numbers = save.trim().split(/\s+/).map(Number);
  const points: string[] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) {
    const [seconds, changes] = [numbers[i]!, numbers[i + 1]!];
    points.push(points.length === 0 ? `after ${count(seconds)} s if at least ${count(changes)} ${changes === 1 ? 'write' : 'writes'} changed the data` : `after ${count(seconds)} s if at least ${count(changes)}`);
  }
  return points.join(', ');
}

/** The policy a configuration amounts to, its promise and what each kind of crash may take, as comment lines. */
export function policyComment(settings: PolicySettings): string[] {
  const promise = PROMISES[policyOf(settings)];
  return [`# The policy: ${policyLabel(settings)}. ${promise.text}`, `#   A process crash loses ${lossText(promise.processCrash)}.`, `#   A power loss loses ${lossText(promise.powerLoss)}.`];
}

/** What one directive does for acknowledged writes, given the configuration it ends up in. */
function noteFor(name: string, settings: PolicySettings): string {
  const snapshots = settings.save.trim() !== '';
  switch (name) {
    case 'appendonly':
      return settings.appendonly
        ? '# The append-only file is on: every write is appended to it before its reply leaves.'
        : `# No append-only file: a restart loads the last snapshot, if any. ${PROMISES[snapshots ? 'rdb' : 'none'].text}`;
    case 'appendfsync':
      return settings.appendonly ? `# When the AOF reaches the disk (fsync). ${PROMISES[policyOf(settings)].text}` : '# Used only when appendonly is yes.';
    case 'save':
      if (!snapshots) return settings.appendonly ? '# No snapshots on a timer; the AOF alone holds the data.' : `# No snapshots on a timer. ${PROMISES.none.text}`;
      return settings.appendonly
        ? `# Snapshots beside the AOF (backups, replicas): ${savePointsText(settings.save)}. A restart reads the AOF, not the snapshot.`
        : `# A snapshot (a background save) ${savePointsText(settings.save)}. ${PROMISES.rdb.text}`;
    case 'aof-use-rdb-preamble':
      return '# A rewrite starts the AOF with an RDB image: faster restarts, the same promise.';
    default:
      return '# Set by the scenario.';
  }
}

const POLICY_DIRECTIVES = ['appendonly', 'appendfsync', 'save'] as const;

/** The redis.conf text of the scenario's configuration, commented line by line. */
export function redisConf(scenario: Scenario): string {
  const text = scenarioConfigText(scenario);
  const settings = settingsOfConfigText(text);
  const out = [
    '# redis.conf exported by Persistence Lab for the scenario in scenario.json: the lab runs with',
    '# exactly these directives. Start redis-server 7.0 with it in an empty directory (README.md):',
    '#   redis-server ./redis.conf --dir ./data --port 6379',
    '#',
    ...policyComment(settings),
  ];
  const changes = scenario.events.filter((e) => e.kind === 'config');
  if (changes.length > 0) {
    let changed = text;
    for (const event of changes) {
      changed += `\n${event.directive}`;
      out.push(`# At ${(event.at / 1000).toFixed(2)} s the workload runs CONFIG SET ${event.directive} (then CONFIG REWRITE, so a restart keeps it).`);
    }
    out.push('# From then on:', ...policyComment(settingsOfConfigText(changed)).map((line) => line.replace(/^# /, '#   ')));
  }
  const stated = new Set<string>();
  for (const line of text.split('\n')) {
    const name = /^\s*([A-Za-z-]+)\s/.exec(line)?.[1]?.toLowerCase();
    if (name === undefined) {
      out.push(line);
      continue;
    }
    stated.add(name);
    out.push('', noteFor(name, settings), line);
  }
  const missing = POLICY_DIRECTIVES.filter((name) => !stated.has(name));
  if (missing.length > 0) {
    out.push('', "# Redis's defaults, stated so the policy can be read here:");
    for (const name of missing) {
      const value = name === 'appendonly' ? (settings.appendonly ? 'yes' : 'no') : name === 'save' ? `"${settings.save}"` : settings.appendfsync;
      out.push(noteFor(name, settings), `${name} ${value}`);
    }
  }
  return `${out.join('\n')}\n`;
}
