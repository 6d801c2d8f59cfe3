// The 时间银行 subpackage: every page is in app.json with its four files, and the package stays under
// WeChat's 2 MB limit (POLICY.md).
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./helpers/pages');

const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const pkg = (app.subPackages || app.subpackages || []).find((p) => p.root === 'packageTimebank');

function sizeOf(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? sizeOf(full) : fs.statSync(full).size);
  }, 0);
}

describe('packageTimebank', () => {
  test('is a subpackage of app.json whose pages each have .js, .json, .wxml and .wxss', () => {
    expect(pkg).toBeTruthy();
    expect(pkg.pages).toEqual(expect.arrayContaining(['pages/index/index', 'pages/opportunities/index', 'pages/bookings/index']));
    pkg.pages.forEach((page) => {
      ['js', 'json', 'wxml', 'wxss'].forEach((ext) => expect(fs.existsSync(path.join(ROOT, pkg.root, `${page}.${ext}`))).toBe(true));
    });
  });

  test('every page and component it uses exists', () => {
    pkg.pages.forEach((page) => {
      const json = JSON.parse(fs.readFileSync(path.join(ROOT, pkg.root, `${page}.json`), 'utf8'));
      Object.values(json.usingComponents || {}).forEach((used) => {
        expect(fs.existsSync(path.join(ROOT, `${used}.js`))).toBe(true);
      });
    });
  });

  test('the 首页 entry 时间银行 opens a page of the subpackage', () => {
    const home = fs.readFileSync(path.join(ROOT, 'pages/home/index.js'), 'utf8');
    const url = (home.match(/key: 'timebank'[^}]*path: '([^']*)'/) || [])[1];
    expect(url).toBe(`/${pkg.root}/${pkg.pages[0]}`);
  });

  test('stays under 2 MB', () => {
    expect(sizeOf(path.join(ROOT, 'packageTimebank'))).toBeLessThan(2 * 1024 * 1024);
  });
});
