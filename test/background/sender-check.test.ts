import { describe, expect, it } from 'vitest';
import { isOwnExtensionPage, type PortSender } from '../../src/background/sender-check.ts';

const CHROME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const CHROME_BASE = `chrome-extension://${CHROME_ID}/`;
const CHROME_ORIGIN = `chrome-extension://${CHROME_ID}`;
const FIREFOX_ID = 'aside@example.org';
const FIREFOX_BASE = 'moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/';

type Row = [name: string, sender: PortSender | undefined, expected: boolean];

describe('isOwnExtensionPage in Chrome', () => {
  const table: Row[] = [
    ['our side panel', { id: CHROME_ID, url: `${CHROME_BASE}sidepanel.html`, origin: CHROME_ORIGIN }, true],
    [
      'our side panel reported with frameId 0',
      { id: CHROME_ID, url: `${CHROME_BASE}sidepanel.html`, origin: CHROME_ORIGIN, frameId: 0 },
      true,
    ],
    [
      'our side panel page opened in a tab',
      { id: CHROME_ID, url: `${CHROME_BASE}sidepanel.html#x`, origin: CHROME_ORIGIN, frameId: 0 },
      true,
    ],
    ['our page without an origin field', { id: CHROME_ID, url: `${CHROME_BASE}sidepanel.html` }, true],
    ['our page without an id field', { url: `${CHROME_BASE}sidepanel.html`, origin: CHROME_ORIGIN }, true],
    [
      'a content script on a web page (our id, a page URL)',
      { id: CHROME_ID, url: 'https://evil.test/page', origin: 'https://evil.test', frameId: 0 },
      false,
    ],
    [
      'a content script in a web page iframe',
      { id: CHROME_ID, url: 'https://ads.test/frame', origin: 'https://ads.test', frameId: 12 },
      false,
    ],
    [
      'another extension page',
      {
        id: 'zyxwvutsrqponmlkzyxwvutsrqponmlk',
        url: 'chrome-extension://zyxwvutsrqponmlkzyxwvutsrqponmlk/p.html',
        origin: 'chrome-extension://zyxwvutsrqponmlkzyxwvutsrqponmlk',
      },
      false,
    ],
    ['another extension claiming our URL', { id: 'zyxwvutsrqponmlkzyxwvutsrqponmlk', url: `${CHROME_BASE}sidepanel.html` }, false],
    ['an extension whose id starts with ours', { url: `chrome-extension://${CHROME_ID}x/sidepanel.html` }, false],
    [
      'our page in a sub-frame (framed by a web page)',
      { id: CHROME_ID, url: `${CHROME_BASE}sidepanel.html`, origin: CHROME_ORIGIN, frameId: 3 },
      false,
    ],
    [
      'our URL with a mismatched web origin',
      { id: CHROME_ID, url: `${CHROME_BASE}sidepanel.html`, origin: 'https://evil.test' },
      false,
    ],
    [
      'our URL with another extension as origin',
      { id: CHROME_ID, url: `${CHROME_BASE}sidepanel.html`, origin: 'chrome-extension://zyxwvutsrqponmlkzyxwvutsrqponmlk' },
      false,
    ],
    ['our URL with an opaque "null" origin', { id: CHROME_ID, url: `${CHROME_BASE}sidepanel.html`, origin: 'null' }, false],
    ['a sender without a url', { id: CHROME_ID, origin: CHROME_ORIGIN, frameId: 0 }, false],
    ['a sender with an empty url', { id: CHROME_ID, url: '', origin: CHROME_ORIGIN }, false],
    ['no sender at all', undefined, false],
    ['a web page URL that mentions our base URL later on', { url: `https://evil.test/?next=${CHROME_BASE}` }, false],
  ];

  it.each(table)('%s → %s', (_name, sender, expected) => {
    expect(isOwnExtensionPage(sender, CHROME_BASE, CHROME_ID)).toBe(expected);
  });
});

describe('isOwnExtensionPage in Firefox (an add-on id and a per-install UUID host)', () => {
  const table: Row[] = [
    ['our sidebar page', { id: FIREFOX_ID, url: `${FIREFOX_BASE}sidepanel.html` }, true],
    ['our page in a tab', { id: FIREFOX_ID, url: `${FIREFOX_BASE}sidepanel.html`, frameId: 0 }, true],
    ['a content script on a web page', { id: FIREFOX_ID, url: 'https://evil.test/', frameId: 0 }, false],
    ['another add-on', { id: 'other@example.org', url: 'moz-extension://11111111-2222-3333-4444-555555555555/p.html' }, false],
    ['our page framed in a web page', { id: FIREFOX_ID, url: `${FIREFOX_BASE}sidepanel.html`, frameId: 1 }, false],
  ];

  it.each(table)('%s → %s', (_name, sender, expected) => {
    expect(isOwnExtensionPage(sender, FIREFOX_BASE, FIREFOX_ID)).toBe(expected);
  });
});
