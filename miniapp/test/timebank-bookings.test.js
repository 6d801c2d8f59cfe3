const { settle, text, tap: tapAndSettle, usePage } = require('./helpers/pages');
const { booking, problem, fieldProblem, ok, TOKENS, later } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

const FAR = '您离服务地点约 14788 米，需在 500 米内签到；也可以输入签到码。';
const SITE_CODE = '232389';

const MINE = [
  booking({ id: 7, startsIn: 0.25 }),
  booking({ id: 6, title: '助餐送餐', facility_name: null, status: 'checked_in', startsIn: -1, checked_in_at: later(-1) }),
  booking({ id: 5, title: '理发', status: 'completed', startsIn: -30, checked_in_at: later(-30), checked_out_at: later(-28) }),
  booking({ id: 4, title: '读报', status: 'cancelled_by_site', startsIn: 30 }),
];

/** The server's presence check: near enough (lat 28.97…) or the site's code; else the 422 it gives. */
function server({ items = MINE, checkIn, checkOut, cancel } = {}) {
  return (req) => {
    if (req.url.endsWith('/timebank/bookings') && req.method === 'GET') return ok(items);
    const m = /\/timebank\/bookings\/(\d+)(\/check-in|\/check-out)?$/.exec(req.url);
    if (!m) return problem(404, '没有找到您要的内容。', 'not_found');
    const found = items.find((b) => String(b.id) === m[1]);
    if (m[2] === '/check-in') {
      if (checkIn) return checkIn(req);
      if (req.data.code !== undefined && req.data.code !== SITE_CODE) return fieldProblem({ code: ['签到码不对，请向现场工作人员核对。'] });
      if (req.data.lat !== undefined && Math.abs(req.data.lat - 28.97) > 0.005) return fieldProblem({ lat: [FAR] }, `请检查纬度：${FAR}`);
      return ok(Object.assign({}, found, { status: 'checked_in', checked_in_at: new Date().toISOString() }));
    }
    if (m[2] === '/check-out') {
      if (checkOut) return checkOut(req);
      return ok(Object.assign({}, found, { status: 'completed', checked_out_at: new Date().toISOString(), service_log_id: 31, served_minutes: 120 }));
    }
    if (req.method === 'DELETE') {
      if (cancel) return cancel(req);
      return ok(Object.assign({}, found, { status: 'cancelled', cancelled_at: new Date().toISOString(), places_left: 3 }));
    }
    return problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const page = usePage('packageTimebank/pages/bookings/index', 'timebank-bookings', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.location = { latitude: 28.9701, longitude: 118.8738 };
    fake.respond = server();
  },
});

async function open() {
  comp = await page.open({}, 15);
}

const tap = (node, rounds = 20) => tapAndSettle(node, rounds);
const inCard = (id, selector) => comp.querySelector(`.booking-${id} ${selector}`);
const typeCode = async (value) => {
  comp.querySelector('.code-input').dispatchEvent('input', { detail: { value } });
  await settle();
};
const presence = (kind) => fake.requests.filter((r) => r.url.endsWith(kind));

