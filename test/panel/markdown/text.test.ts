import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, isSafeCut, splitText } from '../../../src/panel/markdown/text.ts';
import { hostOf, liveLinkUrl, openableImageUrl } from '../../../src/panel/markdown/urls.ts';

describe('splitText', () => {
  it('bounds every piece and never cuts a surrogate pair, a ZWJ sequence or a flag', () => {
    const text = '👩‍👩‍👧🇫🇷é漢'.repeat(400);
    const pieces = splitText(text, 100);
    expect(pieces.join('')).toBe(text);
    let at = 0;
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(100);
      at += piece.length;
      expect(isSafeCut(text, at)).toBe(true);
    }
  });

  it('joins back to the text, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.integer({ min: 2, max: 300 }), (text, max) => {
        const pieces = splitText(text, max);
        expect(pieces.join('')).toBe(text);
        for (const piece of pieces) {
          expect(piece.length).toBeLessThanOrEqual(max);
          expect(/^[\udc00-\udfff]/.test(piece)).toBe(false);
        }
      }),
    );
  });
});

describe('urls', () => {
  it.each([
    ['https://a.example/x', 'https://a.example/x'],
    ['HTTP://A.example', 'HTTP://A.example'],
    ['mailto:me@x.example', 'mailto:me@x.example'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    ['&#106;avascript:alert(1)', null],
    ['&#x6A;avascript:alert(1)', null],
    ['java&#x09;script:alert(1)', null],
    ['java\nscript:alert(1)', null],
    [' \u0001javascript:alert(1)', null],
    ['javascript&colon;alert(1)', null],
    ['%6Aavascript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['vbscript:msgbox(1)', null],
    ['/relative', null],
    ['//host.example/x', null],
    ['file:///etc/passwd', null],
  ])('%s → %s', (href, live) => {
    expect(liveLinkUrl(href)).toBe(live);
  });

  it('images open only over http(s); the host is shown', () => {
    expect(openableImageUrl('https://attacker.example/?q=secret')).toBe('https://attacker.example/?q=secret');
    expect(openableImageUrl('mailto:x@y')).toBeNull();
    expect(hostOf('https://user:pw@Attacker.Example:8080/p')).toBe('attacker.example');
  });

  it('decodes entities', () => {
    expect(decodeEntities('&lt;&#65;&#x42;&unknown;&amp;')).toBe('<AB&unknown;&');
  });
});
