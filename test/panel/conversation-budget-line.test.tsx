// @vitest-environment happy-dom
/** The follow-up's budget line and the left-out turns, as the user sees and uses them. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationBudget } from '../../src/panel/budget.ts';
import { Conversation } from '../../src/panel/components/Conversation.tsx';
import { ConversationBudgetLine } from '../../src/panel/components/ConversationBudgetLine.tsx';
import type { Turn } from '../../src/panel/state.ts';
import { browserSpeaks } from '../i18n/catalogs.ts';

let root: HTMLElement;
beforeEach(async () => {
  await browserSpeaks('en');
  root = document.createElement('div');
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});
const byId = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const count = { inputTokens: 2_300, exact: false, requestEstimate: 2_300, maxOutputTokens: 256, contextWindow: 2_048 };

async function line(measured: ConversationBudget, handlers = { onLeaveOut: vi.fn(), onNewChat: vi.fn() }) {
  await act(() => render(<ConversationBudgetLine measured={measured} disabled={false} {...handlers} />, root));
  return handlers;
}

describe('ConversationBudgetLine', () => {
  it('fits: one quiet line of what is sent with the question', async () => {
    await line({
      budget: { kind: 'fits', inputTokens: 900, exact: false, contextWindow: 2_048, needed: 1_156, room: 0 },
      count,
      leaveOut: null,
    });
    expect(byId('conversation-budget')?.textContent).toBe('With the conversation so far · ≈900 tokens · of a 2,048-token window');
    expect(byId('conversation-over')).toBeNull();
  });

  it('over: why, and the two ways on, each doing what it says', async () => {
    const budget = { kind: 'over' as const, inputTokens: 2_300, exact: true, contextWindow: 2_048, needed: 2_556, room: 0 };
    const handlers = await line({ budget, count, leaveOut: { turns: 4, questions: 2 } });
    expect(byId('conversation-budget')?.textContent).toContain('2,300 tokens (counted)');
    expect(byId('conversation-over')?.getAttribute('role')).toBe('alert');
    expect(byId('conversation-over')?.textContent).toContain(
      '2,556 tokens needed (256 of them kept for the answer), the window holds 2,048',
    );
    expect(byId('conversation-leave-out')?.textContent).toBe('Leave out the first 2 exchanges');
    await act(() => byId('conversation-leave-out')!.click());
    expect(handlers.onLeaveOut).toHaveBeenCalledWith(4);
    await act(() => byId('conversation-new-chat')!.click());
    expect(handlers.onNewChat).toHaveBeenCalledOnce();
  });

  it('over even without the conversation: says so, and offers no cut that would not help', async () => {
    const budget = { kind: 'over' as const, inputTokens: 9_000, exact: false, contextWindow: 2_048, needed: 9_256, room: 0 };
    await line({ budget, count, leaveOut: null });
    expect(byId('conversation-question-too-long')?.textContent).toContain('your question does not fit');
    expect(byId('conversation-leave-out')).toBeNull();
    expect(byId('conversation-new-chat')).toBeNull();
  });
});

describe('the left-out turns in the conversation', () => {
  const turns: Turn[] = [
    { role: 'user', text: 'First question' },
    { role: 'assistant', requestId: 'a1', text: 'First answer', status: 'complete', lastSeq: 1 },
    { role: 'user', text: 'Second question' },
    { role: 'assistant', requestId: 'a2', text: 'Second answer', status: 'complete', lastSeq: 1 },
  ];
  const noop = () => {};
  const show = (leftOut: number, onSendAll?: () => void) =>
    act(() =>
      render(
        <Conversation
          turns={turns}
          language="en"
          editing={null}
          answering={false}
          continuesMidSentence
          onEdit={noop}
          onCancelEdit={noop}
          onResend={noop}
          onRetry={noop}
          onContinue={noop}
          onOpenSettings={noop}
          onDetails={noop}
          onStop={noop}
          onPick={noop}
          leftOut={leftOut}
          {...(onSendAll ? { onSendAll } : {})}
        />,
        root,
      ),
    );

  it('none left out: no note', async () => {
    await show(0);
    expect(byId('left-out-note')).toBeNull();
    expect(root.textContent).toContain('First question');
  });

  it('the first exchange left out stays shown, marked, with a note where the cut falls and a way back', async () => {
    const onSendAll = vi.fn();
    await show(2, onSendAll);
    expect(byId('left-out-turns')?.textContent).toContain('First question');
    // The answer's text renders once the markdown chunk loads; the answer itself is there.
    expect(byId('left-out-turns')?.querySelectorAll('[data-testid="answer"]')).toHaveLength(1);
    expect(byId('left-out-turns')?.textContent).not.toContain('Second question');
    expect(byId('left-out-note')?.textContent).toContain('The exchange above is not sent to the model any more');
    // The note sits between the last left-out turn and the first one sent.
    const note = byId('left-out-note')!;
    expect(note.previousElementSibling).toBe(byId('left-out-turns'));
    expect(note.nextElementSibling?.textContent).toContain('Second question');
    await act(() => byId('send-all-turns')!.click());
    expect(onSendAll).toHaveBeenCalledOnce();
  });
});
