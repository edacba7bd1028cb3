/** Settings › Actions, loaded when settings first show (see lazy-component.tsx). */
import { lazyComponent } from '../lazy-component.tsx';

export const LazyActionsSettings = lazyComponent(() => import('./ActionsSettings.tsx').then((module) => module.ActionsSettings));
