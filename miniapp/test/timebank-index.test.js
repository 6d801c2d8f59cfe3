const { launchApp, settle, text, tap, usePage } = require('./helpers/pages');
const { volunteer, account, serviceLog, problem, ok, TOKENS } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

function server({ me = volunteer(), logs = [] } = {}) {
  return (req) => {
    if (req.url.endsWith('/auth/wechat')) return ok(Object.assign({ token_type: 'Bearer', expires_in: 7200, user: { id: 2 } }, TOKENS));
    if (req.header.Authorization !== 'Bearer access-1') return problem(401, '请先登录。', 'token_missing');
    if (req.url.endsWith('/timebank/volunteers/me')) return me ? ok(me) : problem(404, '您还没有登记为志愿者。', 'not_volunteer');
    if (req.url.endsWith('/timebank/account')) return ok(account());
    if (req.url.endsWith('/timebank/service-logs')) return ok(logs);
    return problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const page = usePage('packageTimebank/pages/index/index', 'timebank-index', {
  before() {
    fake.respond = server();
  },
});

async function open() {
  comp = page.render();
  comp.instance.onLoad({});
  await comp.instance.onShow();
  await settle(10);
}

describe('时间银行 首页', () => {
  test('a volunteer sees the balance in hours, the star level in marks and words, skills and the menu', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ logs: [serviceLog()] });
    await open();

    expect(text(comp.querySelector('.balance-line'))).toBe('12.5小时');
    expect(text(comp.querySelector('.star-marks'))).toBe('★☆☆☆☆');
    expect(text(comp.querySelector('.star-words'))).toBe('一星志愿者');
    expect(text(comp.querySelector('.volunteer-card .card-title'))).toBe('志愿者 李**');
    expect(text(comp.querySelector('.volunteer-skills'))).toBe('能提供：陪伴聊天、智能手机教学');
    expect(comp.querySelector('.register-btn')).toBeFalsy();
    expect(comp.querySelectorAll('.menu-title').map(text)).toEqual([
      '找志愿服务',
      '我的预约',
      '我的时间',
      '转赠给家人',
      '申请养老服务',
      '确认服务',
    ]);
    expect(text(comp.querySelector('.confirm-desc'))).toBe('有 1 条服务等您确认');
    expect(fake.requestsTo('/timebank/service-logs')[0].data).toMatchObject({ to_confirm: 1 });
  });

  test('someone not yet registered is offered 登记成为志愿者, which opens the register page', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ me: null });
    await open();

    expect(text(comp.querySelector('.join-card .card-title'))).toBe('您还不是志愿者');
    expect(text(comp.querySelector('.balance-line'))).toBe('12.5小时'); // family who received hours see them too
    await tap(comp.querySelector('.register-btn'));
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageTimebank/pages/register/index']);
  });

  test('each menu entry opens its page in the subpackage', async () => {
    fake.storage.tokens = TOKENS;
    await open();

    for (const item of comp.querySelectorAll('.menu-item')) await tap(item);
    expect(fake.navigations.map((n) => n.url)).toEqual(
      ['opportunities', 'bookings', 'account', 'transfer', 'redeem', 'confirm'].map((p) => `/packageTimebank/pages/${p}/index`),
    );
  });

  test('without login it shows the login card, asks nothing, and loads after 微信登录', async () => {
    await open();

    expect(fake.requests).toHaveLength(0);
    const gate = comp.querySelector('.login');
    expect(gate).toBeTruthy();
    expect(text(gate)).toContain('请先登录');
    expect(comp.querySelector('.balance-card')).toBeFalsy();

    await tap(gate.querySelector('.gate-login'));
    await settle(10);

    expect(fake.requestsTo('/auth/wechat')).toHaveLength(1);
    expect(comp.querySelector('.login')).toBeFalsy();
    expect(text(comp.querySelector('.balance-line'))).toBe('12.5小时');
  });

  test('the login card waits for the privacy guide before logging in', async () => {
    fake.needPrivacyAuthorization = true;
    await open();

    await tap(comp.querySelector('.login').querySelector('.gate-login'));
    expect(fake.requests).toHaveLength(0);
    const sheet = comp.querySelector('.login').querySelector('.privacy');
    expect(sheet).toBeTruthy();

    sheet.querySelector('.privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await settle(15);
    expect(fake.requestsTo('/auth/wechat')).toHaveLength(1);
    expect(comp.querySelector('.balance-card')).toBeTruthy();
  });

  test('a session that cannot be refreshed brings the login card back', async () => {
    fake.storage.tokens = { access_token: 'stale', refresh_token: 'revoked' };
    fake.respond = (req) =>
      req.url.endsWith('/auth/refresh') ? problem(401, '登录凭证已失效', 'refresh_token_revoked') : server()(req);
    await open();

    expect(comp.querySelector('.login')).toBeTruthy();
    expect(comp.querySelector('.notice-error')).toBeFalsy();
  });

  test('in 关怀模式 the root view carries the care class', async () => {
    fake.storage.tokens = TOKENS;
    fake.storage.careMode = true;
    launchApp();
    await open();

    expect(comp.querySelector('.page').dom.className).toMatch(/--care\b/);
  });
});
