// A scenario from a link runs in the browser on real OPFS / IndexedDB and gives the same report
// as the same scenario run in Node on the in-memory disk, apart from the measured recovery time.
import { expect, test } from '@playwright/test';
import { chooseStorage, goTo, openLab } from './support/lab.js';
import { rdbCodec } from '../src/engine/persistence/rdb-codec.js';
import { PRESETS, type PresetId } from '../src/scenario/presets.js';
import { DEFAULT_SCENARIO, type Scenario } from '../src/scenario/scenario.js';
import { encodeScenario } from '../src/scenario/url.js';
import { runScenario } from '../src/sim/run-scenario.js';
import { MemoryStore } from '../src/storage/memory-store.js';

const scenario: Scenario = {
  ...DEFAULT_SCENARIO,
  preset: 'hybrid',
  durationMs: 8_000,
  seed: 42,
  events: [{ at: 2_000, kind: 'bgsave' }, { at: 4_000, kind: 'bgrewriteaof' }, { at: 7_300, kind: 'crash', crash: 'torn' }],
};

for (const storage of ['OPFS (file system)', 'IndexedDB'] as const) {
  test(`a scenario link replays on ${storage} exactly as in Node`, async ({ page }) => {
    const { recoveryMs: _nodeMs, ...expected } = await runScenario(scenario, { backend: new MemoryStore(), rdb: rdbCodec });
    await openLab(page, `scenario-${storage.slice(0, 4)}`, `#s=${encodeScenario(scenario)}`);
    await chooseStorage(page, storage);
    await goTo(page, 'Scenario');
    await page.getByRole('button', { name: 'Run scenario' }).click();
    await expect(page.getByTestId('scenario-verdict')).toBeVisible({ timeout: 60_000 });
    await page.getByText('Full report').click();
    const { recoveryMs: _browserMs, ...actual } = JSON.parse((await page.getByTestId('scenario-report').textContent())!);
    expect(actual).toEqual(expected);
    expect(actual.lostWrites).toBeGreaterThan(0);
    expect(actual.promiseHeld).toBe(true);
    await expect(page.getByTestId('scenario-why')).toHaveText(`Why: ${expected.explanation}`);
    const lostKeys = page.getByTestId('lost-keys').locator('li');
    await expect(lostKeys).toHaveCount(Math.min(100, expected.lostKeys.length));
    await page.getByLabel('Filter lost keys').fill('counter:');
    for (const key of await lostKeys.allTextContents()) expect(key.startsWith('counter:')).toBe(true);
  });
}

test('a hostile scenario link loads the default scenario and says why', async ({ page }) => {
  await page.goto(`/#s=${Buffer.from(JSON.stringify({ version: 1, preset: 'format-c', workload: { rate: 1e9 } })).toString('base64url')}`);
  await expect(page.getByRole('alert').filter({ hasText: 'scenario in the link is not valid' })).toContainText('the default scenario is loaded instead');
  await goTo(page, 'Scenario');
  await expect(page.getByRole('button', { name: 'Run scenario' })).toBeEnabled();
});

test('a scenario at real-time speed shows its progress and can be cancelled', async ({ page }) => {
  await openLab(page, 'scenario-cancel', `#view=scenario&s=${encodeScenario({ ...scenario, durationMs: 60_000, events: [] })}`);
  await page.getByLabel('Scenario speed').selectOption({ label: 'Real time' });
  await page.getByRole('button', { name: 'Run scenario' }).click();
  const progress = page.getByRole('progressbar', { name: 'Scenario progress' });
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('value'))).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Cancel scenario' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'cancelled' })).toHaveText('The scenario run was cancelled.');
  await expect(page.getByRole('button', { name: 'Run scenario' })).toBeEnabled();
});

