// The style-sheet tests' view of a .wxss file: its rules, and the contrast of its colours (POLICY.md 适老化: text
// ≥ 4.5:1, graphics ≥ 3:1) by WCAG 2 relative luminance of #rgb / #rrggbb colours.
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./pages');

/** [r, g, b] of a #rgb or #rrggbb colour, else null (a name, rgba(), a variable…). */
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

/** The contrast ratio of two colours, from 1 to 21. */
function ratio(a, b) {
  const [hi, lo] = [luminance(hex(a)), luminance(hex(b))].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The rules of a style sheet (path from the miniapp root), comments and at-rules' preludes (@import …;) left out:
 * [{selector, decl: {prop: value}}]. With splitSelectors, ".a, .b {…}" gives one rule for each selector.
 */
function rules(file, { splitSelectors = false } = {}) {
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
    (splitSelectors ? m[1].split(',') : [m[1]]).forEach((sel) => out.push({ selector: sel.trim(), decl }));
  }
  return out;
}

/**
 * Every text colour of a sheet below 4.5:1, as "selector: colour on background is r:1": against the background
 * set in the same rule, else against each of `pageBackgrounds` (what such text can sit on).
 */
function lowTextContrast(sheet, pageBackgrounds) {
  const low = [];
  rules(sheet).forEach(({ selector, decl }) => {
    if (!decl.color || !hex(decl.color)) return;
    const backgrounds = hex(decl['background-color']) ? [decl['background-color']] : pageBackgrounds;
    backgrounds.forEach((bg) => {
      const r = ratio(decl.color, bg);
      if (r < 4.5) low.push(`${selector}: ${decl.color} on ${bg} is ${r.toFixed(2)}:1`);
    });
  });
  return low;
}

/** The background-color set by the rule whose selector is exactly `selector` in `sheet`. */
function backgroundOf(sheet, selector) {
  return rules(sheet).find((r) => r.selector === selector).decl['background-color'];
}

module.exports = { hex, luminance, ratio, rules, lowTextContrast, backgroundOf };
