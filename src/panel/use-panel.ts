/**
 * Connects the panel's state to the background and to storage: one hook, so components
 * only render state and call the returned commands.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { BackgroundMessage, PanelMessage, SettingsInput } from '../messaging/protocol.ts';
import { userError } from '../shared/errors.ts';
import { takeStorageProblems } from '../storage/item.ts';
import { loadActions } from '../storage/actions.ts';
import type { ActionList, TurnAction } from '../shared/actions.ts';
import { connectToBackground, newConversation, openConversation, type BackgroundConnection } from './connection.ts';
import { actionAsk, pageFallsBack, withPage } from './actions/run-action.ts';
import { useActions } from './actions/use-actions.ts';
import { browserPanelTabApi, findPanelTab } from './panel-tab.ts';
import { fromStored, toStored } from './saved-conversation.ts';
import {
  askProblem,
  canContinue,
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
  /** A new chat in this tab (the old one stays in history). */
  newConversation(): void;
  /** Load an old conversation (by its history id) into this tab and continue it. */
  openConversation(id: string): void;
  dismissNotice(): void;
  openSettings(open: boolean): void;
  saveSettings(input: SettingsInput): void;
  testConnection(input: SettingsInput): void;
  listModels(input: SettingsInput): void;
  /** Opens the stream details of an answer (asks the background for them). */
  openDetails(requestId: string): void;
  closeDetails(): void;
}

/** What must be saved at once when it changes: the turns and how each answer stands. */
function conversationShape(state: PanelState): string {
  return state.turns.map((turn) => (turn.role === 'user' ? 'u' : `${turn.requestId}:${turn.status}`)).join('|');
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
      const requestId = newRequestId();
      dispatch({ type: 'ask', requestId, question, ...(prompt ? { prompt } : {}) });
      const { turns } = stateRef.current;
      sendAsk({ type: 'ask', requestId, turns: turnsForRequest(turns, turns.length - 1) });
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
        sendAsk({ type: 'ask', requestId: newRequestId_, turns: turnsForRequest(current.turns, index) });
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
        sendAsk({ type: 'ask', requestId: newRequestId_, turns: turnsForRequest(stateRef.current.turns, index + 1), continue: true });
      },
      startEdit: (index) => dispatch({ type: 'edit-start', index }),
      cancelEdit: () => dispatch({ type: 'edit-cancel' }),
      resendEdit(index, question) {
        const problem = editProblem(stateRef.current, index, question);
        if (problem) return notice(problem);
        const requestId = newRequestId();
        dispatch({ type: 'edit-resend', index, question, requestId });
        const { turns } = stateRef.current;
        sendAsk({ type: 'ask', requestId, turns: turnsForRequest(turns, turns.length - 1) });
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
      listModels(input) {
        const requestId = newRequestId();
        dispatch({ type: 'list-models', requestId });
        send({ type: 'list-models', requestId, settings: input });
      },
    };
  }, []);

  useEffect(() => {
    let disposed = false;
    let unfollow = () => {};
    const onMessage = (message: BackgroundMessage) => {
      dispatch({ type: 'background', message, at: Date.now() });
      if (message.type === 'conversation') {
        // This tab's conversation (or one opened from history): it replaces what is shown;
        // answers still streaming in the background are re-attached to.
        const { selection, draft } = stateRef.current;
        dispatch({ type: 'restore', saved: { ...fromStored({ turns: message.turns, selection, draft }) } });
        shapeRef.current = conversationShape(stateRef.current);
        for (const requestId of resumableRequestIds(stateRef.current)) send({ type: 'attach', requestId });
      }
      // An action from the context menu runs at once, once the state has the selection.
      if (message.type === 'selection' && message.action) commands.runAction(message.action);
    };
    const start = async () => {
      // Before connecting: a selection handed over with an action runs that action.
      actionsRef.current = await loadActions();
      try {
        windowIdRef.current = (await browser.windows.getCurrent()).id;
      } catch {
        windowIdRef.current = undefined;
      }
      const tab = await findPanelTab(browserPanelTabApi());
      tabIdRef.current = tab.tabId;
      if (disposed) return;
      for (const problem of takeStorageProblems()) dispatch({ type: 'background', message: { type: 'notice', error: problem } });
      connectionRef.current = connectToBackground(
        {
          onMessage,
          onConnected: () => dispatch({ type: 'connected' }),
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

  return { state, commands, actions };
}
