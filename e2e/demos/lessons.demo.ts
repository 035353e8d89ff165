// `npm run demo`: the lessons, played as a reader plays them — every step by its button — each
// recorded as a WebM video, with screenshots of every step and of each lesson's last step at
// 1280 and 390 px, in demo-output/.
import { expect, test, type Page } from '@playwright/test';
import { LESSONS } from '../../src/ui/lessons/index.js';
import { recordTour } from './screencast.js';

async function playStep(page: Page, action: string): Promise<void> {
  await page.getByRole('button', { name: action, exact: true }).click();
  await expect(page.getByTestId('lesson-result')).toBeVisible({ timeout: 240_000 });
}

LESSONS.forEach((lesson, index) => {
  const number = index + 1;
  test(`lesson ${number}: ${lesson.title}`, async ({ page }) => {
    await page.goto(`/?db=demo-lesson-${number}#view=lessons&lesson=${number}`);
    await expect(page.getByRole('status', { name: 'Engine' })).toHaveText('Engine running', { timeout: 30_000 });
    const recorded = await recordTour(page, `demo-output/lesson-${number}.webm`, async () => {
      await page.getByRole('navigation', { name: 'Lessons' }).getByRole('link', { name: lesson.title }).click();
      for (const [i, step] of lesson.steps.entries()) {
        await playStep(page, step.action);
        await page.screenshot({ path: `demo-output/lesson-${number}-step-${i + 1}.png`, fullPage: true });
        if (i < lesson.steps.length - 1) await page.getByRole('button', { name: 'Next step' }).click();
      }
    });
    expect(recorded, 'this Chromium encodes WebM with MediaRecorder').toBe(true);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `demo-output/lesson-${number}-last-step-${width}.png`, fullPage: true });
    }
  });
});
