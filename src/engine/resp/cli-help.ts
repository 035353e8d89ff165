// redis-cli's `help`, answered locally as redis-cli answers it (cliOutputHelp): the generic
// banner, a command or subcommand by its words, or every command of an @group.
import { CLI_HELP_TABLE } from './cli-help-table.js';
import { cString } from '../bytes.js';

const BANNER =
  'redis-cli 7.0.15\n' +
  'To get help about Redis commands type:\n' +
  '      "help @<group>" to get a list of commands in <group>\n' +
  '      "help <command>" for help on <command>\n' +
  '      "help <tab>" to get a list of possible help topics\n' +
  '      "quit" to exit\n' +
  '\n' +
  'To set redis-cli preferences:\n' +
  '      ":set hints" enable online hints\n' +
  '      ":set nohints" disable online hints\n' +
  'Set your preferences in ~/.redisclirc\n';

const ENTRIES = CLI_HELP_TABLE.map(([full, params, summary, since, group]) => ({ words: full.split(' '), full, params, summary, since, group }));

type Entry = (typeof ENTRIES)[number];

/** cliOutputCommandHelp, colours included. */
function commandHelp(entry: Entry, withGroup: boolean): string {
  let out = `\r\n  \x1b[1m${entry.full}\x1b[0m \x1b[90m${entry.params}\x1b[0m\r\n`;
  out += `  \x1b[33msummary:\x1b[0m ${entry.summary}\r\n`;
  if (entry.since !== null) out += `  \x1b[33msince:\x1b[0m ${entry.since}\r\n`;
  if (withGroup) out += `  \x1b[33mgroup:\x1b[0m ${entry.group}\r\n`;
  return out;
}

/** What `help ARGS…` prints (`args` without the word help). */
export function cliHelp(rawArgs: readonly string[]): string {
  if (rawArgs.length === 0) return BANNER;
  const args = rawArgs.map(cString);
  const group = args[0]!.startsWith('@') ? args[0]!.slice(1).toLowerCase() : null;
  let out = '';
  for (const entry of ENTRIES) {
    if (group !== null) {
      if (entry.group.toLowerCase() === group) out += commandHelp(entry, false);
    } else if (args.length <= entry.words.length && args.every((a, j) => a.toLowerCase() === entry.words[j]!.toLowerCase())) {
      out += commandHelp(entry, true);
    }
  }
  return `${out}\r\n`;
}
