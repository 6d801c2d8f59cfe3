const { launchApp, settle, text, tap, usePage } = require('./helpers/pages');
const { facility, shelter } = require('./fixtures/facilities');
const shelterCache = require('../utils/shelter-cache');

const fake = global.fakeWx;
let comp;

const ok = (data) => ({ statusCode: 200, data });
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** GET /facilities/{id} and POST …/suggestions (which needs the Bearer token, as the server does). */
function server({ item = facility(), suggest } = {}) {
  return (req) => {
    if (req.url.endsWith(`/facilities/${item.id}`)) return ok(item);
    if (req.url.endsWith(`/facilities/${item.id}/suggestions`)) {
      if (req.header.Authorization !== 'Bearer access-1') {
        return { statusCode: 401, data: { code: 401, message: '请先登录。', error: 'token_missing' } };
      }
      return suggest
        ? suggest(req)
        : {
            statusCode: 201,
            data: { id: 1, facility_id: item.id, kind: req.data.kind, message: req.data.message || null, status: 'pending' },
          };
    }
    if (req.url.endsWith('/auth/wechat')) {
      return ok({ access_token: 'access-1', refresh_token: 'refresh-1', token_type: 'Bearer', expires_in: 7200, user: { id: 3 } });
    }
    return { statusCode: 404, data: { code: 404, message: '没有找到这个服务场所。', error: 'facility_not_found' } };
  };
}

const page = usePage('pages/facility/index', 'facility-page', {
  before() {
    fake.respond = server();
  },
});

async function open(id = 101) {
  comp = await page.open({ id: String(id) });
}

const all = (selector) => comp.querySelectorAll(selector).map(text);
/** "label value" for each row under a section: what a reader sees on one line. */
const rows = (section) => {
  const values = all(`${section} .row-value`);
  return all(`${section} .row-label`).map((label, i) => `${label} ${values[i]}`);
};
const suggestions = () => fake.requestsTo('/facilities/101/suggestions');

async function fillForm({ kind = '电话不对', message = '电话打不通，新号码是0570-1234567' } = {}) {
  await tap(comp.querySelector('.suggest-btn'));
  if (kind) await tap(comp.querySelectorAll('.kind-option').find((k) => text(k).includes(kind)));
  comp.querySelector('.message-input').dispatchEvent('input', { detail: { value: message } });
  await settle();
}

describe('服务详情', () => {
  test('shows hours by weekday, services, accessibility in words, and the room with how old it is', async () => {
    await open();

    const req = fake.requestsTo('/facilities/101')[0];
    expect(req.method).toBe('GET');
    expect(req.header.Authorization).toBeUndefined();

    expect(text(comp.querySelector('.name'))).toBe('花园社区居家养老服务照料中心（3号点）');
    expect(text(comp.querySelector('.head'))).toContain('演示数据');
    expect(text(comp.querySelector('.head'))).toContain('开放中');
    expect(rows('.hours').map((r) => r.replace('（今天）', ''))).toEqual([
      '周一 08:00-17:00',
      '周二 08:00-17:00',
      '周三 08:00-17:00',
      '周四 08:00-17:00',
      '周五 08:00-17:00',
      '周六 08:30-11:30',
      '周日 休息',
    ]);
    const today = WEEKDAYS[new Date().getDay()];
    expect(comp.querySelectorAll('.today')).toHaveLength(1);
    expect(text(comp.querySelector('.today'))).toContain('（今天）');
    expect(comp.data.today).toBe(today);

    expect(all('.services .tag')).toEqual(['康复', '助浴', '助洁']);
    expect(rows('.access')).toEqual(['无障碍通道 有', '无障碍卫生间 没有']);
    expect(text(comp.querySelector('.capacity-text'))).toBe('共 30 人，现有 3 人，空余 27 人');
    expect(text(comp.querySelector('.capacity-age'))).toBe('15 分钟前更新');
    expect(text(comp.querySelector('.call-btn'))).toBe('拨打电话 0570-4073046');
  });

  test('an always-open institution says 全天开放, and beds are counted as beds', async () => {
    fake.respond = server({
      item: facility({ always_open: true, opening_hours: {}, capacity: 120, capacity_unit: 'beds', occupancy: 100, available: 20, occupancy_age_s: 3 * 3600 + 5 }),
    });
    await open();

    expect(rows('.hours')).toEqual(['每天 全天开放（24小时）']);
    expect(text(comp.querySelector('.capacity .card-title'))).toBe('床位');
    expect(text(comp.querySelector('.capacity-text'))).toBe('共 120 张床，现有 100 人，空余 20 张床');
    expect(text(comp.querySelector('.capacity-age'))).toBe('3 小时前更新');
  });

  test('a shelter shows the hazards it is safe for, whether pets may come, and when it opens', async () => {
    fake.respond = server({ item: shelter({ id: 101 }) });
    await open();

    expect(comp.querySelectorAll('.hours-row')).toHaveLength(0);
    expect(text(comp.querySelector('.hours-none'))).toBe('平时不开放，灾害应急启用时开放。');
    expect(text(comp.querySelector('.services .card-title'))).toBe('适用灾害');
    expect(all('.services .tag')).toEqual(['台风', '洪涝']);
    expect(rows('.access')).toEqual(['无障碍通道 有', '无障碍卫生间 没有', '可带宠物 不可以']);
    expect(text(comp.querySelector('.contact'))).toBe('现场联系人：陈*');
    expect(text(comp.querySelector('.capacity-age'))).toBe('人数尚未更新');
  });

  test('拨打电话 calls the facility, 导航 opens the map at its position with name and address', async () => {
    await open();

    await tap(comp.querySelector('.call-btn'));
    await tap(comp.querySelector('.nav-btn'));

    expect(fake.phoneCalls).toHaveLength(1);
    expect(fake.phoneCalls[0].phoneNumber).toBe('0570-4073046');
    expect(fake.openedLocations).toHaveLength(1);
    expect(fake.openedLocations[0]).toMatchObject({
      latitude: 28.970101,
      longitude: 118.873848,
      name: '花园社区居家养老服务照料中心（3号点）',
      address: '花园社区活动中心一楼',
    });
  });

  test('an unknown facility says so, and 返回 goes back', async () => {
    await open(999);

    expect(text(comp.querySelector('.error-box'))).toContain('没有找到这个服务场所。');
    await tap(comp.querySelector('.back-btn'));
    expect(fake.navigations[0].back).toBe(true);
  });

  test('offline, a saved shelter is shown with 离线数据', async () => {
    const at = new Date();
    at.setHours(9, 30, 0, 0);
    fake.storage[shelterCache.STORAGE_KEY] = { fetched_at: at.getTime(), items: [shelter()] };
    fake.networkType = 'none';
    fake.respond = () => ({ fail: 'request:fail' });

    await open(773);

    expect(text(comp.querySelector('.offline-at'))).toBe('离线数据，更新于 09:30');
    expect(text(comp.querySelector('.name'))).toBe('县学街社区避灾安置点7号');
  });
});

