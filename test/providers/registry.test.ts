/**
 * Every registered provider (src/providers/registry.ts PROVIDERS) against the shared
 * fixture suite (test/helpers/provider-fixtures.ts), through the Provider interface the
 * background uses: buildCall, then stream() over a fake fetch that serves the fixture in
 * odd-sized chunks, batches merged with createChatAccumulator. The list of providers is
 * read from the registry, so a new provider cannot skip it: it fails here until it has
 * fixtures of its dialect and settings to build a call from (`settingsFor`).
 */
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/providers/catalog.ts';
import { createChatAccumulator } from '../../src/providers/chat-stream.ts';
import type { ChatRequest, Provider, ProviderSettings } from '../../src/providers/provider.ts';
import { eventMapperFor, PROVIDERS, providerFor, providerForSettings } from '../../src/providers/registry.ts';
import type { ChatDelta, StreamFormat } from '../../src/providers/types.ts';
import { DIALECTS, PROVIDER_IDS, type Dialect } from '../../src/shared/ids.ts';
import { loadFixture, PROVIDER_FIXTURES, type ProviderFixture } from '../helpers/provider-fixtures.ts';

const REQUEST: ChatRequest = { system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }], maxTokens: 256, stream: true };

/**
 * Settings that make `dialect`'s provider read a fixture: the first preset of that dialect,
 * and for custom endpoints the stream description of the fixture's format. A new dialect
 * does not compile here until it says how its fixtures are called.
 */
function settingsFor(dialect: Dialect, format: StreamFormat): ProviderSettings {
  const preset = Object.values(PRESETS).find((p) => p.dialect === dialect);
  if (!preset) throw new Error(`No preset uses the "${dialect}" provider.`);
  switch (dialect) {
    case 'anthropic':
    case 'openai':
      return { provider: preset.id, model: 'fixture-model', baseUrl: 'https://llm.example.test/v1', custom: null };
    case 'custom': {
      if (format.kind !== 'custom') throw new Error(`A custom fixture has format ${format.kind}.`);
      return {
        provider: preset.id,
        model: '',
        baseUrl: '',
        custom: {
          url: 'https://llm.example.test/stream',
          method: 'POST',
          headers: 'Authorization: Bearer {{key}}',
          bodyTemplate: '',
          dataMode: 'json',
          textPath: format.textPath,
          pattern: '',
          reasoningPath: format.reasoningPath ?? '',
          textMode: format.textMode ?? 'delta',
          doneData: format.doneData ?? '',
          eventType: format.eventType ?? '',
        },
      };
    }
    case 'builtin':
      throw new Error('The built-in provider has no SSE fixtures (test/providers/builtin.test.ts).');
    default: {
      const never: never = dialect;
      throw new Error(`No fixture settings for the "${String(never)}" provider.`);
    }
  }
}

/** Cuts `bytes` into chunks whose sizes cycle through `sizes` (odd sizes cut lines and UTF-8 anywhere). */
function chunksOf(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    out.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return out;
}

/** A fetch serving `chunks` as a 200 SSE body, counting the chunks it has handed out. */
function fixtureFetch(chunks: Uint8Array[]) {
  const state = { delivered: 0, calls: [] as { url: string; init: RequestInit }[], cancelled: false };
  const fetch = (async (url: string, init: RequestInit) => {
    state.calls.push({ url, init });
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const chunk = chunks[state.delivered];
          if (chunk === undefined) return controller.close();
          state.delivered++;
          controller.enqueue(chunk);
        },
        cancel() {
          state.cancelled = true;
        },
      },
      // No read-ahead: a chunk is handed out only when the reader asks for it.
      { highWaterMark: 0 },
    );
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, state };
}

const CHUNKINGS: readonly (readonly number[])[] = [[7], [1, 3, 5, 13], [61], [257, 1]];

const entries = Object.entries(PROVIDERS) as [Dialect, Provider][];

describe('the registry', () => {
  it('has one provider per dialect, under its own name', () => {
    expect(entries.map(([dialect]) => dialect).sort()).toEqual([...DIALECTS].sort());
    for (const [dialect, provider] of entries) {
      expect(provider.dialect, `PROVIDERS.${dialect}`).toBe(dialect);
      expect(providerFor(dialect)).toBe(provider);
    }
  });

  it('chooses every preset’s provider by the preset’s dialect', () => {
    for (const id of PROVIDER_IDS) {
      expect(providerForSettings({ provider: id })).toBe(PROVIDERS[PRESETS[id].dialect]);
    }
  });

  it('gives the event mapper of each SSE format, and refuses an unknown one', () => {
    for (const [dialect, provider] of entries) {
      if (!provider.eventMapper) continue;
      const format = (dialect === 'custom' ? { kind: 'custom', textPath: 'text' } : { kind: dialect }) as StreamFormat;
      expect(eventMapperFor(format)).toEqual(expect.objectContaining({ map: expect.any(Function) }));
    }
    expect(() => eventMapperFor({ kind: 'nope' } as unknown as StreamFormat)).toThrow(/nope/);
  });
});

