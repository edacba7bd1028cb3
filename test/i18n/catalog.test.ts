/** The catalogs agree: same keys, same placeholders, a message for every code and provider. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/shared/errors.ts';
import { PROVIDER_IDS } from '../../src/shared/ids.ts';
import { presetFor } from '../../src/providers/catalog.ts';
import { placeholdersOf } from '../../src/panel/i18n/format.ts';
import { flatMessages, LOCALES } from './catalogs.ts';

const en = await flatMessages('en');
const zh = await flatMessages('zh_CN');
const keyPart = (id: string) => id.replaceAll('-', '_');

describe('catalogs', () => {
  it('zh_CN has exactly the keys of en', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('every message uses the same placeholders in every locale', () => {
    for (const key of Object.keys(en)) {
      expect(placeholdersOf(zh[key] ?? '').sort(), key).toEqual(placeholdersOf(en[key]!).sort());
    }
  });

  it('every error code has an error_… message', () => {
    for (const code of ERROR_CODES) expect(en[`error_${keyPart(code)}`], code).toBeTruthy();
  });

  it('every provider has a name, and every provider that needs a key a key hint', () => {
    for (const id of PROVIDER_IDS) {
      expect(en[`provider_${keyPart(id)}`], id).toBeTruthy();
      if (presetFor(id).needsKey) expect(en[`provider_${keyPart(id)}_key_hint`], id).toBeTruthy();
    }
  });

  it('has the manifest, menu and command words', () => {
    for (const key of [
      'extension_name',
      'extension_description',
      'action_title',
      'command_ask',
      'menu_summarize',
      'menu_explain',
      'menu_ask',
    ]) {
      expect(en[key], key).toBeTruthy();
    }
  });

  it('no message has a $ (browser.i18n would read it as a substitution) or is empty', () => {
    for (const locale of LOCALES) {
      const messages = locale === 'en' ? en : zh;
      for (const [key, message] of Object.entries(messages)) {
        expect(message, `${locale} ${key}`).not.toContain('$');
        expect(message.trim(), `${locale} ${key}`).not.toBe('');
      }
    }
  });

  it('Chinese messages are in Chinese, except names and tokens that stay as they are', () => {
    const untranslated = Object.keys(en).filter((key) => zh[key] === en[key]);
    for (const key of untranslated) {
      expect(key, `${key} is the same in zh_CN as in en`).toMatch(/^(extension_name|language_(en|zh_CN)|provider_|field_url$)/);
    }
  });
});
