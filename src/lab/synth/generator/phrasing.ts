/**
 * Sentence templates. A slot is one kind of sentence; it has training frames and held-out
 * frames (used only by the out-of-distribution split). Frames use `{var}` placeholders and
 * `{a|b|c}` inline alternatives (synonyms), which every split draws from, so held-out frames are
 * new arrangements of known words, not new vocabulary.
 */
import type { Rng } from './rng';

export interface Slot {
  id: string;
  train: string[];
  ood: string[];
  /** Training frames added in generator version 2 (version 1 draws from `train` only). */
  more: string[];
}

const SLOTS: Slot[] = [];

export function slot(id: string, train: string[], ood: string[] = [], more: string[] = []): Slot {
  const s = { id, train, ood, more };
  SLOTS.push(s);
  return s;
}

/** Every slot defined so far (the families define theirs when loaded); for data checks. */
export const definedSlots = (): readonly Slot[] => SLOTS;

export type Vars = Record<string, string | number>;

/** Fills `{var}` and `{a|b}` placeholders; the first letter of the sentence is capitalised. */
export function render(frame: string, vars: Vars, rng: Rng): string {
  // innermost placeholders first, so alternatives may contain variables: {a|b {name}}
  let out = frame;
  for (let guard = 0; out.includes('{') && guard < 5; guard++) {
    out = out.replace(/\{([^{}]*)\}/g, (_m, body: string) => {
      if (body.includes('|')) return rng.pick(body.split('|'));
      if (body.startsWith('^')) {
        const v = lookup(body.slice(1), vars);
        return v.charAt(0).toUpperCase() + v.slice(1);
      }
      return lookup(body, vars);
    });
  }
  return out.charAt(0).toUpperCase() + out.slice(1);
}

function lookup(key: string, vars: Vars): string {
  const v = vars[key];
  if (v === undefined) throw new Error(`template variable {${key}} missing`);
  return String(v);
}
