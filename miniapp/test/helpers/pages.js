// Loading pages (written with Component()) through miniprogram-simulate, and launching app.js.
const path = require('path');
const simulate = require('miniprogram-simulate');

const ROOT = path.resolve(__dirname, '../..');

/** Runs app.js's App() definition and makes getApp() return it, as WeChat does before any page. */
function launchApp() {
  let app = null;
  global.App = (definition) => {
    app = definition;
  };
  jest.isolateModules(() => require(path.join(ROOT, 'app.js')));
  app.onLaunch();
  global.getApp = () => app;
  return app;
}

/** simulate.load once per test file (simulate runs a page's JS only on its first load under jest). */
function loadPage(page, tagName) {
  return simulate.load(path.join(ROOT, page), tagName, { rootPath: ROOT });
}

function render(id) {
  const comp = simulate.render(id);
  const parent = document.createElement('div');
  document.body.appendChild(parent);
  comp.attach(parent);
  return comp;
}

/** Lets queued setTimeout answers (fake wx.request, wx.login, …) and their promise chains run. */
async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i += 1) await simulate.sleep(0);
}

const text = (node) => (node ? node.dom.textContent.replace(/\s+/g, ' ').trim() : null);

/** Taps a node and lets what the tap started run. */
async function tap(node, rounds = 10) {
  node.dispatchEvent('tap');
  await settle(rounds);
}

/**
 * The hooks of a test file for one page: the page loaded once; before each test a fresh fake wx, then
 * `before(fake)` (the file's own storage and server), then app.js launched; after each, the page detached.
 * Returns { id, comp, render(), open(options, rounds) }: render() and open() keep the page in `comp`, open() after
 * its onLoad(options) has run and `rounds` of settle().
 */
function usePage(page, tagName, { before } = {}) {
  const fake = global.fakeWx;
  const used = { id: null, comp: null };
  used.render = () => {
    used.comp = render(used.id);
    return used.comp;
  };
  used.open = async (options = {}, rounds = 10) => {
    const comp = used.render();
    await comp.instance.onLoad(options);
    await settle(rounds);
    return comp;
  };

  beforeAll(() => {
    launchApp();
    used.id = loadPage(page, tagName);
  });

  beforeEach(() => {
    fake.reset();
    if (before) before(fake);
    launchApp();
  });

  afterEach(() => {
    if (used.comp) used.comp.detach();
    used.comp = null;
  });

  return used;
}

module.exports = { ROOT, simulate, launchApp, loadPage, render, settle, text, tap, usePage };
