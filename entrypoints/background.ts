import { startBackground } from '@/src/background/index.ts';

export default defineBackground(() => startBackground());
