const { launchApp, loadPage, render, settle, text } = require('./helpers/pages');

const fake = global.fakeWx;
let homeId;
let comp;

beforeAll(() => {
  launchApp();
  homeId = loadPage('pages/home/index', 'home-page');
});

beforeEach(() => {
  fake.reset();
  launchApp();
});

afterEach(() => {
  if (comp) comp.detach();
  comp = null;
});

const rootClass = () => comp.querySelector('.page').dom.className;

describe('首页', () => {
  test('shows the title, the four services with a description each, and the 96345 hotline', () => {
    comp = render(homeId);

    expect(text(comp.querySelector('.title'))).toBe('衢州民政');
    expect(comp.querySelectorAll('.entry')).toHaveLength(4);
    expect(comp.querySelectorAll('.entry-title').map(text)).toEqual(['救助申请', '找服务', '时间银行', '慈善捐赠']);
    const descriptions = comp.querySelectorAll('.entry-desc').map(text);
    expect(descriptions).toHaveLength(4);
    descriptions.forEach((d) => expect(d.length).toBeGreaterThan(4));
    expect(text(comp.querySelector('.hotline'))).toContain('96345');
    expect(text(comp.querySelector('.care-row'))).toContain('关怀模式');
  });

  test('tapping the hotline calls 96345', async () => {
    comp = render(homeId);

    comp.querySelector('.hotline').dispatchEvent('tap');
    await settle();

    expect(fake.phoneCalls).toHaveLength(1);
    expect(fake.phoneCalls[0].phoneNumber).toBe('96345');
  });

  test('tapping a service that is not built yet says 即将开放 and goes nowhere', async () => {
    comp = render(homeId);

    comp.querySelectorAll('.entry').forEach((entry) => entry.dispatchEvent('tap'));
    await settle();

    expect(fake.toasts.map((t) => t.title)).toEqual(['即将开放', '即将开放', '即将开放', '即将开放']);
    expect(fake.navigations).toHaveLength(0);
  });

  test('the 关怀模式 row toggles the care class, and the choice is saved', async () => {
    comp = render(homeId);
    expect(comp.data.careMode).toBe(false);
    expect(rootClass()).not.toMatch(/--care\b/);

    comp.querySelector('.care-row').dispatchEvent('tap');
    await settle();
    expect(comp.data.careMode).toBe(true);
    expect(rootClass()).toMatch(/--care\b/);
    expect(text(comp.querySelector('.care-row-state'))).toContain('已开启');
    expect(fake.storage.careMode).toBe(true);
    expect(getApp().globalData.careMode).toBe(true);

    comp.querySelector('.care-row').dispatchEvent('tap');
    await settle();
    expect(rootClass()).not.toMatch(/--care\b/);
    expect(fake.storage.careMode).toBe(false);
  });

  test('the switch itself sets the mode from its value, without the row toggling it back', async () => {
    comp = render(homeId);
    const sw = comp.querySelector('.care-switch');

    sw.dispatchEvent('tap', { bubbles: true }); // caught by the switch: the row must not flip the mode
    await settle();
    expect(comp.data.careMode).toBe(false);

    sw.dispatchEvent('change', { detail: { value: true } });
    await settle();

    expect(comp.data.careMode).toBe(true);
    expect(rootClass()).toMatch(/--care\b/);
  });

  test('a saved choice is in force from the first render, and a change reaches other open pages', async () => {
    fake.storage.careMode = true;
    launchApp();
    comp = render(homeId);
    const other = render(homeId);

    expect(rootClass()).toMatch(/--care\b/);

    comp.querySelector('.care-row').dispatchEvent('tap');
    await settle();
    expect(other.data.careMode).toBe(false);
    other.detach();
  });
});
