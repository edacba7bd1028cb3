/** The budget line, loaded when a selection is first staged (see lazy-component.tsx). */
import { lazyComponent } from '../lazy-component.tsx';
import type { BudgetLineProps } from './BudgetLine.tsx';

export const LazyBudgetLine = lazyComponent<BudgetLineProps>(() => import('./BudgetLine.tsx').then((module) => module.BudgetLine));
