// @vitest-environment happy-dom
/**
 * Find local models in the settings form: the host permission is asked for in the click
 * itself, for exactly the usual addresses and the typed one; a bad address is refused with
 * words; what was found is listed with windows; picking a model fills the form, and what a
 * closed typed address or the origin check gave is explained.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalProbeResult, PublicSettings } from '../../src/messaging/protocol.ts';
import { SettingsForm } from '../../src/panel/components/SettingsForm.tsx';
import type { PanelState } from '../../src/panel/state.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
let onFind: ReturnType<typeof vi.fn<(addresses: string[]) => void>>;
let request: ReturnType<typeof vi.fn<(permissions: { origins: string[] }) => Promise<boolean>>>;

const $ = (selector: string) => root.querySelector<HTMLElement>(selector);
const byId = (testId: string) => $(`[data-testid="${testId}"]`);

const SAVED: PublicSettings = {
  provider: 'anthropic',
  hasKey: true,
  providersWithKey: ['anthropic'],
  model: 'claude-sonnet-5-5',
  baseUrl: '',
  custom: null,
};

async function mount(localModels: PanelState['localModels'] = null) {
  await act(() => {
    render(
      <SettingsForm
        settings={SAVED}
        test={null}
        models={null}
        onSave={() => {}}
        onTest={() => {}}
        onListModels={() => {}}
        localModels={localModels}
        onFindLocalModels={onFind}
        language="auto"
        onLanguage={() => {}}
      />,
      root,
    );
  });
}

async function type(testId: string, value: string) {
  const input = byId(testId) as HTMLInputElement;
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function click(element: HTMLElement | null) {
  expect(element).not.toBeNull();
  await act(async () => {
    element!.click();
    await Promise.resolve();
  });
}

beforeEach(async () => {
  await browserSpeaks('en');
  onFind = vi.fn<(addresses: string[]) => void>();
  request = vi.fn<(permissions: { origins: string[] }) => Promise<boolean>>(() => Promise.resolve(true));
  (browser.permissions as unknown as { request: typeof request }).request = request;
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(() => {
  render(null, root);
  root.remove();
});

describe('Find local models', () => {
  it('asks for exactly the usual addresses and the typed one, inside the click, then probes them', async () => {
    await mount();
    await type('local-address', '192.168.1.20:11434');
    await act(() => {
      byId('find-local-models')!.click();
      // Still inside the click's own call stack: the browser's prompt needs the gesture.
      expect(request).toHaveBeenCalledTimes(1);
    });
    expect(request.mock.calls[0]![0].origins).toEqual(['http://127.0.0.1/*', 'http://192.168.1.20/*']);
    await vi.waitFor(() => expect(onFind).toHaveBeenCalled());
    expect(onFind.mock.calls[0]![0]).toEqual([
      'http://127.0.0.1:11434',
      'http://127.0.0.1:1234',
      'http://127.0.0.1:8080',
      'http://127.0.0.1:8000',
      'http://192.168.1.20:11434',
    ]);
  });

  it('refuses an address that cannot be one, and says why a refused permission stops it', async () => {
    await mount();
    await type('local-address', 'ftp://nas');
    await click(byId('find-local-models'));
    expect(byId('local-problem')?.dataset.code).toBe('url-invalid');
    expect(request).not.toHaveBeenCalled();

    request.mockResolvedValue(false);
    await type('local-address', '');
    await click(byId('find-local-models'));
    await vi.waitFor(() => expect(byId('local-problem')?.dataset.code).toBe('permission-denied'));
    expect(onFind).not.toHaveBeenCalled();
  });

  it('lists what answered with windows; picking a model fills the provider, base URL and model', async () => {
    const results: LocalProbeResult[] = [
      {
        origin: 'http://127.0.0.1:11434',
        server: {
          origin: 'http://127.0.0.1:11434',
          kind: 'ollama',
          models: [{ id: 'llama3.2:latest', label: 'llama3.2:latest', contextWindow: 131_072 }],
        },
      },
      { origin: 'http://127.0.0.1:1234', error: { code: 'local-unreachable', params: { host: '127.0.0.1:1234' } } },
      { origin: 'http://127.0.0.1:8080', error: { code: 'ollama-origin', params: { status: 403, setting: 'OLLAMA_ORIGINS=x' } } },
    ];
    await mount({ requestId: 'f1', status: 'done', results });
    const server = $('[data-testid="local-server"]')!;
    expect(server.textContent).toContain('Ollama at 127.0.0.1:11434');
    expect(server.textContent).toContain('131,072-token context window');
    // A usual address where nothing runs is one quiet line; the origin check is explained.
    expect(byId('local-silent')?.textContent).toContain('127.0.0.1:1234');
    expect($('[data-testid="local-error"]')?.dataset.code).toBe('ollama-origin');

    await click($('[data-testid="local-model"][data-model="llama3.2:latest"]'));
    expect((byId('provider') as HTMLSelectElement).value).toBe('ollama');
    expect((byId('base-url') as HTMLInputElement).value).toBe('http://127.0.0.1:11434/v1');
    expect((byId('model') as HTMLInputElement).value).toBe('llama3.2:latest');
  });

  it('says so when nothing answered, and explains a typed address that did not', async () => {
    await mount({
      requestId: 'f1',
      status: 'done',
      results: [{ origin: 'http://10.0.0.9:11434', error: { code: 'local-unreachable', params: { host: '10.0.0.9:11434' } } }],
    });
    await type('local-address', '10.0.0.9:11434');
    expect(root.textContent).toContain('No local model server answered.');
    expect($('[data-testid="local-error"]')?.textContent).toContain('Nothing answered at 10.0.0.9:11434. Is the server running');
  });
});
