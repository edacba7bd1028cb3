/** A follow-up's budget line, loaded when it first shows, after an answer (see lazy-component.tsx). */
import { lazyComponent } from '../lazy-component.tsx';
import type { ConversationBudgetLineProps } from './ConversationBudgetLine.tsx';

export const LazyConversationBudgetLine = lazyComponent<ConversationBudgetLineProps>(() =>
  import('./ConversationBudgetLine.tsx').then((module) => module.ConversationBudgetLine),
);
