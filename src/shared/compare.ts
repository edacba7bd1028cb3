/**
 * Compare models: one question asked of two provider/model pairs at once, the two answers
 * side by side. The first pair is the one in settings; the second is the user's choice
 * (remembered in storage/compare.ts). Both answers are ordinary answers (their own request
 * id, Stop, numbers and stream details), kept next to each other after their question,
 * each tagged with its group; the one the user picks (the first by default) is the one a
 * follow-up question continues with.
 */
import * as v from 'valibot';
import { ProviderIdSchema } from './ids.ts';
import { MAX_MODEL_CHARS, MAX_REQUEST_ID_CHARS, MAX_URL_CHARS } from './limits.ts';

/**
 * A provider and model to ask instead of the ones in settings. `model` "" is the provider's
 * default; `baseUrl` "" is the address saved for that provider in settings, else its preset.
 */
export const ModelChoiceSchema = v.object({
  provider: ProviderIdSchema,
  model: v.pipe(v.string(), v.maxLength(MAX_MODEL_CHARS)),
  baseUrl: v.pipe(v.string(), v.maxLength(MAX_URL_CHARS)),
});
export type ModelChoice = v.InferOutput<typeof ModelChoiceSchema>;

/** On an answer of a comparison: which comparison, who answered, and whether a follow-up continues with it. */
export const CompareTagSchema = v.object({
  /** The same for both answers of one comparison (the first answer's request id). */
  group: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REQUEST_ID_CHARS)),
  provider: ProviderIdSchema,
  model: v.pipe(v.string(), v.maxLength(MAX_MODEL_CHARS)),
  /** The answer a follow-up continues with: one per comparison (none marked: the first). */
  chosen: v.boolean(),
});
export type CompareTag = v.InferOutput<typeof CompareTagSchema>;

/** How many answers a comparison has. */
export const COMPARE_COLUMNS = 2;

/** The part of an answer this module looks at. */
interface Tagged {
  role: string;
  compare?: CompareTag;
}

/**
 * Which answers of a conversation stay in it for the model: every answer outside a
 * comparison, and in each comparison the chosen one (the first when none is marked, or
 * when a record marks more than one). Indexes into `turns`.
 */
export function keptForFollowUp(turns: readonly Tagged[]): Set<number> {
  const kept = new Set<number>();
  const chosenOf = new Map<string, number>();
  turns.forEach((turn, index) => {
    if (!turn.compare) {
      kept.add(index);
      return;
    }
    const group = turn.compare.group;
    const before = chosenOf.get(group);
    if (before === undefined) chosenOf.set(group, index);
    else if (turn.compare.chosen && !turns[before]!.compare!.chosen) chosenOf.set(group, index);
  });
  for (const index of chosenOf.values()) kept.add(index);
  return kept;
}
