// Contrast (POLICY.md 适老化: ≥ 4.5:1) of every text colour the 救助 pages set: against the background set in
// the same rule, else against the backgrounds such text sits on (the white cards, the grey page, the pale
// panels of a returned application and of an upload). Graphics (the progress bars) need 3:1.
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./helpers/pages');

const SHEETS = ['packageAssistance/common.wxss', 'packageAssistance/household.wxss'].concat(
  ['programs', 'check', 'apply', 'applications', 'application'].map((p) => `packageAssistance/pages/${p}/index.wxss`),
);
const PAGE_BACKGROUNDS = ['#ffffff', '#f5f6f7', '#fff4e5'];

function hex(value) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value || '').trim());
  if (!m) return null;
  const h = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function ratio(a, b) {
  const [hi, lo] = [luminance(hex(a)), luminance(hex(b))].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function rules(file) {
  const css = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const out = [];
  const re = /([^{}@;]+)\{([^}]*)\}/g;
  let m;
  while ((m = re.exec(css))) {
    const decl = {};
    m[2].split(';').forEach((d) => {
      const i = d.indexOf(':');
      if (i > 0) decl[d.slice(0, i).trim()] = d.slice(i + 1).trim();
    });
    out.push({ selector: m[1].trim(), decl });
  }
  return out;
}

describe.each(SHEETS)('%s', (sheet) => {
  test('every text colour is at least 4.5:1 on its background', () => {
    const low = [];
    rules(sheet).forEach(({ selector, decl }) => {
      if (!decl.color || !hex(decl.color)) return;
      const backgrounds = hex(decl['background-color']) ? [decl['background-color']] : PAGE_BACKGROUNDS;
      backgrounds.forEach((bg) => {
        const r = ratio(decl.color, bg);
        if (r < 4.5) low.push(`${selector}: ${decl.color} on ${bg} is ${r.toFixed(2)}:1`);
      });
    });
    expect(low).toEqual([]);
  });
});

test('the progress bar’s fill stands out from its track (3:1 for graphics)', () => {
  const all = rules('packageAssistance/common.wxss');
  const bg = (cls) => all.find((r) => r.selector === cls).decl['background-color'];
  expect(ratio(bg('.progress-fill'), bg('.progress-track'))).toBeGreaterThanOrEqual(3);
});
