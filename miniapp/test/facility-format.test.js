// The display helpers of 找服务: utils/facility.wxs (plain CommonJS, so jest can require it), the offline
// shelter cache, the location error reasons, and services/facilities.js against a wx.request that answers
// like WeChat.
const f = require('../utils/facility.wxs');
const shelterCache = require('../utils/shelter-cache');
const location = require('../utils/location');
const facilities = require('../services/facilities');
const { facility, shelter } = require('./fixtures/facilities');

const fake = global.fakeWx;

beforeEach(() => fake.reset());

describe('utils/facility.wxs', () => {
  test.each([
    [0, '0 米'],
    [148, '148 米'],
    [999, '999 米'],
    [1000, '1.0 公里'],
    [1530, '1.5 公里'],
    [9940, '9.9 公里'],
    [9960, '10 公里'],
    [12400, '12 公里'],
    [null, ''],
  ])('distance(%p) is %p', (m, expected) => {
    expect(f.distance(m)).toBe(expected);
  });

  test('open state in words', () => {
    expect(f.openText(facility())).toBe('开放中');
    expect(f.openText(facility({ open_now: false }))).toBe('已关闭');
    expect(f.openText(facility({ status: 'closed', open_now: false }))).toBe('已关闭');
    expect(f.openText(facility({ status: 'suspended', open_now: false }))).toBe('暂停使用');
    expect(f.isOpen(facility())).toBe(true);
    expect(f.isOpen(facility({ status: 'suspended' }))).toBe(false);
  });

  test('room in words, with its unit; nothing when the place keeps no count', () => {
    expect(f.spaceText(facility())).toBe('有空位 27 人');
    expect(f.spaceText(facility({ capacity_unit: 'beds', available: 3 }))).toBe('有空位 3 张床');
    expect(f.spaceText(facility({ full: true, available: 0 }))).toBe('已满');
    expect(f.spaceText(facility({ capacity: null, available: null }))).toBe('');
  });

  test.each([
    [null, '人数尚未更新'],
    [30, '刚刚更新'],
    [60, '1 分钟前更新'],
    [59 * 60 + 59, '59 分钟前更新'],
    [3600, '1 小时前更新'],
    [86400 * 2 + 5, '2 天前更新'],
  ])('ageText(%p) is %p', (s, expected) => {
    expect(f.ageText(s)).toBe(expected);
  });

  test('hours by weekday: several spans joined, missing days 休息, none published → no rows', () => {
    const rows = f.hoursRows({ mon: ['08:30-11:30', '13:30-17:00'], sun: [] }, false);
    expect(rows.map((r) => `${r.day} ${r.text}`)).toEqual([
      '周一 08:30-11:30、13:30-17:00',
      '周二 休息',
      '周三 休息',
      '周四 休息',
      '周五 休息',
      '周六 休息',
      '周日 休息',
    ]);
    expect(f.hoursRows({}, false)).toEqual([]);
    expect(f.hoursRows({ sat: [] }, false)).toEqual([]);
    expect(f.hoursRows({}, true)).toEqual([{ key: 'all', day: '每天', text: '全天开放（24小时）' }]);
  });
});

describe('utils/shelter-cache', () => {
  test('keeps only the shelters, with the time, and leaves the saved list alone when there are none', () => {
    shelterCache.save([facility(), shelter(), shelter({ id: 774 })], 1000);
    expect(shelterCache.load()).toEqual({ fetched_at: 1000, items: [shelter(), shelter({ id: 774 })] });

    shelterCache.save([facility()], 2000);
    expect(shelterCache.load().fetched_at).toBe(1000);
    expect(shelterCache.find('774').item.id).toBe(774);
    expect(shelterCache.find(1)).toBeNull();
  });

  test('nothing saved, or something unreadable, is null', () => {
    expect(shelterCache.load()).toBeNull();
    fake.storage[shelterCache.STORAGE_KEY] = 'garbage';
    expect(shelterCache.load()).toBeNull();
  });

  test('the time is HH:MM today and carries the date on another day', () => {
    const at = new Date(2026, 10, 29, 7, 5);
    expect(shelterCache.fetchedText(at.getTime(), new Date(2026, 10, 29, 23, 0).getTime())).toBe('07:05');
    expect(shelterCache.fetchedText(at.getTime(), new Date(2026, 10, 30, 8, 0).getTime())).toBe('11月29日 07:05');
  });
});

