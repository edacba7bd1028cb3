/**
 * Connects the panel's state to the background and to storage: one hook, so components
 * only render state and call the returned commands.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { BackgroundMessage, PanelMessage, SettingsInput } from '../messaging/protocol.ts';
import { userError } from '../shared/errors.ts';
import { takeStorageProblems } from '../storage/item.ts';
import { loadActions } from '../storage/actions.ts';
import { loadCompareChoice, saveCompareChoice } from '../storage/compare.ts';
import { loadDraft, saveDraft } from '../storage/drafts.ts';
import type { ModelChoice } from '../shared/compare.ts';
import { choiceAsSettings, choiceModel, choiceProblem, choiceUrl, firstPair, initialChoice } from './compare.ts';
import { requestHostFor } from './host-permission.ts';
import type { ActionList, TurnAction } from '../shared/actions.ts';
import { connectToBackground, newConversation, openConversation, type BackgroundConnection } from './connection.ts';
import { actionAsk, pageFallsBack, withPage } from './actions/run-action.ts';
import { builtinQuestion } from './actions/words.ts';
import { excerptOf, isOverBudget, sectionsSelection } from './budget.ts';
import { t } from './i18n/index.ts';
import { estimateTokens, summaryOfSummariesPrompt, type TextSpan } from '../shared/budget.ts';
import type { PageSelection } from '../messaging/protocol.ts';
import { useActions } from './actions/use-actions.ts';
import { loadMarkdown } from './markdown/load.ts';
import { browserPanelTabApi, findPanelTab } from './panel-tab.ts';
import { fromStored, toStored } from './saved-conversation.ts';
import {
  askProblem,
  canContinue,
  isAnswering,
  isLive,
  editProblem,
  initialState,
  reduce,
  resumableRequestIds,
  turnsForRequest,
  type AssistantTurn,
  type PanelAction,
  type PanelState,
} from './state.ts';

export const PAGE_ACCESS_ORIGINS = ['http://*/*', 'https://*/*'];

export interface PanelCommands {
  ask(question: string): void;
  /** Run an action (by id) on the staged selection: a built-in question, or a user action's template. */
  runAction(id: string): void;
  stop(): void;
  /** Retry a failed answer, or Regenerate any last answer: a new answer to the same conversation. */
  retry(requestId: string): void;
  /** Continue a cut-off answer: the model carries on, appended to the same answer. */
  continueAnswer(requestId: string): void;
  /** Edit the user turn at `index` in place (Edit, or Up in an empty composer). */
  startEdit(index: number): void;
  cancelEdit(): void;
  /** Send the edited question: the conversation after it is replaced by a new answer. */
  resendEdit(index: number, question: string): void;
  setDraft(text: string): void;
  readSelection(): void;
  /** "Ask about this page": the background reads the page's readable text and stages it. */
  readPage(): void;
  /** Must be called from a click: asks the browser for page access, then reads. */
  grantPageAccessAndRead(): void;
  discardSelection(): void;
  /** The conversation's first `count` turns are not sent with the next questions (0: all are sent again). */
  leaveOut(count: number): void;
  /** A new chat in this tab (the old one stays in history). */
  newConversation(): void;
  /** Load an old conversation (by its history id) into this tab and continue it. */
  openConversation(id: string): void;
  dismissNotice(): void;
  openSettings(open: boolean): void;
  saveSettings(input: SettingsInput): void;
  testConnection(input: SettingsInput): void;
  listModels(input: SettingsInput): void;
  /** Find local models: probe these addresses (their host permission was asked for in the click). */
  findLocalModels(addresses: string[]): void;
  /** Opens the stream details of an answer (asks the background for them). */
  openDetails(requestId: string): void;
  closeDetails(): void;
  /** Conversations were deleted from history: the background deletes their stream details. */
  historyDeleted(): void;
  /** Over the window: stage the first part that fits instead of the whole selection. */
  useFirstPart(span: TextSpan): void;
  /** Over the window: stage the chosen sections instead of the whole selection. */
  useSections(spans: readonly TextSpan[]): void;
  /** Over the window: ask about each part in turn, then combine the answers (Stop ends the series). */
  sendParts(parts: readonly TextSpan[]): void;
  /** Ask two models: show or hide the picker of the second provider and model. */
  openCompare(open: boolean): void;
  setCompareChoice(choice: ModelChoice): void;
  /** Lists the second provider's models (with its stored key, in the background). */
  listCompareModels(): void;
  /** Must be called from a click or a key: the draft and staged selection, asked of both models at once. */
  askCompare(): void;
  /** Stop one answer (a comparison's column), leaving any other streaming. */
  stopAnswer(requestId: string): void;
  /** A follow-up continues with this answer of its comparison. */
  pickAnswer(requestId: string): void;
}

