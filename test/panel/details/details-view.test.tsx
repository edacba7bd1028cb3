// @vitest-environment happy-dom
/** What the stream details view says when details are missing, or when only the body's start was kept. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamDetails } from '../../../src/messaging/protocol.ts';
import { StreamDetailsView } from '../../../src/panel/details/StreamDetailsView.tsx';
import type { AssistantTurn } from '../../../src/panel/state.ts';
import { browserSpeaks } from '../../i18n/catalogs.ts';

let root: HTMLElement;
const $ = (testId: string) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const turn: AssistantTurn = { role: 'assistant', requestId: 'r1', text: 'Hello', status: 'complete', lastSeq: 4 };

function details(extra: Partial<StreamDetails> = {}): StreamDetails {
  return {
    request: null,
    events: [{ atMs: 5, event: 'message_start', data: '{}', id: '' }],
    eventsDropped: 0,
    sse: 'event: message_start\ndata: {}\n\n',
    sseBytesDropped: 0,
    gaps: [],
    customReading: null,
    ...extra,
  };
}

async function mount(value: StreamDetails | null) {
  await act(() => {
    render(<StreamDetailsView turn={turn} status="ready" details={value} onClose={() => {}} />, root);
  });
}

beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

describe('the stream details view', () => {
  it('says in a sentence that the details are no longer kept, in English and in Chinese', async () => {
    await browserSpeaks('en');
    await mount(null);
    expect($('details-gone')?.textContent).toBe(
      'The stream details of this answer are no longer kept. Aside keeps them for the last 50 answers (fewer when they are large); for answers in a private window, only until its background stops.',
    );
    expect($('details-event-count')).toBeNull();
    await browserSpeaks('zh_CN');
    await mount(null);
    expect($('details-gone')?.textContent).toContain('最近 50 个回答');
  });

  it('says how much of a long body was kept, and how much more arrived', async () => {
    await browserSpeaks('en');
    await mount(details({ sse: 'x'.repeat(1_048_576), sseBytesDropped: 2_500_000 }));
    expect($('details-sse-dropped')?.textContent).toBe('Only the first 1 MB of the stream was kept: 2,500,000 bytes more arrived.');
    await mount(details());
    expect($('details-sse-dropped')).toBeNull();
  });
});
