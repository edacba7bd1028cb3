/**
 * Layout checks as JS expressions, for Playwright's `page.evaluate(string)` and BiDi's
 * `evaluate` alike (both browsers run the same check).
 */

/**
 * What sticks out sideways, as readable strings (empty when nothing does): the document
 * scrolling sideways, one of the panel's own scroll areas doing so, or any element whose
 * right edge is past the viewport's (which a scroll area with `overflow: hidden` would
 * otherwise hide). Content inside the places that scroll sideways on purpose (a table, a
 * code block) is allowed to be wider than the panel; those places themselves are not.
 */
export const HORIZONTAL_OVERFLOW = `(() => {
  const problems = [];
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '');
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) problems.push('document: scrollWidth ' + doc.scrollWidth + ' > clientWidth ' + doc.clientWidth);
  for (const el of document.querySelectorAll('.panel-header, .conversation-scroll, .panel-footer, .settings')) {
    if (el.scrollWidth > el.clientWidth) problems.push(name(el) + ': scrollWidth ' + el.scrollWidth + ' > clientWidth ' + el.clientWidth);
  }
  const sideways = '.md-table, .md pre';
  for (const el of document.querySelectorAll('#app *')) {
    if (el.parentElement?.closest(sideways)) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > doc.clientWidth + 0.5) problems.push(name(el) + ': right edge ' + Math.round(box.right) + ' > ' + doc.clientWidth);
  }
  return problems.slice(0, 20);
})()`;

/** The conversation column's box and the root font size, to check its width and centring. */
export const CONVERSATION_COLUMN = `(() => {
  const column = document.querySelector('.conversation').getBoundingClientRect();
  return {
    left: column.left,
    right: document.documentElement.clientWidth - column.right,
    width: column.width,
    rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
  };
})()`;
