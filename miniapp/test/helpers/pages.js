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

module.exports = { ROOT, simulate, launchApp, loadPage, render, settle, text };
