// Opening a lesson puts its setup on the page (keeping the storage the reader chose) and shows
// its first step; every way into a lesson goes through here.
import type { ScenarioState } from '../state/scenario.svelte.js';
import { LESSONS } from './index.js';

export function useLessonSetup(setup: ScenarioState, number: number): void {
  const lesson = LESSONS[number - 1]!;
  const storage = setup.scenario.storage;
  setup.edit(() => (storage ? { ...lesson.scenario, storage } : lesson.scenario));
}

export function openLesson(setup: ScenarioState, number: number): void {
  useLessonSetup(setup, number);
  setup.go({ view: 'lessons', lesson: number, step: 1 });
}

/** The lesson's number (from 1) for its slug. */
export function lessonNumber(slug: string): number {
  return LESSONS.findIndex((l) => l.slug === slug) + 1;
}
