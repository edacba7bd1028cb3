// @vitest-environment happy-dom
/**
 * The settings form's model options: only what applies to the chosen provider is shown
 * (Anthropic: thinking with a budget; the OpenAI family: a reasoning effort; a custom SSE
 * endpoint: none, its template decides), each provider's saved options come back when it
 * is chosen, and what is typed is checked before it is sent.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PublicSettings, SettingsInput } from '../../src/messaging/protocol.ts';
import { SettingsForm } from '../../src/panel/components/SettingsForm.tsx';
import { PROVIDER_IDS, presetFor, type ProviderId } from '../../src/providers/catalog.ts';
import { DEFAULT_MODEL_OPTIONS } from '../../src/shared/model-options.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

const OPTION_IDS = [
  'model-temperature',
  'model-max-tokens',
  'model-system-prompt',
  'model-thinking',
  'model-thinking-budget',
  'model-reasoning-effort',
  'model-extra-fields',
] as const;

let root: HTMLElement;
let onSave: ReturnType<typeof vi.fn<(input: SettingsInput) => void>>;

const $ = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const shown = () => OPTION_IDS.filter((id) => $(id) !== null);

async function mount(settings: Partial<PublicSettings> = {}) {
  const saved: PublicSettings = {
    provider: 'anthropic',
    hasKey: true,
    providersWithKey: ['anthropic'],
    model: 'claude-sonnet-5-5',
    baseUrl: '',
    custom: null,
    ...settings,
  };
  await act(() => {
    render(
      <SettingsForm
        settings={saved}
        test={null}
        models={null}
        onSave={onSave}
        onTest={() => {}}
        onListModels={() => {}}
        language="auto"
        onLanguage={() => {}}
      />,
      root,
    );
  });
}

async function set(testId: string, value: string, event: 'input' | 'change' = 'input') {
  const element = $(testId) as HTMLInputElement | HTMLSelectElement;
  expect(element, testId).not.toBeNull();
  await act(() => {
    element.value = value;
    element.dispatchEvent(new Event(event, { bubbles: true }));
  });
}

async function choose(provider: ProviderId) {
  await set('provider', provider, 'change');
}

async function toggleThinking() {
  await act(() => {
    ($('model-thinking') as HTMLInputElement).click();
  });
}

async function save() {
  await act(async () => {
    $('save-settings')!.click();
    await Promise.resolve();
  });
}

beforeEach(async () => {
  await browserSpeaks('en');
  onSave = vi.fn<(input: SettingsInput) => void>();
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

describe('which model options the form shows', () => {
  it('Anthropic: temperature 0–1, max tokens, system prompt, thinking with a budget once on, extra fields', async () => {
    await mount();
    expect(shown()).toEqual(['model-temperature', 'model-max-tokens', 'model-system-prompt', 'model-thinking', 'model-extra-fields']);
    expect($('model-options')!.textContent).toContain('(0 to 1; empty: the provider’s default)');
    await toggleThinking();
    expect(shown()).toContain('model-thinking-budget');
    expect(shown()).not.toContain('model-reasoning-effort');
    expect(($('model-thinking-budget') as HTMLInputElement).value).toBe('2048');
  });

  it.each(PROVIDER_IDS.filter((id) => presetFor(id).dialect === 'openai'))(
    '%s (OpenAI family): temperature 0–2, and a reasoning effort instead of a budget',
    async (provider) => {
      await mount();
      await choose(provider);
      expect(shown()).toEqual(['model-temperature', 'model-max-tokens', 'model-system-prompt', 'model-thinking', 'model-extra-fields']);
      expect($('model-options')!.textContent).toContain('(0 to 2; empty: the provider’s default)');
      await toggleThinking();
      expect(shown()).toContain('model-reasoning-effort');
      expect(shown()).not.toContain('model-thinking-budget');
      expect(($('model-reasoning-effort') as HTMLSelectElement).value).toBe('medium');
    },
  );

  it('a custom SSE endpoint shows none of them, and says its template decides', async () => {
    await mount();
    await choose('custom-sse');
    expect(shown()).toEqual([]);
    expect($('model-options')).toBeNull();
    expect($('model-options-template')!.textContent).toContain('request body template');
  });

  it('shows each provider’s saved options when it is chosen, and the defaults for one without', async () => {
    await mount({
      modelOptions: {
        anthropic: {
          ...DEFAULT_MODEL_OPTIONS,
          temperature: 0.3,
          maxTokens: 1000,
          systemPrompt: 'Be brief.',
          extraFields: '{"top_k": 5}',
        },
        openai: { ...DEFAULT_MODEL_OPTIONS, thinking: true, reasoningEffort: 'high' },
      },
    });
    expect(($('model-temperature') as HTMLInputElement).value).toBe('0.3');
    expect(($('model-max-tokens') as HTMLInputElement).value).toBe('1000');
    expect(($('model-system-prompt') as HTMLTextAreaElement).value).toBe('Be brief.');
    expect(($('model-extra-fields') as HTMLTextAreaElement).value).toBe('{"top_k": 5}');
    await choose('openai');
    expect(($('model-thinking') as HTMLInputElement).checked).toBe(true);
    expect(($('model-reasoning-effort') as HTMLSelectElement).value).toBe('high');
    expect(($('model-temperature') as HTMLInputElement).value).toBe('');
    await choose('gemini');
    expect(($('model-thinking') as HTMLInputElement).checked).toBe(false);
    expect(($('model-max-tokens') as HTMLInputElement).value).toBe('4096');
  });
});

describe('saving model options', () => {
  it('sends the options as numbers, an empty temperature as the provider default (null)', async () => {
    await mount();
    await set('model-temperature', ' 0.3 ');
    await set('model-max-tokens', '1000');
    await set('model-system-prompt', 'Answer like a pirate.');
    await set('model-extra-fields', '{"top_k": 5}');
    await save();
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(onSave.mock.calls[0]![0].options).toEqual({
      ...DEFAULT_MODEL_OPTIONS,
      temperature: 0.3,
      maxTokens: 1000,
      systemPrompt: 'Answer like a pirate.',
      extraFields: '{"top_k": 5}',
    });

    await set('model-temperature', '');
    await save();
    expect(onSave.mock.calls[1]![0].options?.temperature).toBeNull();
  });

  it.each([
    ['a temperature over Anthropic’s 1', () => set('model-temperature', '1.5'), 'temperature-range'],
    ['a temperature that is not a number', () => set('model-temperature', 'warm'), 'temperature-range'],
    ['max tokens of 0', () => set('model-max-tokens', '0'), 'max-tokens-range'],
    ['max tokens that are not whole', () => set('model-max-tokens', '10.5'), 'max-tokens-range'],
    ['extra fields that are not JSON', () => set('model-extra-fields', '{top_k: 5}'), 'extra-fields-json'],
    ['extra fields that are a list', () => set('model-extra-fields', '[1, 2]'), 'extra-fields-object'],
    ['extra fields that set the model', () => set('model-extra-fields', '{"model": "other"}'), 'extra-fields-reserved'],
    [
      'thinking with a budget not below max tokens',
      async () => {
        await toggleThinking();
        await set('model-thinking-budget', '4096');
      },
      'thinking-budget-range',
    ],
    [
      'thinking with a temperature',
      async () => {
        await set('model-temperature', '0.5');
        await toggleThinking();
      },
      'thinking-temperature',
    ],
  ])('refuses %s with its code, in words, and sends nothing', async (_name, edit, code) => {
    await mount();
    await edit();
    await save();
    expect(onSave).not.toHaveBeenCalled();
    const problem = $('settings-problem')!;
    expect(problem.getAttribute('data-code')).toBe(code);
    expect(problem.textContent).not.toMatch(/error_|\{[A-Za-z]+\}/); // worded, every placeholder filled
  });
});
