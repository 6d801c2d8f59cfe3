// Contrast (POLICY.md 适老化: ≥ 4.5:1) of every text colour the 救助 pages set: against the background set in
// the same rule, else against the backgrounds such text sits on (the white cards, the grey page, the pale
// panels of a returned application and of an upload). Graphics (the progress bars) need 3:1.
const { backgroundOf, ratio, lowTextContrast } = require('./helpers/wxss');

const SHEETS = ['packageAssistance/common.wxss', 'packageAssistance/household.wxss'].concat(
  ['programs', 'check', 'apply', 'applications', 'application'].map((p) => `packageAssistance/pages/${p}/index.wxss`),
);
const PAGE_BACKGROUNDS = ['#ffffff', '#f5f6f7', '#fff4e5'];

describe.each(SHEETS)('%s', (sheet) => {
  test('every text colour is at least 4.5:1 on its background', () => {
    expect(lowTextContrast(sheet, PAGE_BACKGROUNDS)).toEqual([]);
  });
});

test('the progress bar’s fill stands out from its track (3:1 for graphics)', () => {
  const sheet = 'packageAssistance/common.wxss';
  expect(ratio(backgroundOf(sheet, '.progress-fill'), backgroundOf(sheet, '.progress-track'))).toBeGreaterThanOrEqual(3);
});