/**
 * The SSE fixture suite covers the providers that read a body. The browser's own model has
 * no HTTP and no SSE: test/providers/builtin.test.ts runs it over a fake Prompt API instead.
 */
const sseEntries = entries.filter(([dialect]) => dialect !== 'builtin');

describe.each(sseEntries)('provider %s', (dialect, provider) => {
  const fixtures = PROVIDER_FIXTURES.filter((fixture) => fixture.format.kind === dialect);

  it('has fixtures in the shared suite', () => {
    expect(
      fixtures.length,
      `The "${dialect}" provider has no fixtures: add fixtures with format.kind "${dialect}" to PROVIDER_FIXTURES in test/helpers/provider-fixtures.ts.`,
    ).toBeGreaterThan(0);
  });

  describe.each(fixtures.map((fixture): [string, ProviderFixture] => [fixture.name, fixture]))('fixture %s', (_name, fixture) => {
    it('builds a call that reads the fixture’s format', () => {
      const call = provider.buildCall(settingsFor(dialect, fixture.format), 'sk-FIXTURE', REQUEST);
      expect(call.format).toMatchObject(fixture.format);
      expect(call.request.url).toMatch(/^https:\/\/llm\.example\.test\//);
      expect(call.request.method).toBe('POST');
      expect(JSON.stringify(call.request.headers)).toContain('sk-FIXTURE');
    });

    it.each(CHUNKINGS.map((sizes) => [sizes.join(',')]))('streams to the expected answer in chunks of %s bytes', async (sizesText) => {
      const sizes = sizesText.split(',').map(Number);
      const bytes = loadFixture(fixture);
      const chunks = chunksOf(bytes, sizes);
      const { fetch, state } = fixtureFetch(chunks);
      const call = provider.buildCall(settingsFor(dialect, fixture.format), 'sk-FIXTURE', REQUEST);
      const signal = new AbortController().signal;

      const accumulator = createChatAccumulator();
      const batches: ChatDelta[][] = [];
      /** How many chunks had been handed out when each batch arrived. */
      const deliveredAt: number[] = [];
      for await (const batch of provider.stream(call, { signal, fetch })) {
        batches.push(batch);
        deliveredAt.push(state.delivered);
        for (const delta of batch) accumulator.apply(delta);
      }

      expect(accumulator.result()).toEqual(fixture.expected);

      expect(state.calls).toHaveLength(1);
      expect(state.calls[0]!.url).toBe(call.request.url);
      expect(state.calls[0]!.init.signal).toBe(signal);

      // The first batch says "accepted" before any byte of the body is read.
      expect(batches[0]).toEqual([]);
      expect(deliveredAt[0]).toBe(0);
      // Then one batch per chunk, each as soon as its chunk arrived: batch k after chunk k.
      // A format without an end marker may add one last batch when the body ends (its finish).
      const perChunk = deliveredAt.slice(1);
      const tail = perChunk.length > state.delivered ? perChunk.length - state.delivered : 0;
      expect(tail).toBeLessThanOrEqual(1);
      expect(perChunk.slice(0, perChunk.length - tail)).toEqual(Array.from({ length: state.delivered }, (_, i) => i + 1));
      if (tail === 1) expect(batches.at(-1)).toEqual([{ type: 'done' }]);
      // A stream that ended early (end marker, terminal error) was not read further.
      if (state.delivered < chunks.length) expect(state.cancelled).toBe(true);
      else expect(state.delivered).toBe(chunks.length);
    });
  });

  describe('classifyFailure', () => {
    const url = 'https://llm.example.test/v1/chat';
    const classify = (status: number, body: string) => provider.classifyFailure(status, body, { url });
    const anthropicShape = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message } });
    const openaiShape = (message: string, type: string, code: string | null) =>
      JSON.stringify({ error: { message, type, code, param: null } });

    it.each([
      [401, 'auth'],
      [429, 'rate-limit'],
      [529, 'overloaded'],
      [500, 'server'],
    ])('maps %i to %s', (status, kind) => {
      expect(classify(status, '')).toEqual({ kind });
      expect(classify(status, anthropicShape('some_error', 'words')).kind).toBe(kind);
      expect(classify(status, openaiShape('words', 'some_error', null)).kind).toBe(kind);
    });

    it('maps a 429 insufficient_quota to quota', () => {
      const body = openaiShape('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota');
      expect(classify(429, body)).toEqual({ kind: 'quota', providerMessage: 'You exceeded your current quota.' });
    });

    it.each([
      ['the Anthropic shape', anthropicShape('authentication_error', 'invalid x-api-key'), 'invalid x-api-key'],
      [
        'the OpenAI shape',
        openaiShape('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
        'Incorrect API key provided.',
      ],
      ['a string error', '{"error":"Invalid token"}', 'Invalid token'],
      [
        'a body that is not JSON (its start)',
        '  <html><h1>401 Authorization Required</h1></html>\n',
        '<html><h1>401 Authorization Required</h1></html>',
      ],
    ])('returns the provider’s message from %s', (_shape, body, message) => {
      expect(classify(401, body)).toEqual({ kind: 'auth', providerMessage: message });
    });
  });
});