describe('纠错', () => {
  test('a logged-in resident picks what is wrong, adds a note, and it is posted with the token', async () => {
    fake.storage.tokens = TOKENS;
    await open();

    await fillForm();
    expect(text(comp.querySelector('.kind-on'))).toContain('已选');
    await tap(comp.querySelector('.submit-btn'));

    expect(suggestions()).toHaveLength(1);
    expect(suggestions()[0].method).toBe('POST');
    expect(suggestions()[0].data).toEqual({ kind: 'wrong_phone', message: '电话打不通，新号码是0570-1234567' });
    expect(suggestions()[0].header.Authorization).toBe('Bearer access-1');
    expect(fake.toasts[0].title).toBe('已提交，谢谢您');
    expect(comp.querySelector('.suggest-form')).toBeFalsy();
    expect(text(comp.querySelector('.thanks'))).toContain('感谢您的纠错');
  });

  test('without a kind the phone says so next to the choices and sends nothing', async () => {
    fake.storage.tokens = TOKENS;
    await open();

    await fillForm({ kind: null });
    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.error-kind'))).toBe('请选择哪里不对');
    expect(suggestions()).toHaveLength(0);

    await tap(comp.querySelectorAll('.kind-option')[1]);
    expect(comp.querySelector('.error-kind')).toBeFalsy();
  });

  test('the server’s field errors (422) are shown next to the same fields', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      suggest: () => ({
        statusCode: 422,
        data: {
          code: 422,
          status: 'Unprocessable Entity',
          message: '请检查以下各项：说明。',
          error: 'validation_failed',
          errors: { json: { message: ['不能包含控制字符。'] } },
        },
      }),
    });
    await open();

    await fillForm();
    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.error-message'))).toBe('不能包含控制字符。');
    expect(comp.querySelector('.error-kind')).toBeFalsy();
    expect(fake.toasts.map((t) => t.title)).toContain('请检查以下各项：说明。');
    expect(comp.querySelector('.suggest-form')).toBeTruthy(); // what was typed is still there
    expect(comp.data.message).toBe('电话打不通，新号码是0570-1234567');
  });

  test('not logged in: asks to log in, logs in with wx.login, then posts what was typed', async () => {
    fake.loginCode = 'code-7';
    await open();

    await fillForm();
    await tap(comp.querySelector('.submit-btn'), 20);

    expect(fake.modals).toHaveLength(1);
    expect(fake.modals[0].confirmText).toBe('微信登录');
    expect(fake.requestsTo('/auth/wechat')[0].data).toEqual({ code: 'code-7' });
    expect(fake.storage.tokens).toEqual(TOKENS);
    expect(suggestions()).toHaveLength(1);
    expect(suggestions()[0].header.Authorization).toBe('Bearer access-1');
    expect(suggestions()[0].data.kind).toBe('wrong_phone');
  });

  test('not logged in and the privacy guide not yet agreed: the guide first, then login and the post', async () => {
    fake.needPrivacyAuthorization = true;
    await open();

    await fillForm();
    await tap(comp.querySelector('.submit-btn'), 20);
    const sheet = comp.querySelector('.privacy');
    expect(sheet).toBeTruthy();
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    sheet.querySelector('.privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await settle(20);

    expect(comp.querySelector('.privacy')).toBeFalsy();
    expect(fake.requestsTo('/auth/wechat')).toHaveLength(1);
    expect(suggestions()).toHaveLength(1);
  });

  test('an expired session that cannot be refreshed asks to log in again instead of failing silently', async () => {
    fake.storage.tokens = { access_token: 'stale', refresh_token: 'revoked' };
    const base = server();
    fake.respond = (req) =>
      req.url.endsWith('/auth/refresh')
        ? { statusCode: 401, data: { code: 401, message: '登录凭证已失效', error: 'refresh_token_revoked' } }
        : base(req);
    await open();

    await fillForm();
    await tap(comp.querySelector('.submit-btn'), 30);

    expect(fake.modals.length).toBeGreaterThanOrEqual(1);
    expect(fake.modals[0].title).toBe('需要登录');
    // the modal's 微信登录 logged in again and the correction went through with the new token
    expect(suggestions().slice(-1)[0].header.Authorization).toBe('Bearer access-1');
  });
});

describe('服务详情 in 关怀模式', () => {
  test('the page root carries the care class', async () => {
    fake.storage.careMode = true;
    launchApp();
    await open();

    expect(comp.querySelector('.page').dom.className).toMatch(/--care\b/);
  });
});
