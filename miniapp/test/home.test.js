const { launchApp, render, settle, text, usePage } = require('./helpers/pages');
const { TYPHOON } = require('./fixtures/facilities');

const fake = global.fakeWx;
let comp;

const page = usePage('pages/home/index', 'home-page');

const rootClass = () => comp.querySelector('.page').dom.className;

describe('首页', () => {
  test('shows the title, the four services with a description each, and the 96345 hotline', () => {
    comp = page.render();

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
    comp = page.render();

    comp.querySelector('.hotline').dispatchEvent('tap');
    await settle();

    expect(fake.phoneCalls).toHaveLength(1);
    expect(fake.phoneCalls[0].phoneNumber).toBe('96345');
  });

  test('the four entries open their pages: 救助申请, 找服务, 时间银行 and 慈善捐赠', async () => {
    comp = page.render();

    comp.querySelectorAll('.entry').forEach((entry) => entry.dispatchEvent('tap'));
    await settle();

    expect(fake.navigations.map((n) => n.url)).toEqual([
      '/packageAssistance/pages/programs/index',
      '/pages/services/index',
      '/packageTimebank/pages/index/index',
      '/packageCharity/pages/campaigns/index',
    ]);
    expect(fake.toasts).toEqual([]);
  });

  test('the 关怀模式 row toggles the care class, and the choice is saved', async () => {
    comp = page.render();
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
    comp = page.render();
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
    comp = page.render();
    const other = render(page.id);

    expect(rootClass()).toMatch(/--care\b/);

    comp.querySelector('.care-row').dispatchEvent('tap');
    await settle();
    expect(other.data.careMode).toBe(false);
    other.detach();
  });
});

describe('首页 emergency banner', () => {
  const ok = (data) => ({ statusCode: 200, data });
  const active = () => fake.requestsTo('/emergencies/active');

  async function show() {
    comp = page.render();
    comp.instance.onLoad({});
    await comp.instance.onShow();
    await settle();
  }

  test('location already allowed and the phone inside an emergency: a red banner, 附近避灾点 one tap away', async () => {
    fake.authSetting = { 'scope.userLocation': true };
    fake.respond = () => ok({ in_emergency: true, region_code: '330802001001', emergencies: [TYPHOON] });

    await show();

    expect(fake.locationCalls).toEqual([{ type: 'gcj02' }]);
    expect(active()).toHaveLength(1);
    expect(active()[0].data).toEqual({ lat: 28.969, lng: 118.873, coord_type: 'gcj02' });
    expect(active()[0].header.Authorization).toBeUndefined();
    const banner = text(comp.querySelector('.emergency'));
    expect(banner).toContain('您所在的柯城区已启动台风应急响应');
    expect(banner).toContain('第5号台风“梅花”');

    comp.querySelector('.emergency-action').dispatchEvent('tap');
    await settle();
    expect(fake.navigations.map((n) => n.url)).toEqual(['/pages/services/index?types=shelter']);

    // back on the home tab a moment later: no second position reading nor request
    await comp.instance.onShow();
    expect(fake.locationCalls).toHaveLength(1);
    expect(active()).toHaveLength(1);
  });

  test('location allowed but the phone outside every emergency: no banner', async () => {
    fake.authSetting = { 'scope.userLocation': true };
    fake.respond = () => ok({ in_emergency: false, region_code: '330881001001', emergencies: [] });

    await show();

    expect(active()).toHaveLength(1);
    expect(comp.querySelector('.emergency')).toBeFalsy();
  });

  test('location never allowed: the home page does not ask for it, and names the active emergencies by region', async () => {
    fake.respond = () => ok({ in_emergency: null, region_code: null, emergencies: [TYPHOON] });

    await show();

    expect(fake.locationCalls).toHaveLength(0);
    expect(fake.authSetting['scope.userLocation']).toBeUndefined();
    expect(active()[0].data).toEqual({});
    expect(text(comp.querySelector('.emergency-title'))).toBe('柯城区已启动台风应急响应');
  });

  test('no active emergency, or no network: no banner and no message', async () => {
    fake.respond = () => ok({ in_emergency: null, region_code: null, emergencies: [] });
    await show();
    expect(comp.querySelector('.emergency')).toBeFalsy();
    comp.detach();

    fake.networkType = 'none';
    fake.respond = () => ({ fail: 'request:fail' });
    await show();
    expect(comp.querySelector('.emergency')).toBeFalsy();
    expect(fake.toasts).toHaveLength(0);
  });

  test('in 关怀模式 the banner keeps its words and its 附近避灾点 button', async () => {
    fake.storage.careMode = true;
    launchApp();
    fake.respond = () => ok({ in_emergency: null, region_code: null, emergencies: [TYPHOON] });

    await show();

    expect(comp.querySelector('.page').dom.className).toMatch(/--care\b/);
    expect(text(comp.querySelector('.emergency-action'))).toBe('附近避灾点 ›');
  });
});
