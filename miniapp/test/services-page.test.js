const { launchApp, settle, text, tap, usePage } = require('./helpers/pages');
const { facility, shelter, nearbyAnswer, TYPHOON, REGIONS } = require('./fixtures/facilities');
const shelterCache = require('../utils/shelter-cache');

const fake = global.fakeWx;
let comp;

const ok = (data) => ({ statusCode: 200, data });
const OFFLINE = { fail: 'request:fail net::ERR_INTERNET_DISCONNECTED' };

/** A server that answers the nearby search (filtered by type as the real one does), /regions and /facilities. */
function server({ nearby = nearbyAnswer(), byRegion } = {}) {
  return (req) => {
    if (req.url.endsWith('/facilities/nearby')) {
      const answer = JSON.parse(JSON.stringify(nearby));
      if (req.data.types) answer.items = answer.items.filter((it) => req.data.types.split(',').includes(it.type));
      return ok(answer);
    }
    if (req.url.endsWith('/regions')) return ok(REGIONS[req.data.parent || 'top'] || []);
    if (req.url.endsWith('/facilities')) {
      return ok(byRegion ? byRegion(req) : [shelter({ name: `${req.data.region_code}的避灾点` })]);
    }
    return { statusCode: 404, data: { code: 404, message: '没有找到您要的内容' } };
  };
}

const page = usePage('pages/services/index', 'services-page', {
  before() {
    fake.respond = server();
  },
});

async function open(options = {}) {
  comp = await page.open(options);
}

const all = (selector) => comp.querySelectorAll(selector).map(text);
const lastNearby = () => fake.requestsTo('/facilities/nearby').slice(-1)[0];
const chip = (label) => comp.querySelectorAll('.chip').find((c) => text(c).replace('✓ ', '') === label);

describe('找服务 with the position', () => {
  test('asks for the gcj02 position and lists the nearest places with distance, open state, room and the demo tag', async () => {
    await open();

    expect(fake.locationCalls).toEqual([{ type: 'gcj02' }]);
    const req = lastNearby();
    expect(req.data).toEqual({ lat: 28.969, lng: 118.873, coord_type: 'gcj02', radius_m: 5000 });
    expect(req.header.Authorization).toBeUndefined();

    expect(all('.facility-name')).toEqual(['花园社区居家养老服务照料中心（3号点）', '县学街社区避灾安置点7号', '柯城区社会福利中心']);
    expect(all('.facility-distance')).toEqual(['148 米', '350 米', '1.5 公里']);
    const cards = comp.querySelectorAll('.facility').map(text);
    expect(cards[0]).toContain('开放中');
    expect(cards[0]).toContain('有空位 27 人');
    expect(cards[0]).toContain('演示数据');
    expect(cards[1]).toContain('已关闭');
    expect(cards[2]).toContain('已满');
    expect(cards[2]).not.toContain('演示数据');
    expect(text(comp.querySelector('.list-head'))).toContain('3 个场所');
    expect(comp.querySelector('.emergency')).toBeFalsy();

    expect(comp.querySelector('.map')).toBeTruthy();
    expect(comp.data.markers.map((m) => m.id)).toEqual([101, 773, 205]);
    expect(comp.data.markers[1]).toMatchObject({ latitude: 28.968702, longitude: 118.871675, iconPath: '/images/marker-shelter.png' });
  });

  test('tapping a place, or its callout on the map, opens its detail page', async () => {
    await open();

    await tap(comp.querySelectorAll('.facility')[1]);
    comp.instance.onMarkerTap({ detail: { markerId: 205 } });

    expect(fake.navigations.map((n) => n.url)).toEqual(['/pages/facility/index?id=773', '/pages/facility/index?id=205']);
  });

  test('the chips filter the request: one type at a time, 正在开放 and 有空位 on top', async () => {
    await open();

    await tap(chip('避灾安置场所'));
    expect(lastNearby().data.types).toBe('shelter');
    expect(all('.facility-name')).toEqual(['县学街社区避灾安置点7号']);
    expect(text(chip('避灾安置场所'))).toBe('✓ 避灾安置场所');

    await tap(chip('正在开放'));
    expect(lastNearby().data).toMatchObject({ types: 'shelter', open_now: 1 });
    await tap(chip('有空位'));
    expect(lastNearby().data).toMatchObject({ types: 'shelter', open_now: 1, has_space: 1 });

    await tap(chip('养老机构'));
    expect(lastNearby().data.types).toBe('elder_institution');
    await tap(chip('正在开放'));
    await tap(chip('全部'));
    const data = lastNearby().data;
    expect(data.types).toBeUndefined();
    expect(data.open_now).toBeUndefined();
    expect(data.has_space).toBe(1);
    expect(fake.requestsTo('/facilities/nearby')).toHaveLength(7);
  });

  test('opened from the home banner with types=shelter, the shelter chip is already on', async () => {
    await open({ types: 'shelter' });

    expect(lastNearby().data.types).toBe('shelter');
    expect(text(comp.querySelector('.chip-on'))).toBe('✓ 避灾安置场所');
  });

  test('in an active emergency a red banner names it and the shelters come first', async () => {
    fake.respond = server({ nearby: nearbyAnswer({ emergencies: [TYPHOON] }) });

    await open();

    const banner = text(comp.querySelector('.emergency'));
    expect(banner).toContain('台风应急响应中');
    expect(banner).toContain('柯城区：第5号台风“梅花”');
    expect(banner).toContain('避灾安置场所排在最前面');
    expect(all('.facility-name')[0]).toBe('县学街社区避灾安置点7号');
  });

  test('nothing nearby offers a wider search, which asks again with 20 km', async () => {
    fake.respond = server({ nearby: nearbyAnswer({ items: [] }) });
    await open();

    expect(text(comp.querySelector('.empty'))).toContain('5 公里内没有符合条件的场所');
    await tap(comp.querySelector('.widen-btn'));

    expect(lastNearby().data.radius_m).toBe(20000);
  });
});