/** Debounce of the budget count while the draft or the selection changes. */
const COUNT_DEBOUNCE_MS = 300;
/** How soon a changed draft is written to storage (and at once when the panel closes). */
const DRAFT_SAVE_DEBOUNCE_MS = 300;
/** The same for a follow-up's conversation (Anthropic's count_tokens is rate-limited). */
const FOLLOW_UP_COUNT_DEBOUNCE_MS = 1_000;
/** An ask waiting for its count runs anyway after this long (the window then counts as unknown). */
const COUNT_WAIT_MS = 10_000;
/** Below this many estimated tokens a selection is asked about without waiting for its count. */
const NO_WAIT_TOKENS = 1_000;

/** "Send the parts one after another": the parts, the question, and the answers so far. */
interface PartsRun {
  parts: PageSelection[];
  question: string;
  answers: string[];
  requestId: string;
}

/** What must be saved at once when it changes: the turns, how each answer stands, and which answer of a comparison is chosen. */
function conversationShape(state: PanelState): string {
  return state.turns
    .map((turn) => (turn.role === 'user' ? 'u' : `${turn.requestId}:${turn.status}${turn.compare?.chosen ? ':chosen' : ''}`))
    .join('|');
}

function newRequestId(): string {
  return crypto.randomUUID();
}

