import { ages } from './ages';
import { averages } from './averages';
import { equations } from './equations';
import { expressions } from './expressions';
import { fractions } from './fractions';
import { geometry } from './geometry';
import { numbertheory } from './numbertheory';
import { percent } from './percent';
import { probability } from './probability';
import { rates } from './rates';
import { ratios } from './ratios';
import { remainders } from './remainders';
import { shopping } from './shopping';
import type { Family } from './types';
import { units } from './units';

export type { Family, Variant } from './types';

/** Every SynthMath problem family of versions 1 and 2, in a fixed order (round-robin by problem index). */
export const FAMILIES: Family[] = [shopping, rates, ages, units, fractions, geometry, ratios, remainders, averages];

/**
 * Version 3 (the wider chat curriculum): the families above (averages, units and geometry with new
 * kinds), then the new ones.
 */
export const FAMILIES_V3: Family[] = [...FAMILIES, percent, equations, numbertheory, probability, expressions];

/** Version 3's question types and the family that holds each (new families, or new kinds in an old one). */
export const CURRICULUM_V3: Record<string, string> = {
  'percent of / off / change': 'percent',
  'linear equations and 2x2 systems': 'equations',
  'gcd / lcm / primes / divisibility': 'numbertheory',
  'unit conversion': 'units',
  averages: 'averages',
  'probability and counting': 'probability',
  'areas and volumes': 'geometry',
  'evaluating expressions': 'expressions',
};
