// Opening a lesson puts its setup on the page (keeping the storage the reader chose) and shows
// its first step; every way into a lesson goes through here.
import { DEFAULT_SCENARIO, type Scenario } from '../../scenario/scenario.js';
import type { ScenarioState } from '../state/scenario.svelte.js';
import { LESSONS } from './index.js';

/** The same setup, whichever storage the reader chose: the lessons keep the reader's. */
export function sameSetup(a: Scenario, b: Scenario): boolean {
  const comparable = (s: Scenario) => JSON.stringify({ ...s, storage: undefined });
  return comparable(a) === comparable(b);
}

export function useLessonSetup(setup: ScenarioState, number: number): void {
  const lesson = LESSONS[number - 1]!;
  const storage = setup.scenario.storage;
  setup.edit(() => (storage ? { ...lesson.scenario, storage } : lesson.scenario));
}

export function openLesson(setup: ScenarioState, number: number): void {
  useLessonSetup(setup, number);
  setup.go({ view: 'lessons', lesson: number, step: 1 });
}

/**
 * The Lessons tab. A newcomer's page still has the default setup, which is no lesson's: the tab
 * opens lesson 1 with its own, as "Take the lessons" does. A setup the reader made or followed a
 * link to is kept (the lesson then says it plays that one).
 */
export function openLessonsTab(setup: ScenarioState): void {
  if (setup.route.lesson === null && sameSetup(setup.scenario, DEFAULT_SCENARIO)) openLesson(setup, 1);
  else setup.go({ view: 'lessons' });
}

/** The lesson's number (from 1) for its slug. */
export function lessonNumber(slug: string): number {
  return LESSONS.findIndex((l) => l.slug === slug) + 1;
}
