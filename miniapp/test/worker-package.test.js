// The 工作台 subpackage (packageWorker): every page is in app.json with its four files, its code requires only
// its own files or the main package's (WeChat cannot load another subpackage's code), 我的 opens its first
// page, and it stays under WeChat's 2 MB limit (POLICY.md).
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./helpers/pages');

const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const pkg = (app.subPackages || app.subpackages || []).find((p) => p.root === 'packageWorker');
const PKG_DIR = path.join(ROOT, 'packageWorker');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : [full];
  });
}

describe('packageWorker', () => {
  test('is a subpackage of app.json whose pages each have .js, .json, .wxml and .wxss', () => {
    expect(pkg).toBeTruthy();
    expect(pkg.pages).toEqual([
      'pages/index/index',
      'pages/queue/index',
      'pages/application/index',
      'pages/logs/index',
      'pages/gifts/index',
      'pages/counter/index',
      'pages/emergency/index',
      'pages/occupancy/index',
    ]);
    pkg.pages.forEach((page) => {
      ['js', 'json', 'wxml', 'wxss'].forEach((ext) => expect(fs.existsSync(path.join(PKG_DIR, `${page}.${ext}`))).toBe(true));
    });
  });

  test('every component a page uses exists', () => {
    pkg.pages.forEach((page) => {
      const json = JSON.parse(fs.readFileSync(path.join(PKG_DIR, `${page}.json`), 'utf8'));
      Object.values(json.usingComponents || {}).forEach((used) => {
        const target = used.startsWith('/') ? path.join(ROOT, used) : path.join(PKG_DIR, path.dirname(page), used);
        expect(fs.existsSync(`${target}.js`)).toBe(true);
      });
    });
  });

  test('its code requires only its own files or the main package, never another subpackage', () => {
    const others = (app.subPackages || []).map((p) => p.root).filter((root) => root !== 'packageWorker');
    const bad = [];
    files(PKG_DIR)
      .filter((f) => f.endsWith('.js'))
      .forEach((file) => {
        const src = fs.readFileSync(file, 'utf8');
        [...src.matchAll(/require\('([^']+)'\)/g)].forEach((m) => {
          const target = path.relative(ROOT, path.resolve(path.dirname(file), m[1]));
          if (target.startsWith('..') || others.some((root) => target.startsWith(root))) bad.push(`${path.relative(ROOT, file)} → ${m[1]}`);
          else if (!fs.existsSync(path.join(ROOT, `${target}.js`))) bad.push(`${path.relative(ROOT, file)} → ${m[1]} (missing)`);
        });
      });
    expect(bad).toEqual([]);
  });

  test('我的 opens the 工作台 entry page', () => {
    const me = fs.readFileSync(path.join(ROOT, 'pages/me/index.js'), 'utf8');
    expect((me.match(/WORKBENCH_URL = '([^']*)'/) || [])[1]).toBe(`/${pkg.root}/${pkg.pages[0]}`);
  });

  test('stays under 2 MB', () => {
    const size = files(PKG_DIR).reduce((sum, f) => sum + fs.statSync(f).size, 0);
    expect(size).toBeLessThan(2 * 1024 * 1024);
  });
});