describe('我的预约', () => {
  test('lists my bookings with their state in words and the actions each state allows', async () => {
    await open();

    expect(fake.requestsTo('/timebank/bookings')[0].data).toEqual({ mine: 1, page: 1, page_size: 20 });
    expect(comp.querySelectorAll('.booking-title').map(text)).toEqual(['陪老人聊天', '助餐送餐', '理发', '读报']);
    expect(comp.querySelectorAll('.status').map(text)).toEqual(['已预约', '服务中（已签到）', '已完成', '服务点已取消']);
    expect(text(inCard(7, '.check-in-btn'))).toBe('到场签到');
    expect(text(inCard(7, '.cancel-btn'))).toBe('取消预约');
    expect(inCard(7, '.check-out-btn')).toBeFalsy();
    expect(text(inCard(6, '.check-out-btn'))).toBe('服务结束，签退');
    expect(inCard(6, '.cancel-btn')).toBeFalsy();
    expect(text(inCard(6, '.booking-place'))).toBe('无固定地点（凭签到码签到）');
    expect(text(inCard(5, '.booking-times'))).toMatch(/^签到：\d+月\d+日 \d\d:\d\d；签退：\d+月\d+日 \d\d:\d\d$/);
    expect(inCard(5, '.btn')).toBeFalsy();
    expect(inCard(4, '.btn')).toBeFalsy();
  });

  test('checks in by the phone’s gcj02 position when it is near the site', async () => {
    await open();

    await tap(inCard(7, '.check-in-btn'));

    expect(fake.locationCalls).toEqual([{ type: 'gcj02' }]);
    const posts = presence('/bookings/7/check-in');
    expect(posts).toHaveLength(1);
    expect(posts[0].method).toBe('POST');
    expect(posts[0].data).toEqual({ lat: 28.9701, lng: 118.8738, coord_type: 'gcj02' });
    expect(text(inCard(7, '.status'))).toBe('服务中（已签到）');
    expect(text(inCard(7, '.booking-notice'))).toContain('签到成功');
    expect(inCard(7, '.check-out-btn')).toBeTruthy();
    expect(comp.querySelector('.code-panel')).toBeFalsy();
  });

  test('too far away (422 errors.json.lat): the reason is shown with a code input, and the code checks in', async () => {
    fake.location = { latitude: 29.1, longitude: 118.9 };
    await open();

    await tap(inCard(7, '.check-in-btn'));

    expect(presence('/bookings/7/check-in')).toHaveLength(1);
    expect(inCard(7, '.code-panel')).toBeTruthy();
    expect(text(inCard(7, '.code-reason'))).toBe(FAR);
    expect(text(inCard(7, '.code-submit'))).toBe('确认签到');

    await typeCode('23238');
    await tap(comp.querySelector('.code-submit'));
    expect(text(comp.querySelector('.code-error'))).toBe('签到码是 6 位数字。');
    expect(presence('/bookings/7/check-in')).toHaveLength(1);

    await typeCode(SITE_CODE);
    await tap(comp.querySelector('.code-submit'));

    const posts = presence('/bookings/7/check-in');
    expect(posts).toHaveLength(2);
    expect(posts[1].data).toEqual({ code: SITE_CODE });
    expect(text(inCard(7, '.status'))).toBe('服务中（已签到）');
    expect(comp.querySelector('.code-panel')).toBeFalsy();
  });

  test('a wrong code is said under the code field', async () => {
    fake.location = { latitude: 29.1, longitude: 118.9 };
    await open();
    await tap(inCard(7, '.check-in-btn'));

    await typeCode('000000');
    await tap(comp.querySelector('.code-submit'));

    expect(text(comp.querySelector('.code-error'))).toBe('签到码不对，请向现场工作人员核对。');
    expect(comp.querySelector('.code-input').dom.className).toMatch(/input-error/);
    expect(text(inCard(7, '.status'))).toBe('已预约');
  });

  test('with location refused it goes straight to the code, without asking for the position', async () => {
    fake.authSetting['scope.userLocation'] = false;
    await open();

    await tap(inCard(7, '.check-in-btn'));

    expect(fake.locationCalls).toHaveLength(0);
    expect(presence('/bookings/7/check-in')).toHaveLength(0);
    expect(text(comp.querySelector('.code-reason'))).toBe('您没有允许本小程序使用位置信息。请输入现场工作人员出示的 6 位签到码。');
  });

  test('with the phone’s location off it asks for the code, and 重新用位置签到 tries the position again', async () => {
    fake.locationError = 'getLocation:fail:ERROR_NOCELL&WIFI_LOCATIONSWITCHOFF';
    await open();
    await tap(inCard(7, '.check-in-btn'));
    expect(text(comp.querySelector('.code-reason'))).toContain('定位服务没有打开');

    fake.locationError = null;
    await tap(comp.querySelector('.code-location'));

    expect(presence('/bookings/7/check-in')).toHaveLength(1);
    expect(text(inCard(7, '.status'))).toBe('服务中（已签到）');
  });

  test('a slot without a fixed place (422 errors.json.code) asks for the code', async () => {
    fake.respond = server({ checkIn: (req) => (req.data.code ? ok(Object.assign({}, MINE[0], { status: 'checked_in' })) : fieldProblem({ code: ['这个服务项目没有固定地点，请输入签到码。'] })) });
    await open();

    await tap(inCard(7, '.check-in-btn'));

    expect(text(comp.querySelector('.code-reason'))).toBe('这个服务项目没有固定地点，请输入签到码。');
    expect(comp.querySelector('.code-error')).toBeFalsy();
  });

  test('check-in before it opens (409) says when it opens, on that booking', async () => {
    fake.respond = server({ checkIn: () => problem(409, '签到在开始前 30 分钟开放（12月01日 15:30 起）。', 'check_in_not_open') });
    await open();

    await tap(inCard(7, '.check-in-btn'));

    expect(text(inCard(7, '.booking-notice'))).toBe('签到在开始前 30 分钟开放（12月01日 15:30 起）。');
    expect(comp.querySelector('.code-panel')).toBeFalsy();
  });

  test('checking out says how much time was served and that it waits for approval', async () => {
    await open();

    await tap(inCard(6, '.check-out-btn'));

    expect(presence('/bookings/6/check-out')[0].data).toEqual({ lat: 28.9701, lng: 118.8738, coord_type: 'gcj02' });
    expect(text(inCard(6, '.status'))).toBe('已完成');
    expect(text(inCard(6, '.booking-notice'))).toBe('签退成功，本次服务 2 小时，审核通过后存入时间银行。');
    expect(fake.toasts.map((t) => t.title)).toEqual(['签退成功']);
  });

  test('cancelling too late shows the reason on the booking, which stays booked', async () => {
    fake.respond = server({ cancel: () => problem(409, '开始前 2 小时内不能在线取消，请直接联系服务点，以免老人空等。', 'too_late_to_cancel') });
    await open();

    await tap(inCard(7, '.cancel-btn'));

    expect(fake.modals).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'DELETE')[0].url).toMatch(/\/timebank\/bookings\/7$/);
    expect(text(inCard(7, '.booking-notice'))).toBe('开始前 2 小时内不能在线取消，请直接联系服务点，以免老人空等。');
    expect(text(inCard(7, '.status'))).toBe('已预约');
  });

  test('cancelling in time marks the booking cancelled', async () => {
    await open();

    await tap(inCard(7, '.cancel-btn'));

    expect(text(inCard(7, '.status'))).toBe('已取消');
    expect(inCard(7, '.check-in-btn')).toBeFalsy();
  });

  test('no bookings yet offers 找志愿服务', async () => {
    fake.respond = server({ items: [] });
    await open();

    await tap(comp.querySelector('.find-btn'));
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageTimebank/pages/opportunities/index']);
  });
});
