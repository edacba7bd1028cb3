/**
 * The providers a user can pick, each with its base URL, dialect and a sensible default
 * model. The model picker lists what the provider actually serves (GET /models), so a
 * default only has to be a good first guess.
 */
export const PROVIDER_IDS = [
  'anthropic',
  'openai',
  'gemini',
  'openrouter',
  'groq',
  'deepseek',
  'mistral',
  'xai',
  'together',
  'lmstudio',
  'ollama',
  'openai-compatible',
  'custom-sse',
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ProviderPreset {
  id: ProviderId;
  label: string;
  /** Which request builder and stream reader it uses. */
  dialect: 'anthropic' | 'openai' | 'custom';
  /** "" when the user must enter one. */
  baseUrl: string;
  defaultModel: string;
  /** Whether requests need a key (local servers usually take none). */
  needsKey: boolean;
  /** Where to get a key, shown in settings. */
  keyHint?: string;
  /** Whether the provider can list its models. */
  listsModels: boolean;
}

export const PRESETS: Record<ProviderId, ProviderPreset> = {
  anthropic: {
    id: 'anthropic',
    label: 'Anthropic (Claude)',
    dialect: 'anthropic',
    baseUrl: 'https://api.anthropic.com',
    defaultModel: 'claude-sonnet-5-5',
    needsKey: true,
    keyHint: 'console.anthropic.com → API keys',
    listsModels: true,
  },
  openai: {
    id: 'openai',
    label: 'OpenAI',
    dialect: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    defaultModel: 'gpt-5.4-mini',
    needsKey: true,
    keyHint: 'platform.openai.com → API keys',
    listsModels: true,
  },
  gemini: {
    id: 'gemini',
    label: 'Google Gemini',
    dialect: 'openai',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
    defaultModel: 'gemini-2.5-flash',
    needsKey: true,
    keyHint: 'aistudio.google.com → Get API key',
    listsModels: true,
  },
  openrouter: {
    id: 'openrouter',
    label: 'OpenRouter',
    dialect: 'openai',
    baseUrl: 'https://openrouter.ai/api/v1',
    defaultModel: 'openrouter/auto',
    needsKey: true,
    keyHint: 'openrouter.ai → Keys',
    listsModels: true,
  },
  groq: {
    id: 'groq',
    label: 'Groq',
    dialect: 'openai',
    baseUrl: 'https://api.groq.com/openai/v1',
    defaultModel: 'llama-3.3-70b-versatile',
    needsKey: true,
    keyHint: 'console.groq.com → API Keys',
    listsModels: true,
  },
  deepseek: {
    id: 'deepseek',
    label: 'DeepSeek',
    dialect: 'openai',
    baseUrl: 'https://api.deepseek.com/v1',
    defaultModel: 'deepseek-chat',
    needsKey: true,
    keyHint: 'platform.deepseek.com → API keys',
    listsModels: true,
  },
  mistral: {
    id: 'mistral',
    label: 'Mistral',
    dialect: 'openai',
    baseUrl: 'https://api.mistral.ai/v1',
    defaultModel: 'mistral-medium-latest',
    needsKey: true,
    keyHint: 'console.mistral.ai → API keys',
    listsModels: true,
  },
  xai: {
    id: 'xai',
    label: 'xAI (Grok)',
    dialect: 'openai',
    baseUrl: 'https://api.x.ai/v1',
    defaultModel: 'grok-4',
    needsKey: true,
    keyHint: 'console.x.ai → API keys',
    listsModels: true,
  },
  together: {
    id: 'together',
    label: 'Together AI',
    dialect: 'openai',
    baseUrl: 'https://api.together.xyz/v1',
    defaultModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    needsKey: true,
    keyHint: 'api.together.ai → Settings → API keys',
    listsModels: true,
  },
  lmstudio: {
    id: 'lmstudio',
    label: 'LM Studio (local)',
    dialect: 'openai',
    baseUrl: 'http://localhost:1234/v1',
    defaultModel: '',
    needsKey: false,
    listsModels: true,
  },
  ollama: {
    id: 'ollama',
    label: 'Ollama (local)',
    dialect: 'openai',
    baseUrl: 'http://localhost:11434/v1',
    defaultModel: 'llama3.2',
    needsKey: false,
    listsModels: true,
  },
  'openai-compatible': {
    id: 'openai-compatible',
    label: 'Custom OpenAI-compatible',
    dialect: 'openai',
    baseUrl: '',
    defaultModel: '',
    needsKey: false,
    listsModels: true,
  },
  'custom-sse': {
    id: 'custom-sse',
    label: 'Custom SSE endpoint',
    dialect: 'custom',
    baseUrl: '',
    defaultModel: '',
    needsKey: false,
    listsModels: false,
  },
};

export function presetFor(id: ProviderId): ProviderPreset {
  return PRESETS[id];
}