describe('utils/location', () => {
  test.each([
    ['getLocation:fail auth deny', 'denied'],
    ['getLocation:fail auth denied', 'denied'],
    ['getLocation:fail authorize no response', 'denied'],
    ['getLocation:fail:system permission denied', 'system'],
    ['getLocation:fail:ERROR_NOCELL&WIFI_LOCATIONSWITCHOFF', 'system'],
    ['getLocation:fail privacy permission is not authorized', 'privacy'],
    ['getLocation:fail timeout', 'unavailable'],
  ])('%s → %s', (errMsg, reason) => {
    expect(location.reasonOf(errMsg)).toBe(reason);
  });

  test('permission reads the setting without prompting', async () => {
    await expect(location.permission()).resolves.toBe('unknown');
    fake.authSetting = { 'scope.userLocation': true };
    await expect(location.permission()).resolves.toBe('granted');
    fake.authSetting = { 'scope.userLocation': false };
    await expect(location.permission()).resolves.toBe('denied');
    expect(fake.locationCalls).toHaveLength(0);
  });
});

describe('services/facilities', () => {
  const ok = (data) => ({ statusCode: 200, data });

  test('nearby sends gcj02 coordinates and only the filters that are on, without a token', async () => {
    fake.storage.tokens = { access_token: 'a', refresh_token: 'r' };
    fake.respond = () => ok({ items: [], emergencies: [], lat: 1, lng: 2 });

    await facilities.nearby({ lat: 28.9, lng: 118.8, types: ['shelter', 'home_care'], openNow: true, hasSpace: false });
    await facilities.nearby({ lat: 28.9, lng: 118.8 });

    expect(fake.requests[0].url).toMatch(/\/facilities\/nearby$/);
    expect(fake.requests[0].data).toEqual({ lat: 28.9, lng: 118.8, coord_type: 'gcj02', types: 'shelter,home_care', open_now: 1 });
    expect(fake.requests[1].data).toEqual({ lat: 28.9, lng: 118.8, coord_type: 'gcj02' });
    expect(fake.requests[0].header.Authorization).toBeUndefined();
  });

  test('listByRegion, getFacility and activeEmergencies ask the right paths', async () => {
    fake.respond = (req) => ok({ url: req.url });

    await facilities.listByRegion({ regionCode: '330802', types: ['shelter'], page: 2 });
    await facilities.getFacility(773);
    await facilities.activeEmergencies({ lat: 28.9, lng: 118.8 });
    await facilities.activeEmergencies(null);

    expect(fake.requests.map((r) => r.url.replace(/^.*\/api\/v1/, ''))).toEqual([
      '/facilities',
      '/facilities/773',
      '/emergencies/active',
      '/emergencies/active',
    ]);
    expect(fake.requests[0].data).toEqual({ region_code: '330802', type: 'shelter', page: 2, page_size: 20 });
    expect(fake.requests[2].data).toEqual({ lat: 28.9, lng: 118.8, coord_type: 'gcj02' });
    expect(fake.requests[3].data).toEqual({});
  });

  test('suggestCorrection posts kind and message with the token, and leaves an empty message out', async () => {
    fake.storage.tokens = { access_token: 'a', refresh_token: 'r' };
    fake.respond = () => ({ statusCode: 201, data: { id: 1 } });

    await facilities.suggestCorrection(773, { kind: 'closed', message: '' });

    expect(fake.requests[0]).toMatchObject({ method: 'POST', data: { kind: 'closed' } });
    expect(fake.requests[0].url).toMatch(/\/facilities\/773\/suggestions$/);
    expect(fake.requests[0].header.Authorization).toBe('Bearer a');
  });
});
