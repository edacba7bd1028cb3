/**
 * The budget before sending, in real Chromium and real Firefox, against the mock provider:
 * an OpenAI-compatible model whose list reports a 2,048-token window (`mock-small-2k`),
 * a long selection staged from a loopback page, the warning with where the cut falls and
 * the three choices, and nothing sent until one is chosen; "first part" then sends only
 * the first part; "parts one after another" sends every part alone, in order, then one
 * request that combines their answers (a summary of summaries). With Anthropic the count comes from the mock's count_tokens, exact.
 * A follow-up is measured too: over the window it waits until the user leaves the first
 * exchange out, which is then not sent and stays in view, marked.
 *
 * A selection read from a page has no headings, so there "pick sections" shows as disabled
 * with its reason; the whole page read with Ask about this page has them: two of its six
 * sections are picked, and only they are sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicCountTokens } from '../mock-provider/anthropic.ts';
import { startMockProvider, type MockProvider } from '../mock-provider/server.ts';
import { launchChromiumWithExtension } from './harness/chromium.ts';
import { launchFirefoxWithExtension } from './harness/firefox.ts';
import { selectTextExpression, startPageServer, type PageServer } from './harness/pages.ts';
import { CHROME_E2E_BUILD, FIREFOX_E2E_BUILD, requireBuild, waitFor } from './harness/paths.ts';
import { tabIdOfUrl } from './harness/driver.ts';

interface Driver {
  click(testId: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  selectLong(): Promise<string>;
  /** Shows another page of the test server in the tab the panel belongs to. */
  showPage(path: string): Promise<void>;
}

const PARAGRAPHS = Array.from(
  { length: 90 },
  (_, i) => `Paragraph number ${i + 1} tells the long story of the river, the mill and the village around it, one sentence at a time.`,
);
const LONG_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Long article</title></head><body>
<div id="long">${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('\n')}</div></body></html>`;

const SECTIONS = ['The river', 'The mill', 'The village', 'The harbour', 'The hills', 'The road'];
const sectionParagraph = (section: string, i: number) =>
  `${section} section, paragraph ${i + 1}, goes on about ${section.toLowerCase()} for one sentence more than it needs to.`;
/** About 1,700 characters under each of six headings: the page is far over a 2,048-token window, two sections fit. */
const SECTIONS_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Sections article</title></head><body><article>
<h1>Sections article</h1>
${SECTIONS.map((section) => `<h2>${section}</h2>\n${Array.from({ length: 15 }, (_, i) => `<p>${sectionParagraph(section, i)}</p>`).join('\n')}`).join('\n')}
</article></body></html>`;

const testid = (id: string) => `[data-testid="${id}"]`;
const $ = (id: string) => `document.querySelector('${testid(id)}')`;
const api = `(globalThis.browser ?? globalThis.chrome)`;
/** Sets an input's or a select's value as typing or choosing would (Preact listens to input and change). */
const setValue = (id: string, value: string) =>
  `(() => { const el = ${$(id)}; el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); return true; })()`;

const chatBodies = (mock: MockProvider) =>
  mock.requests.filter((r) => r.chat).map((r) => r.body as { messages: { role: string; content: string }[] });

