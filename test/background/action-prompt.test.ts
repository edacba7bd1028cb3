import { describe, expect, it } from 'vitest';
import { settingsForTurns } from '../../src/background/action-model.ts';
import { buildMessages } from '../../src/background/prompt.ts';
import type { ConversationTurn, PageSelection } from '../../src/messaging/protocol.ts';
import { DEFAULT_SETTINGS } from '../../src/storage/settings.ts';

const selection: PageSelection = {
  text: 'Go to {{url}} now',
  url: 'https://e.test/a',
  title: 'A',
  originalLength: 17,
  truncated: false,
};
const action = { id: 'u-haiku', template: 'Haiku in {{language}} about {{selection}} from {{url}}', language: 'French' };

describe('a question asked with a user action', () => {
  it('sends the filled template (selection fenced, expanded once), not the name shown to the user', () => {
    const turns: ConversationTurn[] = [{ role: 'user', text: 'Haiku', selection, action }];
    expect(buildMessages(turns, undefined, 'f1')).toEqual([
      {
        role: 'user',
        content:
          'Haiku in French about <selected_text-f1 source="https://e.test/a" title="A">\nGo to {{url}} now\n</selected_text-f1> from https://e.test/a',
      },
    ]);
  });

  it('keeps plain questions as they were: the fenced selection, then the question', () => {
    const turns: ConversationTurn[] = [{ role: 'user', text: 'Summarize this.', selection }];
    expect(buildMessages(turns)[0]?.content).toMatch(
      /^<selected_text-([0-9a-f]{16})[^>]*>\nGo to \{\{url\}\} now\n<\/selected_text-\1>\n\nSummarize this\.$/,
    );
  });
});

describe('an action’s own provider and model', () => {
  const ask = (extra: object): ConversationTurn[] => [{ role: 'user', text: 'Haiku', selection, action: { ...action, ...extra } }];

  it('uses the settings when the action names neither', () => {
    expect(settingsForTurns(DEFAULT_SETTINGS, ask({}))).toBe(DEFAULT_SETTINGS);
    expect(settingsForTurns(DEFAULT_SETTINGS, [{ role: 'user', text: 'Hi' }])).toBe(DEFAULT_SETTINGS);
  });

  it('swaps the model on the same provider', () => {
    expect(settingsForTurns(DEFAULT_SETTINGS, ask({ model: 'claude-haiku-x' }))).toEqual({
      ...DEFAULT_SETTINGS,
      model: 'claude-haiku-x',
    });
  });

  it('uses another provider at its preset address, with its default model when none is named', () => {
    const custom = { ...DEFAULT_SETTINGS, baseUrl: 'http://127.0.0.1:9/', custom: null };
    expect(settingsForTurns(custom, ask({ provider: 'openai' }))).toEqual({
      ...custom,
      provider: 'openai',
      model: 'gpt-5.4-mini',
      baseUrl: '',
    });
  });

  it('ignores a provider that needs its own endpoint settings', () => {
    expect(settingsForTurns(DEFAULT_SETTINGS, ask({ provider: 'openai-compatible' }))).toBe(DEFAULT_SETTINGS);
  });

  it('applies to the answer of the last question only', () => {
    const turns: ConversationTurn[] = [...ask({ model: 'other' }), { role: 'assistant', text: 'ok' }, { role: 'user', text: 'And?' }];
    expect(settingsForTurns(DEFAULT_SETTINGS, turns)).toBe(DEFAULT_SETTINGS);
  });
});
