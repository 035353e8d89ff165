// Command-line parsing shared by the CLI's commands: a bad command line is a UsageError (usage
// printed, exit code 2), whichever command found it.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** A command's options and its one operand (`what` names it in the error when it is missing). */
export function parseWithOperand<O extends Options>(command: string, args: string[], options: O, what: string) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [operand, extra] = parsed.positionals;
  if (operand === undefined) throw new UsageError(`'${command}' needs a ${what}`);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  return { values: parsed.values, operand };
}

/** An integer option in [min, max], or undefined when not given. */
export function intOption(name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return Number(value);
}