function budgetTests(
  name: string,
  setup: () => Promise<{ driver: Driver; mock: MockProvider; pages: PageServer; teardown(): Promise<void> }>,
) {
  describe(`the budget before sending in ${name}`, () => {
    let driver: Driver;
    let mock: MockProvider;
    let pages: PageServer;
    let teardown: () => Promise<void>;

    /** Settings as typed: provider, key, base URL, model, max output tokens; then Save. */
    async function configure(provider: string, baseUrl: string, model: string, firstTime: boolean) {
      await driver.waitFor($('settings-form'), 'the settings form', 30_000);
      await driver.evaluate(setValue('provider', provider));
      await driver.evaluate(setValue('api-key', 'sk-e2e-budget'));
      await driver.evaluate(setValue('base-url', baseUrl));
      await driver.evaluate(setValue('model', model));
      await driver.evaluate(setValue('model-max-tokens', '256'));
      await driver.click('save-settings');
      // Saved (the first settings open the conversation; later ones keep the form open until closed).
      await driver.waitFor(
        `(async () => JSON.stringify(await ${api}.storage.local.get(null)).includes(${JSON.stringify(model)}))()`,
        'the settings to be saved',
        30_000,
      );
      if (!firstTime) await driver.click('open-settings');
      await driver.waitFor($('composer'), 'the composer', 30_000);
    }

    /** Stages the long passage as "Ask Aside about this" would (the menu entry, through the background). */
    async function stageLong() {
      expect((await driver.selectLong()).length).toBeGreaterThan(9000);
      const clicked = await driver.evaluate<{ clicked: boolean }>(
        `${api}.runtime.sendMessage({ type: 'aside-e2e:menu-click', menuItemId: 'aside-ask', url: ${JSON.stringify(pages.url('/long.html'))} })`,
      );
      expect(clicked).toEqual({ clicked: true });
      await driver.waitFor($('selection-card'), 'the staged selection', 15_000);
    }

    beforeAll(async () => {
      ({ driver, mock, pages, teardown } = await setup());
      await configure('openai-compatible', `${mock.url}/v1`, 'mock-small-2k', true);
    });

    afterAll(async () => {
      await teardown?.();
    });

    it('a selection over the model’s window shows the warning, where the cut falls, and the choices; nothing is sent', async () => {
      const chatsBefore = chatBodies(mock).length;
      await stageLong();
      await driver.waitFor($('budget-over'), 'the budget warning', 20_000);
      const line = await driver.evaluate<string>(`${$('budget')}.textContent`);
      expect(line).toMatch(/^[\d,]+ characters · ≈[\d,]+ tokens · of a 2,048-token window$/);
      const warning = await driver.evaluate<string>(`${$('budget-over')}.textContent`);
      expect(warning).toContain('the window holds 2,048');
      expect(await driver.evaluate<string>(`${$('budget-cut')}.textContent`)).toMatch(
        /^What fits ends after “.*one sentence at a time\.”\.$/,
      );
      for (const id of ['budget-first-part', 'budget-parts', 'budget-sections']) {
        expect(await driver.evaluate<boolean>(`!!${$(id)}`)).toBe(true);
      }
      expect(await driver.evaluate<string>(`${$('budget-parts')}.textContent`)).toMatch(
        /^Send \d+ parts one after another, then combine$/,
      );
      // No headings in a page selection: sections are offered, disabled, with the reason.
      expect(await driver.evaluate<boolean>(`${$('budget-sections')}.disabled`)).toBe(true);
      expect(await driver.evaluate<boolean>(`!!${$('budget-sections-none')}`)).toBe(true);
      // The actions wait for a choice.
      expect(await driver.evaluate<boolean>(`${$('summarize')}.disabled`)).toBe(true);
      expect(chatBodies(mock).length).toBe(chatsBefore);
    });

    it('“first part” stages what fits; asking then sends only that part, marked as the first part', async () => {
      await driver.click('budget-first-part');
      await driver.waitFor(`!${$('budget-over')} && !${$('summarize')}.disabled`, 'the first part to fit', 20_000);
      const chatsBefore = chatBodies(mock).length;
      mock.enqueue({ text: ['The river ', 'and the mill.'], delayMs: 5 });
      await driver.click('summarize');
      await driver.waitFor(
        `[...document.querySelectorAll('${testid('answer')}')].at(-1)?.dataset.status === 'complete'`,
        'the answer',
        30_000,
      );
      const bodies = chatBodies(mock);
      expect(bodies.length).toBe(chatsBefore + 1);
      const sent = bodies
        .at(-1)!
        .messages.map((m) => m.content)
        .join('\n');
      expect(sent).toContain(PARAGRAPHS[0]);
      expect(sent).not.toContain(PARAGRAPHS.at(-1));
      expect(sent).toContain('This is only the first part of a longer text');
    });

    it('a follow-up over the window waits; leaving out the first exchange sends the rest, and says what was left out', async () => {
      // The conversation now holds the first part (most of the window) and its answer.
      await driver.waitFor($('conversation-budget'), 'the follow-up’s budget line', 20_000);
      expect(await driver.evaluate<string>(`${$('conversation-budget')}.textContent`)).toMatch(
        /^With the conversation so far · ≈[\d,]+ tokens · of a 2,048-token window$/,
      );
      expect(await driver.evaluate<boolean>(`!!${$('conversation-over')}`)).toBe(false);
      const question = 'Tell me more about the river and where it goes. '.repeat(25).trim();
      await driver.evaluate(setValue('composer', question));
      await driver.waitFor($('conversation-over'), 'the warning for the follow-up', 20_000);
      expect(await driver.evaluate<string>(`${$('conversation-over')}.textContent`)).toContain('the window holds 2,048');
      // Sending now is refused with the reason; nothing reaches the provider.
      const chatsBefore = chatBodies(mock).length;
      await driver.click('send');
      await driver.waitFor(`${$('notice')}?.textContent.includes('no longer fits')`, 'the reason it was not sent');
      expect(chatBodies(mock).length).toBe(chatsBefore);

      expect(await driver.evaluate<string>(`${$('conversation-leave-out')}.textContent`)).toBe('Leave out the first exchange');
      await driver.click('conversation-leave-out');
      await driver.waitFor(
        `${$('left-out-note')} && ${$('conversation-budget')} && !${$('conversation-over')}`,
        'the cut, measured again, to fit',
        20_000,
      );
      expect(await driver.evaluate<string>(`${$('left-out-note')}.textContent`)).toContain(
        'The exchange above is not sent to the model any more',
      );
      mock.enqueue({ text: ['The river ', 'goes to the sea.'], delayMs: 5 });
      await driver.click('send');
      await driver.waitFor(
        `[...document.querySelectorAll('${testid('answer-text')}')].at(-1)?.textContent === 'The river goes to the sea.'`,
        'the follow-up’s answer',
        30_000,
      );
      const sent = chatBodies(mock)
        .at(-1)!
        .messages.filter((m) => m.role !== 'system');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.content).toContain('Tell me more about the river');
      expect(sent[0]!.content).not.toContain(PARAGRAPHS[0]);
      // The left-out exchange is still shown, and can be sent again.
      expect(await driver.evaluate<string>(`${$('left-out-turns')}.textContent`)).toContain('The river and the mill.');
      await driver.click('send-all-turns');
      await driver.waitFor(`!${$('left-out-note')}`, 'every turn sent again');
    });

    it('“parts one after another” sends each part alone, then one request that combines their answers', async () => {
      await driver.click('new-chat');
      await stageLong();
      await driver.waitFor($('budget-parts'), 'the parts choice', 20_000);
      const count = Number((await driver.evaluate<string>(`${$('budget-parts')}.textContent`)).match(/\d+/)![0]);
      expect(count).toBeGreaterThan(1);
      const chatsBefore = chatBodies(mock).length;
      for (let i = 1; i <= count; i++) mock.enqueue({ text: [`Summary `, `of part ${i}.`], delayMs: 5 });
      mock.enqueue({ text: ['All ', 'parts ', 'combined.'], delayMs: 5 });
      await driver.click('budget-parts');
      await driver.waitFor(
        `document.querySelectorAll('${testid('answer')}').length === ${count + 1} && [...document.querySelectorAll('${testid('answer')}')].at(-1).dataset.status === 'complete' && [...document.querySelectorAll('${testid('answer-text')}')].at(-1).textContent === 'All parts combined.'`,
        'every part answered, then the combined answer',
        60_000,
      );
      const bodies = chatBodies(mock).slice(chatsBefore);
      expect(bodies).toHaveLength(count + 1);
      const texts = bodies.map((body) => body.messages.map((m) => m.content).join('\n'));
      // Each part alone (one user message after the system prompt), in order, the whole text covered once.
      for (let i = 0; i < count; i++) {
        expect(bodies[i]!.messages.filter((m) => m.role !== 'system')).toHaveLength(1);
        expect(texts[i]).toContain(`(part ${i + 1} of ${count})`);
      }
      expect(texts[0]).toContain(PARAGRAPHS[0]);
      expect(texts[0]).not.toContain(PARAGRAPHS.at(-1));
      expect(texts[count - 1]).toContain(PARAGRAPHS.at(-1));
      for (const paragraph of PARAGRAPHS)
        expect(texts.slice(0, count).filter((t) => t.includes(paragraph)).length).toBeGreaterThanOrEqual(1);
      // The last request carries the parts' answers, not the text.
      for (let i = 1; i <= count; i++) expect(texts[count]).toContain(`Part ${i} of ${count}:\nSummary of part ${i}.`);
      expect(texts[count]).not.toContain(PARAGRAPHS[0]);

      // A follow-up carries the parts' questions and answers, not the text that did not fit.
      mock.enqueue({ text: ['The mill ', 'again.'], delayMs: 5 });
      await driver.evaluate(setValue('composer', 'And the mill?'));
      await driver.click('send');
      await driver.waitFor(
        `[...document.querySelectorAll('${testid('answer-text')}')].at(-1).textContent === 'The mill again.'`,
        'the follow-up’s answer',
        30_000,
      );
      const followUp = chatBodies(mock)
        .at(-1)!
        .messages.map((m) => m.content)
        .join('\n');
      expect(followUp).toContain('And the mill?');
      expect(followUp).toContain('Summary of part 1.');
      expect(followUp).toContain('All parts combined.');
      expect(followUp).not.toContain(PARAGRAPHS[0]);
    });

    it('“pick sections” on a page read whole: the chosen sections alone are sent', async () => {
      await driver.click('new-chat');
      await driver.showPage('/sections.html');
      await driver.click('use-page');
      await driver.waitFor($('budget-over'), 'the budget warning for the whole page', 20_000);
      expect(await driver.evaluate<boolean>(`${$('budget-sections')}.disabled`)).toBe(false);
      await driver.click('budget-sections');
      await driver.waitFor($('budget-section-list'), 'the sections');
      const labels = await driver.evaluate<string[]>(
        `[...document.querySelectorAll('${testid('budget-section')}')].map((box) => box.closest('label').textContent)`,
      );
      for (const section of SECTIONS) expect(labels.some((label) => label.startsWith(section))).toBe(true);
      // Nothing chosen yet: nothing to use.
      expect(await driver.evaluate<boolean>(`${$('budget-sections-use')}.disabled`)).toBe(true);
      const choose = (section: string) =>
        driver.evaluate(
          `([...document.querySelectorAll('${testid('budget-section')}')].find((box) => box.closest('label').textContent.startsWith(${JSON.stringify(section)})).click(), true)`,
        );
      await choose('The mill');
      await choose('The harbour');
      await driver.waitFor(`!${$('budget-sections-use')}.disabled`, 'two sections that fit');
      await driver.click('budget-sections-use');
      await driver.waitFor(`!${$('budget-over')} && !${$('summarize')}.disabled`, 'the chosen sections to fit', 20_000);
      const chatsBefore = chatBodies(mock).length;
      mock.enqueue({ text: ['The mill ', 'and the harbour.'], delayMs: 5 });
      await driver.click('summarize');
      await driver.waitFor(
        `[...document.querySelectorAll('${testid('answer-text')}')].at(-1)?.textContent === 'The mill and the harbour.'`,
        'the answer about the sections',
        30_000,
      );
      expect(chatBodies(mock).length).toBe(chatsBefore + 1);
      const sent = chatBodies(mock)
        .at(-1)!
        .messages.map((m) => m.content)
        .join('\n');
      for (const section of ['The mill', 'The harbour']) {
        expect(sent).toContain(sectionParagraph(section, 0));
        expect(sent).toContain(sectionParagraph(section, 14));
      }
      for (const section of ['The river', 'The village', 'The hills', 'The road']) expect(sent).not.toContain(`${section} section`);
      await driver.showPage('/long.html'); // where the next test selects
    });

    it('with Anthropic the tokens are counted by count_tokens, exactly', async () => {
      await driver.click('open-settings');
      await configure('anthropic', mock.url, 'claude-sonnet-4-5-20250929', false);
      const countsBefore = mock.requests.filter((r) => r.path === '/v1/messages/count_tokens').length;
      await stageLong();
      await driver.waitFor(`${$('budget')}?.textContent.includes('(counted)')`, 'an exact count', 20_000);
      const counts = mock.requests.filter((r) => r.path === '/v1/messages/count_tokens');
      expect(counts.length).toBeGreaterThan(countsBefore);
      const last = counts.at(-1)!;
      expect(last.headers['x-api-key']).toBe('sk-e2e-budget');
      expect(Object.keys(last.body as object).sort()).toEqual(['messages', 'model', 'system']);
      const expected = (JSON.parse(anthropicCountTokens(last.body)) as { input_tokens: number }).input_tokens;
      const line = await driver.evaluate<string>(`${$('budget')}.textContent`);
      expect(line).toContain(`${expected.toLocaleString('en')} tokens (counted)`);
      expect(line).toContain('of a 200,000-token window');
      expect(await driver.evaluate<boolean>(`!!${$('budget-over')}`)).toBe(false);
    });
  });
}

