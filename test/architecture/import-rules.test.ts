// The import rules of .dependency-cruiser.cjs (npm run lint:imports), run unchanged
// against two small trees under fixtures/: one that breaks every rule once, and one
// that uses every allowed kind of edge and must pass.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;
const tsConfigFile = `${repoRoot}${config.options?.tsConfig?.fileName ?? ''}`;

/** Cruises <fixture>/src and <fixture>/entrypoints with the real rules; returns "rule: from → to". */
async function violationsIn(fixture: string): Promise<string[]> {
  const baseDir = fileURLToPath(new URL(`fixtures/${fixture}/`, import.meta.url));
  const { output } = await cruise(
    ['src', 'entrypoints'],
    {
      ...config.options,
      baseDir,
      tsConfig: { fileName: tsConfigFile },
      validate: true,
      ruleSet: { forbidden: config.forbidden },
      outputType: 'json',
    },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe('import rules (.dependency-cruiser.cjs)', () => {
  it('report each broken rule by name', async () => {
    expect(await violationsIn('violations')).toEqual(
      [
        'sse-standalone: src/sse/bad-imports-providers.ts → src/providers/x.ts',
        'shared-standalone: src/shared/bad-imports-messaging.ts → src/messaging/protocol.ts',
        'providers-layer: src/providers/bad-imports-storage.ts → src/storage/settings.ts',
        'messaging-layer: src/messaging/bad-imports-providers.ts → src/providers/x.ts',
        'storage-layer: src/storage/bad-imports-panel.ts → src/panel/state.ts',
        // settings.ts also has an allowed `import type` from the same module; the value import is caught anyway.
        'storage-messaging-type-only: src/storage/settings.ts → src/messaging/protocol.ts',
        'panel-not-background: src/panel/bad-imports-background.ts → src/background/index.ts',
        'keys-background-only: src/panel/bad-imports-keys.ts → src/storage/keys.ts',
        'panel-providers-catalog-only: src/panel/bad-imports-provider.ts → src/providers/x.ts',
        'background-not-panel: src/background/bad-imports-panel.ts → src/panel/state.ts',
        // Through the `@/` alias: proves it resolves.
        'src-not-entrypoints: src/background/bad-imports-entrypoint.ts → entrypoints/app.ts',
        // A cycle is reported once, at the edge where the cruise first closes it.
        'no-circular: src/background/cycle-a.ts → src/background/cycle-b.ts',
        'no-unresolvable: src/background/bad-unresolvable.ts → ./missing.ts',
      ].sort(),
    );
  });

  it('pass a tree that uses only allowed imports (type-only storage → messaging, panel → catalog, background → keys, @/ alias, npm)', async () => {
    expect(await violationsIn('clean')).toEqual([]);
  });
});
