import type { Builder } from '../builder';
import type { Ex } from '../expr';

/** One problem structure: builds the question sentences and the gold steps; returns the result. */
export interface Variant {
  id: string;
  /** Held-out structure: only in the out-of-distribution split. */
  ood?: boolean;
  build(b: Builder): Ex;
}

export interface Family {
  name: string;
  variants: Variant[];
}
