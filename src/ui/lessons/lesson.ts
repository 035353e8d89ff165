// What a lesson is: a scenario (a link like any other) and a few steps. Each step says one thing,
// drives the real lab to show it, and ends with what it measured in this run — never a number
// written in advance. Steps read the page's scenario when they play, so a reader who changed a
// setting and plays again sees the changed run.
import type { PresetId } from '../../scenario/presets.js';
import type { Scenario } from '../../scenario/scenario.js';
import type { BackendChoice, CallOptions, LabClient, RunReport } from '../../worker/protocol.js';

/** What a step may do to the lab: the page's LabSession, as far as lessons use it. */
export interface LessonLab {
  readonly api: LabClient;
  readonly backend: BackendChoice;
  /** The last crash or disaster and what came back (null before any). */
  readonly lastCrash: { keysBefore: number; keysAfter: number; replayMs: number } | null;
  /** A console command, once the changes made before it have been applied. */
  execute(line: string): ReturnType<LabClient['live']['execute']>;
  startWorkload(): Promise<void>;
  crash(kind: 'process' | 'power' | 'torn'): Promise<void>;
  disaster(): Promise<void>;
}

export interface StepContext {
  lab: LessonLab;
  /** The page's scenario when the step was played. */
  scenario: Scenario;
  /** Cancel and progress for the worker calls the step makes. */
  call: CallOptions;
}

export interface Measurement {
  label: string;
  /** With its unit. */
  value: string;
}

export interface StepResult {
  measured: Measurement[];
  /** The step's claim, and whether this run bore it out. */
  verdict?: { claim: string; held: boolean };
  /** Policies run side by side, for the comparison table. */
  comparison?: { preset: PresetId; report: RunReport }[];
}

export interface LessonStep {
  title: string;
  /** Two or three sentences; no number that was not measured. */
  says: string;
  /** The label of the button that plays the step. */
  action: string;
  /** Where the reader can keep looking at what the step showed. */
  see?: { view: string; label: string };
  play(context: StepContext): Promise<StepResult>;
}

export interface Lesson {
  slug: string;
  title: string;
  /** The question the lesson answers. */
  question: string;
  /** The setup the lesson starts from; opening the lesson puts it on the page. */
  scenario: Scenario;
  steps: readonly LessonStep[];
}
