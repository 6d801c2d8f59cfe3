// Helpers for the 工作台 tests (packageWorker): loading pages that share <worker-gate>, tapping, typing.
const { loadPage, settle, text } = require('./pages');

/**
 * simulate runs a component's JS only the first time jest requires it, so a second page using the shared
 * <worker-gate> would render it empty: each page is loaded in a fresh module registry.
 */
function loadFresh(page, tag) {
  let id;
  jest.isolateModules(() => {
    id = loadPage(page, tag);
  });
  return id;
}

async function tap(node, rounds = 12) {
  if (!node) throw new Error('nothing to tap');
  node.dispatchEvent('tap');
  await settle(rounds);
}

async function type(node, value, rounds = 2) {
  if (!node) throw new Error('nothing to type into');
  node.dispatchEvent('input', { detail: { value } });
  await settle(rounds);
}

async function change(node, value, rounds = 2) {
  node.dispatchEvent('change', { detail: { value } });
  await settle(rounds);
}

const allText = (comp, selector) => comp.querySelectorAll(selector).map(text);

module.exports = { loadFresh, tap, type, change, allText };
