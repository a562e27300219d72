import { FAMILIES } from '../../src/lab/synth/generator';

/** `family/variant` ids of the structures generator version 2 added (absent from version 1). */
export const addedTemplates = (): Set<string> =>
  new Set(FAMILIES.flatMap((f) => f.variants.filter((v) => v.since === 2).map((v) => `${f.name}/${v.id}`)));
