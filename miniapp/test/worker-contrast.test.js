// Contrast (POLICY.md 适老化: ≥ 4.5:1) of every text colour the 工作台 pages set: against the background set in
// the same rule, else against both backgrounds such text can sit on (the white cards and the grey page).
const { ratio, lowTextContrast } = require('./helpers/wxss');

const SHEETS = ['packageWorker/common.wxss', 'packageWorker/components/gate/index.wxss'].concat(
  ['index', 'queue', 'application', 'logs', 'gifts', 'counter', 'emergency', 'occupancy'].map((p) => `packageWorker/pages/${p}/index.wxss`),
);
const PAGE_BACKGROUNDS = ['#ffffff', '#f5f6f7'];

test('the contrast helper agrees with known pairs', () => {
  expect(ratio('#1a1a1a', '#ffffff')).toBeCloseTo(17.4, 1);
  expect(ratio('#ffffff', '#0a4ea3')).toBeCloseTo(8.0, 1);
  expect(ratio('#ffffff', '#07c160')).toBeLessThan(4.5); // WeChat's green: why it is not used for text
});

describe.each(SHEETS)('%s', (sheet) => {
  test('every text colour is at least 4.5:1 on its background', () => {
    expect(lowTextContrast(sheet, PAGE_BACKGROUNDS)).toEqual([]);
  });
});