describe('找服务 without network', () => {
  test('a successful search keeps the nearest shelters on the phone with the time', async () => {
    const before = Date.now();
    await open();

    const saved = fake.storage[shelterCache.STORAGE_KEY];
    expect(saved.items.map((it) => it.id)).toEqual([773]);
    expect(saved.fetched_at).toBeGreaterThanOrEqual(before);
  });

  test('offline, the saved shelters are shown with 离线数据，更新于 HH:MM', async () => {
    const at = new Date();
    at.setHours(14, 5, 0, 0);
    fake.storage[shelterCache.STORAGE_KEY] = { fetched_at: at.getTime(), items: [shelter({ distance_m: 350 })] };
    fake.networkType = 'none';
    fake.respond = () => OFFLINE;

    await open();

    expect(text(comp.querySelector('.offline-at'))).toBe('离线数据，更新于 14:05');
    expect(text(comp.querySelector('.offline'))).toContain('网络未连接');
    expect(all('.facility-name')).toEqual(['县学街社区避灾安置点7号']);
    expect(all('.facility-distance')).toEqual(['350 米']);
    expect(comp.querySelector('.chip')).toBeFalsy(); // filters need the network

    // the network is back: 重新加载 shows the live list
    fake.networkType = 'wifi';
    fake.respond = server();
    await tap(comp.querySelector('.retry-btn'));
    expect(comp.querySelector('.offline')).toBeFalsy();
    expect(all('.facility-name')).toHaveLength(3);
  });

  test('offline with nothing saved says so and offers to retry or to choose a region', async () => {
    fake.networkType = 'none';
    fake.respond = () => OFFLINE;

    await open();

    expect(text(comp.querySelector('.error-box'))).toContain('网络未连接，请检查网络后重试');
    expect(comp.querySelector('.retry-btn')).toBeTruthy();
    expect(comp.querySelector('.region-btn')).toBeTruthy();
  });
});