test('Compare runs all seven policies on the same scenario, with progress, and measures what each costs and keeps', async ({ page }) => {
  const compared: Scenario = { ...scenario, durationMs: 6_000, events: [{ at: 5_500, kind: 'crash', crash: 'power' }] };
  await openLab(page, 'compare', `#s=${encodeScenario(compared)}`);
  await goTo(page, 'Compare');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Policies compared so far' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Comparison' });
  await expect(table).toBeVisible({ timeout: 60_000 });
  const row = (name: string) => table.getByRole('row', { name: new RegExp(`^${name}`) }).getByRole('cell');
  await expect(table.getByRole('columnheader')).toHaveText(['Policy', ...PRESETS.map((p) => p.label)]);
  const column = (id: PresetId) => PRESETS.findIndex((p) => p.id === id);
  const lost = (await row('Writes lost').allTextContents()).map((t) => t.match(/^([\d,]+) of ([\d,]+)$/)!.slice(1).map((n) => Number(n.replace(/,/g, ''))));
  // always loses nothing; everysec what came after its last fsync (the crash is half a second
  // after one); with nothing persisted yet, none and the snapshot policies lose everything.
  expect(lost[column('aof-always')]![0]).toBe(0);
  expect(lost[column('aof-everysec')]![0]).toBeGreaterThan(0);
  expect(lost[column('aof-everysec')]![0]).toBeLessThan(lost[column('aof-everysec')]![1]! / 2);
  for (const id of ['none', 'rdb-1h', 'rdb-6h', 'rdb-12h'] as const) expect(lost[column(id)]![0]).toBe(lost[column(id)]![1]);
  const fsyncs = (await row('fsyncs').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  expect(fsyncs[column('aof-always')]).toBeGreaterThan(fsyncs[column('aof-everysec')]! * 10);
  expect(fsyncs[column('none')]).toBe(0);
  // always waits for its fsync before it answers: its acknowledgements are slower.
  const latency = (await row('Ack latency').allTextContents()).map((t) => t.split(' / ').map((v) => Number(v.replace(/ ms$/, '').replace(/,/g, ''))));
  expect(latency[column('aof-always')]![1]).toBeGreaterThan(latency[column('aof-everysec')]![1]!);
  await expect(row('Promise held')).toHaveText(PRESETS.map(() => 'yes'));
});

test('a Compare can be cancelled while it runs', async ({ page }) => {
  await openLab(page, 'compare-cancel', `#view=compare&s=${encodeScenario({ ...scenario, durationMs: 600_000, events: [] })}`);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Comparison progress' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel comparison' }).click();
  await expect(page.getByRole('button', { name: 'Compare', exact: true })).toBeEnabled();
  await expect(page.getByRole('table', { name: 'Comparison' })).toHaveCount(0);
});

test('the crash explorer draws the loss curve of the scenario', async ({ page }) => {
  // Fifteen runs on real OPFS, each writing and reverting its files: minutes under a busy CPU.
  test.setTimeout(240_000);
  const explored: Scenario = { ...scenario, preset: 'aof-everysec', durationMs: 4_000, events: [] };
  await openLab(page, 'explorer', `#s=${encodeScenario(explored)}`);
  await goTo(page, 'Explore');
  await page.getByLabel('Crash instants').selectOption('5');
  await page.getByRole('button', { name: 'Explore crashes' }).click();
  await expect(page.getByTestId('explorer-summary')).toHaveText(/^15 crashes recovered; at worst [\d,]+ acknowledged writes lost;\s+the promise held every time\.$/, { timeout: 220_000 });
  await expect(page.getByRole('img', { name: 'Writes lost against the crash instant, for each kind of crash' })).toBeVisible();
  // Each point opens that crash's recovery.
  const point = page.getByRole('button', { name: /^power crash at [\d.]+ s: \d+ writes lost$/ }).nth(2);
  const instant = (await point.getAttribute('aria-label'))!.match(/at ([\d.]+) s/)![1]!;
  await point.click();
  await expect(page.getByTestId('explorer-opened')).toContainText(`power crash at ${instant} s:`);
  await expect(page.getByTestId('explorer-opened')).toContainText('The run ended with a power loss, ');
});

test('a scenario with a replica fails over to its memory and says so', async ({ page }) => {
  const withReplica: Scenario = { ...scenario, preset: 'none', durationMs: 5_000, events: [{ at: 4_900, kind: 'crash', crash: 'power' }], replica: { linkDelayMs: 150 } };
  await openLab(page, 'scenario-replica', `#s=${encodeScenario(withReplica)}`);
  await expect(page.getByTestId('scenario-summary')).toContainText('a replica 150 ms behind takes over');
  await goTo(page, 'Scenario');
  await page.getByRole('button', { name: 'Run scenario' }).click();
  await expect(page.getByTestId('scenario-verdict')).toContainText('were still on the way to the replica (link delay 150 ms) and were lost', { timeout: 60_000 });
  await page.getByText('Full report').click();
  expect(JSON.parse((await page.getByTestId('scenario-report').textContent())!)).toMatchObject({ recoveredFrom: 'replica', policy: 'none+replica', promiseHeld: true });
});

