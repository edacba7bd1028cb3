/**
 * A user action may name its own provider and model: the answer to a question asked with
 * it uses them instead of the ones in settings. Another provider is used with its preset
 * address (its stored key, if any, is loaded by the caller for `settings.provider`).
 */
import type { ConversationTurn } from '../messaging/protocol.ts';
import { presetFor } from '../providers/catalog.ts';
import type { StoredSettings } from '../storage/settings.ts';

/** The settings an answer to these turns is asked with. */
export function settingsForTurns(settings: StoredSettings, turns: readonly ConversationTurn[]): StoredSettings {
  const last = turns.findLast((turn) => turn.role === 'user');
  const action = last?.role === 'user' ? last.action : undefined;
  if (!action || (action.provider === undefined && !action.model)) return settings;
  if (action.provider === undefined || action.provider === settings.provider) {
    return action.model ? { ...settings, model: action.model } : settings;
  }
  const preset = presetFor(action.provider);
  // Only a provider with a known address can be used without its own settings.
  if (preset.baseUrl === '' || preset.dialect === 'custom') return settings;
  return { ...settings, provider: action.provider, model: action.model || preset.defaultModel, baseUrl: '', custom: null };
}
