// Scenarios in URLs: `#s=<base64url JSON>`, versioned and validated. A bad or hostile URL gives
// a clear message and the default scenario, never an exception.
import { DEFAULT_SCENARIO, type Scenario, validateScenario } from './scenario.js';

/** Longer fragments are refused before decoding. */
export const MAX_ENCODED_LENGTH = 8192;

export function encodeScenario(scenario: Scenario): string {
  const json = JSON.stringify(scenario);
  const bytes = new TextEncoder().encode(json);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export type Decoded = { scenario: Scenario; problem: null } | { scenario: Scenario; problem: string };

export function decodeScenario(encoded: string): Decoded {
  const fallback = (problem: string): Decoded => ({ scenario: DEFAULT_SCENARIO, problem: `${problem}; the default scenario is loaded instead` });
  if (encoded.length > MAX_ENCODED_LENGTH) return fallback(`The scenario in the link is too long (${encoded.length} characters, at most ${MAX_ENCODED_LENGTH})`);
  if (!/^[A-Za-z0-9_-]*$/.test(encoded)) return fallback('The scenario in the link is not valid base64url');
  let json: unknown;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return fallback('The scenario in the link cannot be decoded');
  }
  const result = validateScenario(json);
  if (!result.ok) return fallback(`The scenario in the link is not valid: ${result.errors.slice(0, 3).join('; ')}`);
  return { scenario: result.scenario, problem: null };
}

/** The scenario in a location hash (`#s=…`), or the default when there is none. */
export function scenarioFromHash(hash: string): Decoded {
  const match = /(?:^#|&)s=([^&]*)/.exec(hash);
  return match ? decodeScenario(match[1]!) : { scenario: DEFAULT_SCENARIO, problem: null };
}