budgetTests('Chromium', async () => {
  requireBuild(CHROME_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer({ '/long.html': LONG_HTML, '/sections.html': SECTIONS_HTML });
  const chrome = await launchChromiumWithExtension(CHROME_E2E_BUILD);
  const article = await chrome.context.newPage();
  await article.goto(pages.url('/long.html'));
  const panel = await chrome.openExtensionPage('sidepanel.html');
  const tabId = await panel.evaluate<number>(tabIdOfUrl(pages.url('/long.html')));
  await panel.goto(panel.url().replace(/sidepanel\.html.*$/, `sidepanel.html?tab=${tabId}`));
  await panel.setViewportSize({ width: 400, height: 800 });
  const driver: Driver = {
    click: (id) => panel.locator(testid(id)).last().click(),
    evaluate: (expression) => panel.evaluate(expression),
    // Polled with evaluate: waitForFunction with a string needs eval, which the panel's CSP forbids.
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await waitFor(what, async () => ((await panel.evaluate(expression)) ? true : undefined), { timeoutMs });
    },
    selectLong: () => article.evaluate<string>(selectTextExpression('#long')),
    showPage: async (path) => {
      await article.goto(pages.url(path));
    },
  };
  return {
    driver,
    mock,
    pages,
    teardown: async () => {
      await chrome.close();
      await pages.close();
      await mock.close();
    },
  };
});

