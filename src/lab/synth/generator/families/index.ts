import { ages } from './ages';
import { averages } from './averages';
import { fractions } from './fractions';
import { geometry } from './geometry';
import { rates } from './rates';
import { ratios } from './ratios';
import { remainders } from './remainders';
import { shopping } from './shopping';
import type { Family } from './types';
import { units } from './units';

export type { Family, Variant } from './types';

/** Every SynthMath problem family, in a fixed order (round-robin by problem index). */
export const FAMILIES: Family[] = [shopping, rates, ages, units, fractions, geometry, ratios, remainders, averages];
