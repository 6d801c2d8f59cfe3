const { launchApp } = require('./helpers/pages');

const fake = global.fakeWx;

beforeEach(() => fake.reset());

describe('app.globalData.careMode', () => {
  test('is off for a standard WeChat font size and no saved choice', () => {
    fake.fontSizeSetting = 17;
    expect(launchApp().globalData.careMode).toBe(false);
  });

  test('follows a large WeChat font size when the user has not chosen', () => {
    fake.fontSizeSetting = 22;
    expect(launchApp().globalData.careMode).toBe(true);
  });

  test('the saved choice wins over the font size, both ways', () => {
    fake.fontSizeSetting = 22;
    fake.storage.careMode = false;
    expect(launchApp().globalData.careMode).toBe(false);

    fake.fontSizeSetting = 16;
    fake.storage.careMode = true;
    expect(launchApp().globalData.careMode).toBe(true);
  });
});
