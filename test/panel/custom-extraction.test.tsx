// @vitest-environment happy-dom
/**
 * A custom SSE endpoint in the panel: the settings form's data modes, its checks shown at
 * the field (nothing saved), "Try an event" on a pasted sample before saving, and the stream
 * details view's extraction of each event of a custom answer.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PublicSettings, SettingsInput, StreamDetails } from '../../src/messaging/protocol.ts';
import { SettingsForm } from '../../src/panel/components/SettingsForm.tsx';
import { sampleEvents } from '../../src/panel/custom/sample.ts';
import { StreamDetailsView } from '../../src/panel/details/StreamDetailsView.tsx';
import type { AssistantTurn } from '../../src/panel/state.ts';
import type { CustomReading } from '../../src/shared/custom-endpoint.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
let onSave: ReturnType<typeof vi.fn<(input: SettingsInput) => void>>;

const $ = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const $$ = (testId: string) => [...root.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];

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

async function set(testId: string, value: string, event: 'input' | 'change' = 'input') {
  const element = $(testId) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  expect(element, testId).not.toBeNull();
  await act(() => {
    element.value = value;
    element.dispatchEvent(new Event(event, { bubbles: true }));
  });
}

async function mountForm() {
  const saved: PublicSettings = {
    provider: 'anthropic',
    hasKey: false,
    providersWithKey: [],
    model: 'claude-sonnet-5-5',
    baseUrl: '',
    custom: null,
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
  await set('provider', 'custom-sse', 'change');
  await set('custom-url', 'https://llm.example.com/stream');
}

async function save() {
  await act(async () => {
    $('save-settings')!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

const notes = () => $$('extraction').map((note) => [note.getAttribute('data-state'), note.textContent]);

describe('the settings form: data modes and their checks', () => {
  beforeEach(() => {
    fakeBrowser.permissions.request = vi.fn(async () => true);
  });

  it('shows the path for JSON, the pattern for a regex, neither for plain text, and saves the mode', async () => {
    await mountForm();
    expect(($('custom-data-mode') as HTMLSelectElement).value).toBe('json');
    expect($('custom-text-path')).not.toBeNull();
    expect($('custom-pattern')).toBeNull();
    expect(($('custom-text-path') as HTMLInputElement).placeholder).toBe('$.choices[0].delta.content');
    await set('custom-data-mode', 'text', 'change');
    expect($('custom-text-path')).toBeNull();
    expect($('custom-reasoning-path')).toBeNull();
    expect($('custom-pattern')).toBeNull();
    await save();
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(onSave.mock.calls[0]![0].custom).toMatchObject({ dataMode: 'text' });

    await set('custom-data-mode', 'regex', 'change');
    await set('custom-pattern', '^\\d+\\|(?<text>.*)$');
    await save();
    expect(onSave.mock.calls[1]![0].custom).toMatchObject({ dataMode: 'regex', pattern: '^\\d+\\|(?<text>.*)$' });
  });

  it('refuses a regex that does not compile at the pattern field, in words, and saves nothing', async () => {
    await mountForm();
    await set('custom-data-mode', 'regex', 'change');
    await set('custom-pattern', '(?<text>.*');
    await save();
    expect(onSave).not.toHaveBeenCalled();
    const problem = $('custom-pattern-problem')!;
    expect(problem.getAttribute('data-code')).toBe('custom-pattern-invalid');
    expect(problem.getAttribute('role')).toBe('alert');
    expect(problem.textContent).toContain('The pattern is not a valid regular expression.');
    expect(problem.textContent).toMatch(/Invalid regular expression/); // the engine's words, apart
    expect($('custom-pattern')!.getAttribute('aria-invalid')).toBe('true');
    expect($('custom-pattern')!.getAttribute('aria-describedby')).toBe('custom-pattern');
    expect(problem.id).toBe('custom-pattern');
    expect($('settings-problem')).toBeNull(); // not repeated under the form

    await set('custom-pattern', 'no group here');
    await save();
    expect($('custom-pattern-problem')!.getAttribute('data-code')).toBe('custom-pattern-group');
    await set('custom-pattern', 'text=(.*)');
    await save();
    expect(onSave).toHaveBeenCalledTimes(1);
    expect($('custom-pattern-problem')).toBeNull();
  });

  it('refuses a wildcard JSONPath at the text path, naming the token', async () => {
    await mountForm();
    await set('custom-text-path', '$.choices[*].delta.content');
    await save();
    expect(onSave).not.toHaveBeenCalled();
    const problem = $('custom-text-path-problem')!;
    expect(problem.getAttribute('data-code')).toBe('custom-path-unsupported');
    expect(problem.textContent).toContain('The text path uses “*” (character 11)');
    await set('custom-text-path', '$.choices[0].delta.content');
    await set('custom-reasoning-path', "$.x['y");
    await save();
    expect($('custom-text-path-problem')).toBeNull();
    expect($('custom-reasoning-path-problem')!.textContent).toContain('The reasoning path cannot be read at character 7.');
  });
});

describe('the settings form: Try an event', () => {
  it('shows what the path as typed takes from a pasted event, before anything is saved', async () => {
    await mountForm();
    await set('custom-text-path', '$.choices[0].delta.content');
    expect($('custom-sample-result')).toBeNull();
    await set('custom-sample', 'data: {"choices":[{"delta":{"content":"Hel"}}]}');
    expect(notes()).toEqual([['text', 'Text: "Hel"']]);
    await set('custom-text-path', '$.choices[0].delta.text');
    expect(notes()).toEqual([['nothing', 'Nothing extracted: the path finds nothing after $.choices[0].delta.']]);
    await set('custom-text-path', '$.choices[0]');
    expect(notes()).toEqual([['nothing', 'Nothing extracted: the path holds a object value, not a string.']]);
    await set('custom-text-path', '$.choices[*]');
    expect($('custom-sample-problem')!.textContent).toContain('uses “*”');
    expect(onSave).not.toHaveBeenCalled();
  });

  it('reads a pasted JSON line, several events, plain text and a regex', async () => {
    await mountForm();
    await set('custom-text-path', 'delta');
    await set('custom-sample', '{"delta": "Hi"}');
    expect(notes()).toEqual([['text', 'Text: "Hi"']]);
    await set('custom-data-mode', 'text', 'change');
    await set('custom-sample', 'data: one\ndata: two\n\ndata: [DONE]\n\ndata: late');
    expect(notes()).toEqual([
      ['text', 'Text: "one\\ntwo"'],
      ['end', 'The end marker: the answer is complete.'],
      ['not-read', 'Not read: it came after the end of the answer.'],
    ]);
    await set('custom-data-mode', 'regex', 'change');
    await set('custom-pattern', '^tok (?<text>.+)$');
    await set('custom-sample', 'data: tok Hel\n\ndata: ping\n\n');
    expect(notes()).toEqual([
      ['text', 'Text: "Hel"'],
      ['nothing', 'Nothing extracted: the pattern does not match.'],
    ]);
  });
});

describe('sampleEvents', () => {
  it('reads SSE text as events and anything else as one data line', () => {
    expect(sampleEvents('')).toEqual([]);
    expect(sampleEvents('  \n')).toEqual([]);
    expect(sampleEvents('{"a": 1}')).toEqual([{ event: 'message', data: '{"a": 1}' }]);
    expect(sampleEvents('plain words')).toEqual([{ event: 'message', data: 'plain words' }]);
    expect(sampleEvents('event: result\ndata: {"a":1}\n\ndata: x')).toEqual([
      { event: 'result', data: '{"a":1}' },
      { event: 'message', data: 'x' },
    ]);
    expect(sampleEvents('data: a\r\ndata: b')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});

describe('the stream details view: each event’s extraction', () => {
  const reading: CustomReading = {
    dataMode: 'json',
    textPath: "$.output['text']",
    pattern: '',
    reasoningPath: '$.output.thinking',
    textMode: 'delta',
    doneData: '',
    eventType: 'result',
  };
  const event = (atMs: number, type: string, data: unknown) => ({
    atMs,
    event: type,
    data: typeof data === 'string' ? data : JSON.stringify(data),
    id: '',
  });
  const details = (customReading: CustomReading | null): StreamDetails => ({
    request: null,
    events: [
      event(5, 'result', { output: { thinking: 'hmm' } }),
      event(9, 'result', { output: { text: 'Hel' } }),
      event(12, 'result', { output: { text: 7 } }),
      event(15, 'result', { output: { content: 'lo' } }),
      event(18, 'result', { output: { text: 'lo' } }),
      event(20, 'result', '[DONE]'),
    ],
    eventsDropped: 0,
    sse: '',
    sseBytesDropped: 0,
    gaps: [],
    customReading,
  });
  const turn: AssistantTurn = { role: 'assistant', requestId: 'r1', text: 'Hello', thinking: 'hmm', status: 'complete', lastSeq: 4 };

  async function mount(value: StreamDetails) {
    await act(() => {
      render(<StreamDetailsView turn={turn} status="ready" details={value} onClose={() => {}} />, root);
    });
    await act(() => {
      root.querySelector<HTMLButtonElement>('.details-run-head')!.click();
    });
  }

  it('says what each event gave, or why it gave nothing', async () => {
    await mount(details(reading));
    expect($('details-extraction-summary')!.getAttribute('data-count')).toBe('3');
    expect($('details-extraction-summary')!.textContent).toBe('Extraction: 3 of 6 events gave text.');
    expect(notes()).toEqual([
      ['text', 'Reasoning: "hmm"'],
      ['text', 'Text: "Hel"'],
      ['nothing', 'Nothing extracted: the path holds a number value, not a string.'],
      ['nothing', 'Nothing extracted: the path finds nothing after $.output.'],
      ['text', 'Text: "lo"'],
      ['end', 'The end marker: the answer is complete.'],
    ]);
  });

  it('says so when the path matched no event, and shows no extraction for other providers', async () => {
    await mount(details({ ...reading, textPath: '$.text', reasoningPath: '' }));
    expect($('details-extraction-summary')!.getAttribute('data-count')).toBe('0');
    const last = $$('extraction').at(-1)!;
    expect(last.getAttribute('data-state')).toBe('error');
    expect(last.textContent).toContain('No event had text at the text path “$.text”');
    render(null, root);
    await mount(details(null));
    expect($('details-extraction-summary')).toBeNull();
    expect($$('extraction')).toEqual([]);
    expect($$('details-event')).toHaveLength(6);
  });

  it('names the event type it skipped', async () => {
    const value = details({ ...reading, eventType: 'delta' });
    await mount(value);
    expect(notes()[0]).toEqual(['skipped', 'Skipped: its type is result, and only delta events carry text.']);
  });
});
