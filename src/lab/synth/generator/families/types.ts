import type { Builder } from '../builder';
import type { Ex } from '../expr';

/** One problem structure: builds the question sentences and the gold steps; returns the result. */
export interface Variant {
  id: string;
  /** Held-out structure: only in the out-of-distribution split. */
  ood?: boolean;
  /**
   * Generator version that added this (training) structure; default 1. Version 2 added new
   * compositions of each family's known pieces, so the policy learns pieces, not whole templates.
   */
  since?: number;
  /** Version 3: draws its numbers with `Builder.num`, so the OOD split can use held-out ranges. */
  wideNumbers?: boolean;
  build(b: Builder): Ex;
}

export interface Family {
  name: string;
  variants: Variant[];
}
