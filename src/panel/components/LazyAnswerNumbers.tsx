/** The numbers line, loaded with its price table when the first finished answer shows (see lazy-component.tsx). */
import { lazyComponent } from '../lazy-component.tsx';
import type { AnswerNumbersProps } from './AnswerNumbers.tsx';

export const LazyAnswerNumbers = lazyComponent<AnswerNumbersProps>(() =>
  import('./AnswerNumbers.tsx').then((module) => module.AnswerNumbers),
);