test('what-ifs: the same run branched at another instant and under another policy', async ({ page }) => {
  const run: Scenario = { ...scenario, preset: 'aof-everysec', durationMs: 6_000, events: [{ at: 5_500, kind: 'crash', crash: 'power' }] };
  await openLab(page, 'whatif', `#view=explore&s=${encodeScenario(run)}`);
  await expect(page.getByTestId('crash-instant')).toHaveText('5.5 s');
  await page.getByRole('button', { name: 'Branch here' }).click();
  const branches = page.getByRole('table', { name: 'Branches' });
  await expect(branches.getByRole('row')).toHaveCount(2, { timeout: 60_000 });
  await page.getByLabel('Branch policy').selectOption({ label: 'AOF every write' });
  await page.getByRole('button', { name: 'Branch here' }).click();
  await expect(branches.getByRole('row')).toHaveCount(3, { timeout: 60_000 });
  await page.getByLabel('Crash instant', { exact: true }).fill('3000');
  await page.getByLabel('Crash kind').selectOption('process');
  await page.getByRole('button', { name: 'Branch here' }).click();
  await expect(branches.getByRole('row')).toHaveCount(4, { timeout: 60_000 });
  await expect(branches.getByRole('row').nth(1)).toContainText('AOF every 1 second, power at 5.50 s');
  await expect(branches.getByRole('row').nth(2)).toContainText('AOF every write, power at 5.50 s');
  await expect(branches.getByRole('row').nth(3)).toContainText('AOF every write, process at 3.00 s');
  await expect(branches.getByRole('row').nth(2).getByRole('cell').nth(2)).toHaveText('0');
});

test('the time scrubber seeks back and forth through the recorded run, and a branch starts from the instant shown', async ({ page }) => {
  const run: Scenario = { ...scenario, preset: 'aof-everysec', durationMs: 6_000, events: [] };
  await openLab(page, 'scrubber', `#view=explore&s=${encodeScenario(run)}`);
  await page.getByRole('button', { name: 'Record the run' }).click();
  const state = page.getByTestId('state-at-instant');
  await expect(state).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('img', { name: "The run's history: file sizes and bytes at risk over time" })).toBeVisible();
  const ackedAt = async (ms: number) => {
    await page.getByLabel('Crash instant', { exact: true }).fill(String(ms));
    await expect(state).toContainText(/^At \d\.\d\d s: [\d,]+ writes acknowledged/);
    return Number((await state.textContent())!.match(/: ([\d,]+) writes/)![1]!.replace(/,/g, ''));
  };
  const early = await ackedAt(1000);
  const late = await ackedAt(5000);
  expect(late).toBeGreaterThan(early);
  expect(await ackedAt(1000)).toBe(early);
  await expect(state).toContainText(/AOF [\d.]+ (B|KiB)/);

  // The same policy crashed at the instant shown: the branch acknowledged what the history says.
  const middle = await ackedAt(3000);
  await page.getByRole('button', { name: 'Branch here' }).click();
  const branch = page.getByRole('table', { name: 'Branches' }).getByRole('row').nth(1);
  await expect(branch).toContainText(/AOF every 1 second, power at 2\.9\d s|AOF every 1 second, power at 3\.00 s/, { timeout: 60_000 });
  await expect(branch.getByRole('cell').nth(1)).toHaveText(middle.toLocaleString('en-US'));

  // A click on the chart seeks too.
  const chart = page.getByRole('img', { name: "The run's history: file sizes and bytes at risk over time" });
  const box = (await chart.boundingBox())!;
  await chart.click({ position: { x: box.width - 12, y: box.height / 2 } });
  await expect(page.getByTestId('crash-instant')).toHaveText(/^[56]\.\d s$/);
  await page.getByRole('region', { name: 'Time and what-ifs' }).screenshot({ path: 'test-results/scrubber.png' });
});