budgetTests('Firefox', async () => {
  requireBuild(FIREFOX_E2E_BUILD);
  const mock = await startMockProvider();
  const pages = await startPageServer({ '/long.html': LONG_HTML, '/sections.html': SECTIONS_HTML });
  const firefox = await launchFirefoxWithExtension(FIREFOX_E2E_BUILD);
  await firefox.openExtensionPage('sidepanel.html', { from: pages.url('/blank.html') });
  const panelTab = firefox.context;
  const articleTab = await firefox.newTab(pages.url('/long.html'));
  firefox.use(panelTab);
  const tabId = await firefox.evaluate<number>(tabIdOfUrl(pages.url('/long.html')));
  await firefox.openExtensionPage(`sidepanel.html?tab=${tabId}`, { from: pages.url('/blank.html') });
  const driver: Driver = {
    click: async (id) => {
      await firefox.evaluate(
        `(() => { const all = document.querySelectorAll('${testid(id)}'); all.forEach((el, i) => i === all.length - 1 ? el.setAttribute('data-e2e-target', '') : el.removeAttribute('data-e2e-target')); return all.length > 0; })()`,
      );
      await firefox.click(`${testid(id)}[data-e2e-target]`);
    },
    evaluate: (expression) => firefox.evaluate(expression),
    waitFor: async (expression, what, timeoutMs = 10_000) => {
      await firefox.waitFor(expression, { what, timeoutMs });
    },
    selectLong: () => firefox.evaluate<string>(selectTextExpression('#long'), { context: articleTab }),
    showPage: async (path) => {
      firefox.use(articleTab);
      try {
        await firefox.navigate(pages.url(path));
      } finally {
        firefox.use(panelTab);
      }
    },
  };
  return {
    driver,
    mock,
    pages,
    teardown: async () => {
      await firefox.close();
      await pages.close();
      await mock.close();
    },
  };
});