export function usePanel(): { state: PanelState; commands: PanelCommands; actions: ActionList } {
  // The reducer runs here, not in useReducer, so commands always read the state as of
  // the last action (a render may not have happened yet: a context-menu "Summarize" asks
  // right after its selection arrives).
  const stateRef = useRef<PanelState>(initialState);
  const [state, setState] = useState<PanelState>(initialState);
  const dispatch = (action: PanelAction) => {
    stateRef.current = reduce(stateRef.current, action);
    setState(stateRef.current);
  };
  const connectionRef = useRef<BackgroundConnection | null>(null);
  const windowIdRef = useRef<number | undefined>(undefined);
  /** What the last page read asked for, so granting access retries that same read. */
  const lastReadRef = useRef<'read-selection' | 'read-page'>('read-selection');
  const tabIdRef = useRef<number | undefined>(undefined);
  /** The second model last asked (storage), for the picker's first choice. */
  const savedChoiceRef = useRef<ModelChoice | null>(null);
  const actions = useActions();
  const actionsRef = useRef<ActionList>(actions);
  useEffect(() => {
    actionsRef.current = actions;
  }, [actions]);

  const send = (message: PanelMessage): boolean => connectionRef.current?.send(message) ?? false;
  /** The turns as they are now, to the background (which writes history). */
  const saveTurns = () => {
    const { conversationId } = stateRef.current;
    if (conversationId !== null) send({ type: 'conversation.save', id: conversationId, turns: toStored(stateRef.current).turns });
  };
  /** Every ask goes after its turns: the background writes the answer into them. */
  const sendAsk = (message: Extract<PanelMessage, { type: 'ask' }>) => {
    saveTurns();
    send(message);
    // The answer's renderer loads during the provider's round trip (markdown/load.ts).
    loadMarkdown().catch(() => undefined);
  };
  /**
   * The conversation whose kept draft has been read back (or did not need to be): only
   * then is the composer written back under it, so an empty composer never overwrites a
   * draft still being read.
   */
  const draftFollowsRef = useRef<string | null>(null);
  /** A conversation came in: the panel opened on it, or followed the tab to it. */
  const followDraft = (id: string, privateWindow: boolean, carried: boolean, before: string | null, beforePrivate: boolean) => {
    if (draftFollowsRef.current === id) return;
    if (carried) {
      // The composer keeps what it shows (it moved with the panel to this tab): it is this
      // conversation's now, and no longer the one's it was typed in.
      draftFollowsRef.current = id;
      if (before !== null && before !== id) saveDraft(before, { draft: '', selection: null }, beforePrivate).catch(() => {});
      return;
    }
    draftFollowsRef.current = null;
    void loadDraft(id, privateWindow).then((kept) => {
      const now = stateRef.current;
      if (now.conversationId !== id) return;
      if (kept && now.draft === '' && now.selection === null) {
        dispatch({ type: 'draft', text: kept.draft });
        if (kept.selection) dispatch({ type: 'stage-selection', selection: kept.selection });
      }
      draftFollowsRef.current = id;
    });
  };
  /** Writes the composer's draft and staged selection under the conversation shown. */
  const keepDraft = () => {
    const { conversationId, draft, selection, storage } = stateRef.current;
    if (conversationId === null || draftFollowsRef.current !== conversationId) return;
    saveDraft(conversationId, { draft, selection }, storage === 'private').catch(() => {});
  };
  /**
   * The panel is closing: the background writes the draft too, since Firefox may drop a
   * storage write a closing page started (the port's message still goes out).
   */
  const keepDraftOnClose = () => {
    keepDraft();
    const { conversationId, draft, selection } = stateRef.current;
    if (conversationId === null || draftFollowsRef.current !== conversationId) return;
    send({ type: 'draft.keep', id: conversationId, draft, selection });
  };
  /** An ask about the staged selection made before its budget was known: it runs once it is, if it fits. */
  const pendingAskRef = useRef<{ run: () => void; timer: ReturnType<typeof setTimeout> } | null>(null);
  const partsRunRef = useRef<PartsRun | null>(null);
  /**
   * Measure the request as it would be asked now (the background counts or estimates it):
   * the staged selection with the conversation, or, for a follow-up, the conversation.
   */
  const requestCount = () => {
    const { selection, turns, draft, leftOut } = stateRef.current;
    if (!selection && !turns.some((turn) => turn.role === 'assistant')) return;
    const requestId = newRequestId();
    dispatch({ type: 'count-tokens', requestId, selection });
    // A follow-up not typed yet is measured with a stand-in: an empty question would be
    // dropped from the request, and the last answer with it (a request ends with a question).
    const text = draft.trim() || (selection ? '' : '…');
    const question = { role: 'user' as const, text, ...(selection ? { selection } : {}) };
    send({ type: 'count-tokens', requestId, turns: [...turnsForRequest(turns, turns.length, leftOut), question] });
  };

  /** The next request of a parts run: the next part alone, or, after the last, the answers combined. */
  const askNextPart = () => {
    const run = partsRunRef.current;
    if (!run) return;
    const index = run.answers.length;
    const count = run.parts.length;
    const requestId = newRequestId();
    run.requestId = requestId;
    if (index < count) {
      const part = run.parts[index]!;
      const question = t('budget_part_question', { question: run.question, index: index + 1, count });
      dispatch({ type: 'ask', requestId, question, selection: part });
      // Each part goes alone, not after the earlier parts: together they would not fit.
      sendAsk({ type: 'ask', requestId, turns: [{ role: 'user', text: question, selection: part }] });
      return;
    }
    partsRunRef.current = null;
    dispatch({ type: 'ask', requestId, question: t('budget_final_question', { question: run.question, count }) });
    sendAsk({ type: 'ask', requestId, turns: [{ role: 'user', text: summaryOfSummariesPrompt(run.question, run.answers) }] });
  };
  /** A parts run goes on when its current answer is complete, and ends on anything else (Stop, a failure). */
  const followPartsRun = (message: BackgroundMessage) => {
    const run = partsRunRef.current;
    if (!run || (message.type !== 'end' && message.type !== 'failed') || message.requestId !== run.requestId) return;
    const answer = stateRef.current.turns.find((turn) => turn.role === 'assistant' && turn.requestId === run.requestId);
    if (message.type === 'failed' || message.outcome !== 'complete' || answer?.role !== 'assistant') {
      partsRunRef.current = null;
      return;
    }
    run.answers.push(answer.text);
    askNextPart();
  };

  const commands = useMemo<PanelCommands>(() => {
    const notice = (error: NonNullable<PanelState['notice']>) => dispatch({ type: 'background', message: { type: 'notice', error } });
    /** Sends a question (false: it could not be, and a notice says why). */
    const ask = (question: string, prompt?: TurnAction): boolean => {
      const current = stateRef.current;
      const problem = askProblem(current, question);
      if (problem) {
        notice(problem);
        return false;
      }
      // Never send a selection whose budget is unknown yet: wait for its count first.
      const counted = current.tokenCount?.selection === current.selection && current.tokenCount?.result;
      // A small selection fits every model's window: it is sent at once (the count still shows),
      // so the wait for a count never adds to the time to first token of everyday questions.
      if (current.selection && !counted && estimateTokens(current.selection.text) >= NO_WAIT_TOKENS) {
        if (pendingAskRef.current) clearTimeout(pendingAskRef.current.timer);
        const run = () => {
          pendingAskRef.current = null;
          ask(question, prompt);
        };
        pendingAskRef.current = { run, timer: setTimeout(() => forceAsk(question, prompt), COUNT_WAIT_MS) };
        if (current.tokenCount?.selection !== current.selection) requestCount();
        return true;
      }
      return sendQuestion(question, prompt);
    };
    /** The count did not come: ask anyway (the budget line says the window is unknown). */
    const forceAsk = (question: string, prompt?: TurnAction) => {
      pendingAskRef.current = null;
      if (isOverBudget(stateRef.current.selection, stateRef.current.tokenCount)) return;
      const problem = askProblem(stateRef.current, question);
      if (problem) return notice(problem);
      sendQuestion(question, prompt);
    };
    const sendQuestion = (question: string, prompt?: TurnAction): boolean => {
      const requestId = newRequestId();
      dispatch({ type: 'ask', requestId, question, ...(prompt ? { prompt } : {}) });
      const { turns } = stateRef.current;
      sendAsk({ type: 'ask', requestId, turns: turnsForRequest(turns, turns.length - 1, stateRef.current.leftOut) });
      return true;
    };
    return {
      ask: (question) => void ask(question),
      runAction(id) {
        const run = actionAsk(actionsRef.current, id);
        if (!run) return;
        if ('focusComposer' in run) {
          document.querySelector<HTMLElement>('[data-testid="composer"]')?.focus();
          return;
        }
        const staged = stateRef.current;
        const sent = ask(run.question, run.prompt && withPage(run.prompt, staged));
        // {{page}} got the selection: say so (after the ask, which clears notices).
        if (sent && run.prompt && pageFallsBack(run.prompt, staged)) notice(userError('page-fallback'));
      },
      stop() {
        for (const turn of stateRef.current.turns) {
          if (turn.role === 'assistant' && (turn.status === 'streaming' || turn.status === 'retrying')) {
            send({ type: 'stop', requestId: turn.requestId });
          }
        }
      },
      retry(requestId) {
        const current = stateRef.current;
        const index = current.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === requestId);
        if (index < 0 || !current.connected) return;
        const newRequestId_ = newRequestId();
        dispatch({ type: 'retry', requestId, newRequestId: newRequestId_ });
        sendAsk({ type: 'ask', requestId: newRequestId_, turns: turnsForRequest(current.turns, index, current.leftOut) });
      },
      continueAnswer(requestId) {
        const current = stateRef.current;
        const index = current.turns.findIndex((turn) => turn.role === 'assistant' && turn.requestId === requestId);
        const turn = current.turns[index] as AssistantTurn | undefined;
        if (!turn || !canContinue(turn)) return;
        if (!current.connected) return notice(userError('reconnecting'));
        const newRequestId_ = newRequestId();
        dispatch({ type: 'continue', requestId, newRequestId: newRequestId_ });
        // The turns up to and including the partial answer (now its trimmed prefix).
        sendAsk({
          type: 'ask',
          requestId: newRequestId_,
          turns: turnsForRequest(stateRef.current.turns, index + 1, current.leftOut),
          continue: true,
        });
      },
      startEdit: (index) => dispatch({ type: 'edit-start', index }),
      cancelEdit: () => dispatch({ type: 'edit-cancel' }),
      resendEdit(index, question) {
        const problem = editProblem(stateRef.current, index, question);
        if (problem) return notice(problem);
        const requestId = newRequestId();
        dispatch({ type: 'edit-resend', index, question, requestId });
        const { turns, leftOut } = stateRef.current;
        sendAsk({ type: 'ask', requestId, turns: turnsForRequest(turns, turns.length - 1, leftOut) });
      },
      setDraft: (text) => dispatch({ type: 'draft', text }),
      readSelection() {
        lastReadRef.current = 'read-selection';
        send({ type: 'read-selection', windowId: windowIdRef.current });
      },
      readPage() {
        lastReadRef.current = 'read-page';
        send({ type: 'read-page', windowId: windowIdRef.current });
      },
      grantPageAccessAndRead() {
        // Only the page's own origin when the background named it; every page otherwise.
        const origin = stateRef.current.notice?.params?.origin;
        const origins = typeof origin === 'string' ? [origin] : PAGE_ACCESS_ORIGINS;
        const type = lastReadRef.current;
        // No await before request(): the browser allows it only inside the click.
        void browser.permissions
          .request({ origins })
          .then((granted) => {
            if (granted) send({ type, windowId: windowIdRef.current });
          })
          .catch(() => {});
      },
      discardSelection: () => dispatch({ type: 'discard-selection' }),
      leaveOut: (count) => dispatch({ type: 'leave-out', count }),
      newConversation() {
        dispatch({ type: 'new-conversation' });
        if (connectionRef.current) newConversation(connectionRef.current);
      },
      openConversation(id) {
        if (!connectionRef.current || !openConversation(connectionRef.current, id)) notice(userError('reconnecting'));
      },
      dismissNotice: () => dispatch({ type: 'dismiss-notice' }),
      openSettings: (open) => dispatch({ type: 'open-settings', open }),
      saveSettings: (input) => send({ type: 'save-settings', settings: input }),
      testConnection(input) {
        const requestId = newRequestId();
        dispatch({ type: 'test-connection', requestId });
        send({ type: 'test-connection', requestId, settings: input });
      },
      openDetails(requestId) {
        dispatch({ type: 'open-details', requestId });
        send({ type: 'stream-details', requestId });
      },
      closeDetails: () => dispatch({ type: 'close-details' }),
      historyDeleted: () => void send({ type: 'history.deleted' }),
      findLocalModels(addresses) {
        const requestId = newRequestId();
        dispatch({ type: 'find-local-models', requestId });
        send({ type: 'find-local-models', requestId, addresses });
      },
      listModels(input) {
        const requestId = newRequestId();
        dispatch({ type: 'list-models', requestId });
        send({ type: 'list-models', requestId, settings: input });
      },
      useFirstPart(span) {
        const { selection } = stateRef.current;
        if (selection) dispatch({ type: 'stage-selection', selection: excerptOf(selection, span.start, span.end, { kind: 'first' }) });
      },
      useSections(spans) {
        const { selection } = stateRef.current;
        if (selection && spans.length > 0) dispatch({ type: 'stage-selection', selection: sectionsSelection(selection, spans) });
      },
      sendParts(spans) {
        const current = stateRef.current;
        const { selection } = current;
        if (!selection || spans.length === 0) return;
        if (!current.connected) return notice(userError('reconnecting'));
        if (isAnswering(current)) return notice(userError('busy'));
        const count = spans.length;
        const parts = spans.map((span, i) => excerptOf(selection, span.start, span.end, { kind: 'part', index: i + 1, count }));
        const question = current.draft.trim() || builtinQuestion('summarize', actionsRef.current.translateTo) || '';
        dispatch({ type: 'discard-selection' });
        partsRunRef.current = { parts, question, answers: [], requestId: '' };
        askNextPart();
      },
      openCompare(open) {
        const { settings, compare } = stateRef.current;
        if (open && settings && compare.choice === null) {
          dispatch({ type: 'compare-choice', choice: initialChoice(settings, savedChoiceRef.current) });
        }
        dispatch({ type: 'compare-open', open });
      },
      setCompareChoice: (choice) => dispatch({ type: 'compare-choice', choice }),
      listCompareModels() {
        const { settings, compare } = stateRef.current;
        if (!settings || !compare.choice) return;
        const requestId = newRequestId();
        dispatch({ type: 'compare-list-models', requestId });
        send({ type: 'list-models', requestId, settings: choiceAsSettings(compare.choice, settings) });
      },
      askCompare() {
        const current = stateRef.current;
        const { settings, draft } = current;
        const choice = current.compare.choice;
        if (!settings || !choice) return;
        const problem = askProblem(current, draft, 2) ?? choiceProblem(choice, settings);
        if (problem) return notice(problem);
        const url = choiceUrl(choice, settings);
        // No await before the request: the browser allows its prompt only inside the click.
        // Refused or not, both are asked: the background says in that column which address it may not reach.
        void (url ? requestHostFor(url) : Promise.resolve(true)).then(() => {
          const now = stateRef.current;
          if (askProblem(now, draft, 2)) return;
          const first = { requestId: newRequestId(), ...firstPair(settings) };
          const second = { requestId: newRequestId(), provider: choice.provider, model: choiceModel(choice, settings) };
          dispatch({ type: 'ask-compare', question: draft, answers: [first, second] });
          // Both are asked the same conversation: the turns up to this question.
          const turns = turnsForRequest(stateRef.current.turns, stateRef.current.turns.length - 2, stateRef.current.leftOut);
          sendAsk({ type: 'ask', requestId: first.requestId, turns });
          sendAsk({ type: 'ask', requestId: second.requestId, turns, choice });
          savedChoiceRef.current = choice;
          saveCompareChoice(choice).catch(() => {});
        });
      },
      stopAnswer: (requestId) => void send({ type: 'stop', requestId }),
      pickAnswer: (requestId) => dispatch({ type: 'pick-answer', requestId }),
    };
  }, []);

  // A layout effect: it only starts the connection, and an effect would start it a frame late
  // (Preact runs effects after the next frame is drawn), which the panel's open would wait for.
  useLayoutEffect(() => {
    let disposed = false;
    let unfollow = () => {};
    const onMessage = (message: BackgroundMessage) => {
      dispatch({ type: 'background', message, at: Date.now() });
      if (message.type === 'conversation') {
        if (!stateRef.current.connected) dispatch({ type: 'connected' });
        // This tab's conversation (or one opened from history): it replaces what is shown;
        // answers still streaming in the background are re-attached to.
        const { selection, draft, conversationId: shownBefore, storage: storageBefore } = stateRef.current;
        dispatch({ type: 'restore', saved: { ...fromStored({ turns: message.turns, selection, draft }) } });
        followDraft(
          message.id,
          message.storage === 'private',
          draft !== '' || selection !== null,
          shownBefore,
          storageBefore === 'private',
        );
        shapeRef.current = conversationShape(stateRef.current);
        for (const requestId of resumableRequestIds(stateRef.current)) send({ type: 'attach', requestId });
        // Details asked for while the port was down, or of a background that stopped before
        // it answered, are asked again, now that the background knows this panel's conversation.
        const details = stateRef.current.streamDetails;
        if (details?.status === 'loading') send({ type: 'stream-details', requestId: details.requestId });
      }
      followPartsRun(message);
      // An ask that waited for its count runs now, unless the selection turned out too long.
      if (message.type === 'token-count' && pendingAskRef.current && stateRef.current.tokenCount?.requestId === message.requestId) {
        const pending = pendingAskRef.current;
        clearTimeout(pending.timer);
        pendingAskRef.current = null;
        if (!isOverBudget(stateRef.current.selection, stateRef.current.tokenCount)) pending.run();
      }
      // An action from the context menu runs at once, once the state has the selection.
      if (message.type === 'selection' && message.action) commands.runAction(message.action);
    };
    const start = async () => {
      // Before connecting: a selection handed over with an action runs that action. The reads
      // go out together (one after another they were ~15 ms of the panel's open).
      const [actions, savedChoice, windowId, tab] = await Promise.all([
        loadActions(),
        loadCompareChoice(),
        browser.windows.getCurrent().then(
          (window) => window?.id,
          () => undefined,
        ),
        findPanelTab(browserPanelTabApi()),
      ]);
      actionsRef.current = actions;
      savedChoiceRef.current = savedChoice;
      windowIdRef.current = windowId;
      tabIdRef.current = tab.tabId;
      if (disposed) return;
      for (const problem of takeStorageProblems()) dispatch({ type: 'background', message: { type: 'notice', error: problem } });
      connectionRef.current = connectToBackground(
        {
          onMessage,
          // Connected once the hello's conversation is in (onMessage): a command before that
          // would be undone by it.
          onConnected: () => {},
          onDisconnected: () => dispatch({ type: 'disconnected' }),
        },
        () => ({
          type: 'hello',
          windowId: windowIdRef.current,
          ...(tabIdRef.current !== undefined ? { tabId: tabIdRef.current } : {}),
        }),
      );
      // The side panel and the sidebar follow the active tab: its conversation comes in.
      unfollow = tab.follow((tabId) => {
        if (tabId === tabIdRef.current) return;
        saveTurns();
        tabIdRef.current = tabId;
        send({ type: 'conversation.tab', tabId });
      });
    };
    void start();
    return () => {
      disposed = true;
      unfollow();
      connectionRef.current?.close();
    };
  }, [commands]);

  // The turns go to the background when their shape changes (a turn added, an answer's
  // status); the background itself writes answer text as it streams.
  const shapeRef = useRef('');
  useEffect(() => {
    if (state.conversationId === null) return;
    const shape = conversationShape(state);
    if (shape === shapeRef.current) return;
    shapeRef.current = shape;
    saveTurns();
  }, [state.turns, state.conversationId]);

  // What the user is about to send is kept as it changes, and when the panel closes.
  useEffect(() => {
    const timer = setTimeout(keepDraft, DRAFT_SAVE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [state.draft, state.selection, state.conversationId]);
  useEffect(() => {
    addEventListener('pagehide', keepDraftOnClose);
    return () => removeEventListener('pagehide', keepDraftOnClose);
  }, []);

  // The staged selection, or a follow-up's conversation, is measured when it, the draft, the
  // conversation (a turn added, an answer ended, turns left out) or the settings change.
  const answersDone = state.turns.filter((turn) => turn.role === 'assistant' && !isLive(turn.status)).length;
  useEffect(() => {
    if (!state.connected || (!state.selection && (answersDone === 0 || isAnswering(stateRef.current)))) return;
    // A follow-up's draft hardly changes its count: it is measured less often while typed.
    const timer = setTimeout(requestCount, state.selection ? COUNT_DEBOUNCE_MS : FOLLOW_UP_COUNT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [state.selection, state.draft, state.turns.length, answersDone, state.leftOut, state.settings, state.connected]);

  return { state, commands, actions };
}
