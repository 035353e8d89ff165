// The README's table of what each policy promises is the table the lab judges with
// (src/scenario/promises.ts), row for row: a changed promise that the README does not follow fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMISES, type LossBound } from '../../src/scenario/promises.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

function bound(b: LossBound): string {
  if (b.kind === 'nothing') return 'nothing';
  if (b.kind === 'since-snapshot') return 'every write since the last completed snapshot';
  return `the last ${b.ms.toLocaleString('en-US')} ms of writes (${b.because})`;
}

describe("the README's promises table", () => {
  for (const promise of Object.values(PROMISES)) {
    it(`has ${promise.policy} as the lab judges it`, () => {
      expect(README).toContain(`| \`${promise.policy}\` | ${promise.text} | ${bound(promise.processCrash)} | ${bound(promise.powerLoss)} |`);
    });
  }
});
