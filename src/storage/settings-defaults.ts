/** Defaults shared by storage and pure validation (no browser APIs here). */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';
export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
