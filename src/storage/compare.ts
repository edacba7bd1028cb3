/**
 * Compare models: the user's last second choice (provider, model, address), in
 * `storage.local`, so "Ask two models" offers it again. No key is kept here.
 *
 * Version 1. Nothing stored (or something unusable, which is dropped without a notice: it
 * is only a default for a picker) means no choice yet: the panel proposes one.
 */
import * as v from 'valibot';
import { ModelChoiceSchema, type ModelChoice } from '../shared/compare.ts';
import { defineVersionedItem } from './item.ts';

const compareChoiceItem = defineVersionedItem<ModelChoice | null>({
  key: 'local:compareChoice',
  version: 1,
  schema: v.nullable(ModelChoiceSchema),
  fallback: null,
  reportProblems: false,
});

/** The last second choice, null when there is none (or it could not be read). Never throws. */
export function loadCompareChoice(): Promise<ModelChoice | null> {
  return compareChoiceItem.getValue();
}

/** Throws when the choice does not match the schema (the panel builds it from checked fields) or storage fails. */
export function saveCompareChoice(choice: ModelChoice): Promise<void> {
  return compareChoiceItem.setValue(choice);
}
