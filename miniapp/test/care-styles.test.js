// 关怀模式 (POLICY.md 适老化), checked on the style sheets and templates of the pages that promise it:
// in the care mode no text is smaller than 18 px (36 rpx at 375 px), and everything tappable is a
// button, a chip or a .tap-target, whose care-mode height is at least 60 px.
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./helpers/pages');
const { rules: wxssRules } = require('./helpers/wxss');

const PAGES = [
  'pages/home/index',
  'pages/services/index',
  'pages/facility/index',
  'pages/me/index',
  'components/privacy-sheet/index',
  'components/region-picker/index',
  'packageMe/pages/profile/index',
];
const CHARITY_PAGES = ['campaigns', 'campaign', 'give', 'gifts', 'gift', 'ledger'].map((p) => `packageCharity/pages/${p}/index`);
const TIMEBANK_PAGES = ['index', 'register', 'opportunities', 'opportunity', 'bookings', 'account', 'transfer', 'redeem', 'confirm']
  .map((p) => `packageTimebank/pages/${p}/index`)
  .concat(['packageTimebank/components/login-gate/index']);
const WORKER_PAGES = ['index', 'queue', 'application', 'logs', 'gifts', 'counter', 'emergency', 'occupancy']
  .map((p) => `packageWorker/pages/${p}/index`)
  .concat(['packageWorker/components/gate/index']);
const ASSISTANCE_PAGES = ['programs', 'check', 'apply', 'applications', 'application'].map((p) => `packageAssistance/pages/${p}/index`);
const MIN_CARE_FONT_PX = 18;
const MIN_CARE_TARGET_PX = 60;

const rules = (file) => wxssRules(file, { splitSelectors: true });

/** A page's own rules and those of the sheets it @imports (a package's common.wxss); app.wxss is added apart. */
function ownRules(file) {
  const css = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const imports = [...css.matchAll(/@import\s+["']([^"']+)["']/g)]
    .map((m) => path.posix.join(path.posix.dirname(file), m[1]))
    .filter((f) => f !== 'app.wxss');
  return rules(file).concat(...imports.map(ownRules));
}

const px = (value) => (value && /^[\d.]+px$/.test(value) ? parseFloat(value) : null);
// The class a selector styles: its last class name (".care .facility-name" → "facility-name",
// ".care.privacy-mask" → "privacy-mask").
const target = (selector) => {
  const classes = (selector.match(/\.[\w-]+/g) || []).filter((c) => c !== '.care');
  const last = classes[classes.length - 1];
  return last ? last.slice(1) : null;
};
const CARE = /\.care(?![\w-])/; // the mode's class, not .care-row
const isCare = (selector) => CARE.test(selector);

describe.each(PAGES.concat(CHARITY_PAGES, TIMEBANK_PAGES, WORKER_PAGES, ASSISTANCE_PAGES))('关怀模式 in %s', (page) => {
  const own = ownRules(`${page}.wxss`);
  const all = own.concat(rules('app.wxss'));

  test('every text smaller than 18 px outside the care mode is made at least 18 px inside it', () => {
    const careFont = {};
    all.filter((r) => isCare(r.selector)).forEach((r) => {
      const size = px(r.decl['font-size']);
      const cls = target(r.selector);
      if (size !== null && cls) careFont[cls] = Math.max(careFont[cls] || 0, size);
    });
    const small = own
      .filter((r) => !isCare(r.selector) && px(r.decl['font-size']) !== null)
      .filter((r) => px(r.decl['font-size']) < MIN_CARE_FONT_PX)
      .map((r) => target(r.selector))
      .filter((cls) => cls && !(careFont[cls] >= MIN_CARE_FONT_PX));
    expect(small).toEqual([]);
  });

  test('no care-mode rule sets a font smaller than 18 px', () => {
    const tooSmall = all
      .filter((r) => isCare(r.selector) && px(r.decl['font-size']) !== null)
      .filter((r) => px(r.decl['font-size']) < MIN_CARE_FONT_PX)
      .map((r) => r.selector);
    expect(tooSmall).toEqual([]);
  });

  test('everything tappable is a button, a chip or a .tap-target, each at least 60 px high in the care mode', () => {
    const wxml = fs.readFileSync(path.join(ROOT, `${page}.wxml`), 'utf8');
    const tags = wxml.match(/<[a-z-]+\s[^>]*\bbindtap="[^"]+"[^>]*>/g) || [];
    const kinds = tags.map((tag) => {
      const cls = (tag.match(/\bclass="([^"]*)"/) || [])[1] || '';
      if (/^<button\b/.test(tag) || /\bbtn\b/.test(cls)) return 'btn';
      if (/\btap-target\b/.test(cls)) return 'tap-target';
      if (/\bchip\b/.test(cls)) return 'chip';
      if (/\bprivacy-link\b/.test(cls)) return 'inline-link'; // a link inside a sentence, as on a web page
      return `untargeted: ${tag}`;
    });
    expect(kinds.filter((k) => k.startsWith('untargeted'))).toEqual([]);

    const careHeight = (cls) =>
      Math.max(0, ...all.filter((r) => isCare(r.selector) && target(r.selector) === cls).map((r) => px(r.decl['min-height']) || 0));
    const low = [...new Set(kinds.filter((k) => k !== 'inline-link'))]
      .map((cls) => ({ cls, height: careHeight(cls) }))
      .filter((t) => t.height < MIN_CARE_TARGET_PX);
    expect(low).toEqual([]);
  });
});

// The 工作台 (packageWorker), 救助 (packageAssistance) and the real-name form (packageMe): every page obeys the mode (the class on its root, the
// behaviour in its JS), and no button is an icon: each one says in Chinese what it does.
describe.each(WORKER_PAGES.concat(ASSISTANCE_PAGES, ['packageMe/pages/profile/index']))('关怀模式 and worded buttons in %s', (page) => {
  const wxml = fs.readFileSync(path.join(ROOT, `${page}.wxml`), 'utf8');
  const js = fs.readFileSync(path.join(ROOT, `${page}.js`), 'utf8');

  test('the root view takes the care class and the page uses the care-mode behaviour', () => {
    const root = wxml.replace(/<wxs[^>]*\/>/g, '').trim().match(/^<view\s[^>]*class="([^"]*)"/);
    expect(root && root[1]).toMatch(/\{\{careMode \? 'care' : ''\}\}/);
    expect(js).toMatch(/require\('(\.\.\/)+behaviors\/care-mode'\)/);
    expect(js).toMatch(/behaviors: \[careMode/);
  });

  test('every button has words, in Chinese (no icon-only buttons)', () => {
    const buttons = [...wxml.matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/g)].map((m) => m[1].trim());
    expect(buttons.length).toBeGreaterThan(0);
    // A label bound from data ({{item.label}}) is checked where it is rendered (the page's own tests).
    const wordless = buttons.filter((label) => !/[\u4e00-\u9fff]/.test(label) && !/^\{\{[^}]+\}\}$/.test(label));
    expect(wordless).toEqual([]);
  });
});