describe('找服务 without the position', () => {
  test('a refused permission goes to the region picker without asking again, and lists the city', async () => {
    fake.authSetting = { 'scope.userLocation': false };

    await open();

    expect(fake.locationCalls).toHaveLength(0);
    expect(fake.requestsTo('/facilities/nearby')).toHaveLength(0);
    expect(text(comp.querySelector('.location-off'))).toContain('没有允许');
    expect(text(comp.querySelector('.settings-btn'))).toBe('去设置开启位置权限');

    // single-region levels (浙江省, 衢州市) are passed through to the counties
    expect(fake.requestsTo('/regions').map((r) => r.data)).toEqual([{}, { parent: '33' }, { parent: '330800' }]);
    expect(text(comp.querySelector('.current-region'))).toBe('当前：衢州市');
    expect(comp.querySelector('.region-up')).toBeFalsy();
    expect(all('.region-option')).toEqual(['柯城区', '衢江区', '江山市']);
    expect(fake.requestsTo('/facilities')[0].data).toEqual({ region_code: '330800', page: 1, page_size: 20 });
    expect(all('.facility-name')).toEqual(['330800的避灾点']);
    expect(comp.querySelector('.facility-distance')).toBeFalsy();
  });

  test('choosing a county lists its places and its townships; the type chip and 返回上一级 work there', async () => {
    fake.authSetting = { 'scope.userLocation': false };
    await open();

    await tap(comp.querySelectorAll('.region-option')[0]);

    expect(text(comp.querySelector('.current-region'))).toBe('当前：衢州市 › 柯城区');
    expect(all('.region-option')).toEqual(['府山街道', '石梁镇']);
    expect(fake.requestsTo('/facilities').slice(-1)[0].data).toEqual({ region_code: '330802', page: 1, page_size: 20 });
    expect(text(comp.querySelector('.list-head'))).toBe('柯城区的服务场所');
    expect(all('.facility-name')).toEqual(['330802的避灾点']);
    expect(comp.querySelector('.open-chip')).toBeFalsy(); // the region list has no open-now / room filter

    await tap(chip('避灾安置场所'));
    expect(fake.requestsTo('/facilities').slice(-1)[0].data).toMatchObject({ region_code: '330802', type: 'shelter' });

    await tap(comp.querySelector('.region-up'));
    expect(text(comp.querySelector('.current-region'))).toBe('当前：衢州市');
    expect(fake.requestsTo('/facilities').slice(-1)[0].data).toMatchObject({ region_code: '330800', type: 'shelter' });
  });

  test('a full page offers 加载更多, which asks for the next page and appends it', async () => {
    fake.authSetting = { 'scope.userLocation': false };
    fake.respond = server({
      byRegion: (req) =>
        req.data.page === 1
          ? Array.from({ length: 20 }, (_, i) => facility({ id: i + 1, name: `场所${i + 1}` }))
          : [facility({ id: 21, name: '场所21' })],
    });
    await open();

    expect(all('.facility-name')).toHaveLength(20);
    await tap(comp.querySelector('.more-btn'));

    expect(fake.requestsTo('/facilities').slice(-1)[0].data.page).toBe(2);
    expect(all('.facility-name')).toHaveLength(21);
    expect(comp.querySelector('.more-btn')).toBeFalsy();
  });

  test('refusing at the prompt, then allowing in the settings, comes back to the nearby list', async () => {
    fake.locationPrompt = 'deny';
    await open();
    expect(comp.querySelector('.region-picker')).toBeTruthy();

    fake.settingChoice = { 'scope.userLocation': true };
    await tap(comp.querySelector('.settings-btn'));

    expect(fake.settingsOpened).toBe(1);
    expect(fake.requestsTo('/facilities/nearby')).toHaveLength(1);
    expect(comp.querySelector('.region-picker')).toBeFalsy();
    expect(all('.facility-name')).toHaveLength(3);
  });

  test('the phone’s location switched off: explained, with 重新定位 instead of the settings button', async () => {
    fake.authSetting = { 'scope.userLocation': true };
    fake.locationError = 'getLocation:fail:ERROR_NOCELL&WIFI_LOCATIONSWITCHOFF';

    await open();

    expect(text(comp.querySelector('.location-off'))).toContain('定位服务没有打开');
    expect(comp.querySelector('.settings-btn')).toBeFalsy();
    expect(text(comp.querySelector('.relocate-btn'))).toBe('重新定位');
    expect(all('.region-option')).toEqual(['柯城区', '衢江区', '江山市']);

    fake.locationError = null;
    await tap(comp.querySelector('.relocate-btn'));
    expect(all('.facility-name')).toHaveLength(3);
  });

  test('按地区查找 from the nearby list opens the picker, and 使用我的位置 goes back', async () => {
    await open();

    await tap(comp.querySelector('.region-btn'));
    expect(text(comp.querySelector('.location-off'))).toContain('请选择地区');

    await tap(comp.querySelector('.relocate-btn'));
    expect(comp.querySelector('.region-picker')).toBeFalsy();
    expect(fake.requestsTo('/facilities/nearby')).toHaveLength(2);
  });
});

describe('找服务 and the privacy guide', () => {
  const sheet = () => comp.querySelector('.privacy');

  test('the first wx.getLocation shows the privacy guide; agreeing lets the position through', async () => {
    fake.locationNeedsPrivacy = true;

    comp = page.render();
    const loading = comp.instance.onLoad({});
    await settle(10);
    expect(sheet()).toBeTruthy();
    expect(text(sheet())).toContain('隐私保护指引');

    sheet().querySelector('.privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await loading;
    await settle(10);

    expect(sheet()).toBeFalsy();
    expect(all('.facility-name')).toHaveLength(3);
  });

  test('refusing the privacy guide leads to the region picker', async () => {
    fake.locationNeedsPrivacy = true;
    comp = page.render();
    const loading = comp.instance.onLoad({});
    await settle(10);

    sheet().querySelector('.privacy-disagree').dispatchEvent('tap');
    await loading;
    await settle(10);

    expect(text(comp.querySelector('.location-off'))).toContain('隐私保护指引');
    expect(all('.region-option')).toEqual(['柯城区', '衢江区', '江山市']);
  });
});

describe('找服务 in 关怀模式', () => {
  test('the page root carries the care class from the first render', async () => {
    fake.storage.careMode = true;
    launchApp();

    await open();

    expect(comp.querySelector('.page').dom.className).toMatch(/--care\b/);
  });
});
