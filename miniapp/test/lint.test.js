/**
 * @jest-environment node
 */
// eslint (.eslintrc.json: the mini-program's globals, WXS kept to ES5) over every .js and .wxs file of the
// mini-program, run inside jest so that `make test` counts it. `npm run lint` is the same check on its own.
const path = require('path');
const { ESLint } = require('eslint');

const ROOT = path.resolve(__dirname, '..');

test('eslint finds no problem in the mini-program', async () => {
  const eslint = new ESLint({
    cwd: ROOT,
    extensions: ['.js', '.wxs'],
    // Unchanged files (and an unchanged config) are not linted again.
    cache: true,
    cacheLocation: path.join(ROOT, 'node_modules/.cache/eslint/'),
    cacheStrategy: 'content',
  });
  const results = await eslint.lintFiles(['.']);
  const withProblems = results.filter((r) => r.errorCount || r.warningCount || r.fatalErrorCount);
  const report = withProblems.length ? (await eslint.loadFormatter('stylish')).format(withProblems) : '';

  expect(results.length).toBeGreaterThan(50); // the sources were found (not an empty match)
  expect(report).toBe('');
}, 60000);
