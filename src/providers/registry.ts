/**
 * Every provider Aside can speak to, by dialect: the one place that chooses between them.
 * To add a provider, write its file (implementing Provider), add one line here, and give
 * it fixtures (test/providers/registry.test.ts runs every registered provider over them).
 */
import type { Dialect } from '../shared/ids.ts';
import { anthropicProvider } from './anthropic.ts';
import { builtinProvider } from './builtin.ts';
import { presetFor } from './catalog.ts';
import { customProvider } from './custom.ts';
import { openAIProvider } from './openai.ts';
import type { EventMapper, Provider, ProviderSettings } from './provider.ts';
import type { StreamFormat } from './types.ts';

export const PROVIDERS: Readonly<Record<Dialect, Provider>> = {
  anthropic: anthropicProvider,
  openai: openAIProvider,
  custom: customProvider,
  builtin: builtinProvider,
};

export function providerFor(dialect: Dialect): Provider {
  return PROVIDERS[dialect];
}

/** The provider the settings choose. */
export function providerForSettings(settings: Pick<ProviderSettings, 'provider'>): Provider {
  return PROVIDERS[presetFor(settings.provider).dialect];
}

/** The event mapper for one stream in this format (SSE formats are named by their dialect). */
export function eventMapperFor(format: StreamFormat): EventMapper {
  const provider = PROVIDERS[format.kind];
  if (!provider?.eventMapper) throw new Error(`Unknown stream format "${(format as { kind: string }).kind}".`);
  return provider.eventMapper(format);
}
