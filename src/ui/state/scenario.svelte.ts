// The page's state is a scenario: every control edits this one object, the address bar mirrors
// it as the person edits (so Copy link shares what is on screen), and opening a link — or
// editing its #s= in place — restores the whole setup. A link that does not decode or validate
// loads the default scenario and says why.
import { DEFAULT_SCENARIO, validateScenario, type Scenario } from '../../scenario/scenario.js';
import { encodeScenario, scenarioFromHash } from '../../scenario/url.js';

/** What else the address carries besides the scenario: the view, and a lesson's step. */
export interface Route {
  view: string;
  lesson: number | null;
  step: number | null;
}

export function routeFromHash(hash: string): Route {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const number = (name: string) => {
    const value = Number(params.get(name));
    return params.has(name) && Number.isInteger(value) && value > 0 ? value : null;
  };
  return { view: params.get('view') ?? '', lesson: number('lesson'), step: number('step') };
}

export function hashFor(scenario: Scenario, route: Route): string {
  const params = new URLSearchParams();
  if (route.view) params.set('view', route.view);
  if (route.lesson !== null) params.set('lesson', String(route.lesson));
  if (route.step !== null) params.set('step', String(route.step));
  // The scenario last and raw: base64url needs no escaping.
  return `#${[params.toString(), `s=${encodeScenario(scenario)}`].filter(Boolean).join('&')}`;
}

export class ScenarioState {
  scenario = $state.raw<Scenario>(DEFAULT_SCENARIO);
  route = $state.raw<Route>({ view: '', lesson: null, step: null });
  /** Why the link's scenario was not loaded, if it was not. */
  problem = $state<string | null>(null);
  /** Called after the scenario changed (by an edit or a new link), with the one before. */
  private listeners: ((now: Scenario, before: Scenario) => void)[] = [];

  constructor(private readonly location: Pick<Location, 'hash' | 'href'> = window.location) {
    this.read();
  }

  /** Reads the address: on load, and when the person edits or pastes a link in place. */
  read(): void {
    const before = this.scenario;
    const decoded = scenarioFromHash(this.location.hash);
    this.problem = decoded.problem;
    this.scenario = decoded.scenario;
    this.route = routeFromHash(this.location.hash);
    if (JSON.stringify(before) !== JSON.stringify(this.scenario)) for (const listener of this.listeners) listener(this.scenario, before);
  }

  onChange(listener: (now: Scenario, before: Scenario) => void): () => void {
    this.listeners.push(listener);
    return () => void (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  /**
   * An edit: the new scenario if it is valid (the address follows at once), else the errors,
   * each naming its field, for the editor to show next to it.
   */
  edit(change: (scenario: Scenario) => unknown): { ok: true } | { ok: false; errors: string[] } {
    const draft = structuredClone(this.scenario) as Scenario;
    const result = validateScenario(change(draft) ?? draft);
    if (!result.ok) return result;
    const before = this.scenario;
    this.scenario = result.scenario;
    this.problem = null;
    this.write();
    for (const listener of this.listeners) listener(this.scenario, before);
    return { ok: true };
  }

  /** Another view or lesson step: a new entry in the history, so Back returns. */
  go(route: Partial<Route>): void {
    this.route = { ...this.route, ...route };
    history.pushState(null, '', hashFor(this.scenario, this.route));
  }

  /** The link that opens this setup for anyone. */
  link(): string {
    return `${this.location.href.replace(/#.*$/, '')}${hashFor(this.scenario, this.route)}`;
  }

  private write(): void {
    history.replaceState(null, '', hashFor(this.scenario, this.route));
  }
}
