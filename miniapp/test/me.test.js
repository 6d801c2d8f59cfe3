const { settle, text, usePage } = require('./helpers/pages');

const fake = global.fakeWx;
let comp;

const ME = {
  id: 12,
  real_name: '张*明',
  id_number: '330802********0012',
  phone: '138****5678',
  roles: ['resident', 'volunteer'],
};

function server({ me = ME } = {}) {
  return (req) => {
    if (req.url.endsWith('/auth/wechat')) {
      return {
        statusCode: 200,
        data: { access_token: 'access-1', refresh_token: 'refresh-1', token_type: 'Bearer', expires_in: 7200, user: me },
      };
    }
    if (req.url.endsWith('/me')) {
      return req.header.Authorization === 'Bearer access-1'
        ? { statusCode: 200, data: me }
        : { statusCode: 401, data: { code: 401, message: '请先登录', error: 'token_expired' } };
    }
    if (req.url.endsWith('/auth/logout')) return { statusCode: 204, data: '' };
    return { statusCode: 404, data: { code: 404, message: '没有找到您要的内容' } };
  };
}

const page = usePage('pages/me/index', 'me-page', {
  before() {
    fake.respond = server();
  },
});

async function open() {
  comp = page.render();
  comp.instance.onLoad({});
  await comp.instance.onShow();
  await settle();
}

describe('我的', () => {
  test('without a token it shows the login button and asks the server nothing', async () => {
    await open();

    expect(text(comp.querySelector('.login-btn'))).toContain('登录');
    expect(comp.querySelector('.profile-card')).toBeFalsy();
    expect(comp.querySelector('.logout-btn')).toBeFalsy();
    expect(fake.requests).toHaveLength(0);
  });

  test('with a token it shows the masked name, ID number, phone and roles from GET /me', async () => {
    fake.storage.tokens = { access_token: 'access-1', refresh_token: 'refresh-1' };

    await open();

    expect(fake.requestsTo('/me')).toHaveLength(1);
    expect(text(comp.querySelector('.profile-name'))).toBe('张*明');
    expect(text(comp.querySelector('.profile-id'))).toBe('330802********0012');
    expect(text(comp.querySelector('.profile-phone'))).toBe('138****5678');
    expect(text(comp.querySelector('.profile-roles'))).toBe('居民、志愿者');
    expect(text(comp.querySelector('.logout-btn'))).toBe('退出登录');
    expect(comp.querySelector('.login-btn')).toBeFalsy();
    expect(comp.querySelector('.workbench-btn')).toBeFalsy();
  });

  test('login waits for the privacy guide to be agreed, then logs in with the wx.login code', async () => {
    fake.needPrivacyAuthorization = true;
    fake.loginCode = 'code-42';
    await open();

    comp.querySelector('.login-btn').dispatchEvent('tap');
    await settle();
    expect(comp.querySelector('.privacy-panel')).toBeTruthy();
    expect(text(comp.querySelector('.privacy-link'))).toBe('《衢州民政小程序隐私保护指引》');
    expect(fake.requests).toHaveLength(0);

    comp.querySelector('.privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await settle(10);

    expect(comp.querySelector('.privacy-panel')).toBeFalsy();
    const logins = fake.requestsTo('/auth/wechat');
    expect(logins).toHaveLength(1);
    expect(logins[0].data).toEqual({ code: 'code-42' });
    expect(logins[0].header.Authorization).toBeUndefined();
    expect(fake.storage.tokens).toEqual({ access_token: 'access-1', refresh_token: 'refresh-1' });
    expect(text(comp.querySelector('.profile-name'))).toBe('张*明');
  });

  test('refusing the privacy guide does not log in', async () => {
    fake.needPrivacyAuthorization = true;
    await open();

    comp.querySelector('.login-btn').dispatchEvent('tap');
    await settle();
    comp.querySelector('.privacy-disagree').dispatchEvent('tap');
    await settle();

    expect(comp.querySelector('.privacy-panel')).toBeFalsy();
    expect(fake.requests).toHaveLength(0);
    expect(fake.toasts[0].title).toContain('隐私保护指引');
    expect(comp.querySelector('.login-btn')).toBeTruthy();
  });

  test('when WeChat asks for privacy authorization the panel opens, and agreeing answers WeChat', async () => {
    await open();
    const resolve = jest.fn();

    fake.privacyListener(resolve, { referrer: 'wx.getLocation' });
    await settle();
    expect(comp.querySelector('.privacy-panel')).toBeTruthy();

    comp.querySelector('.privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await settle();
    expect(resolve).toHaveBeenCalledWith({ buttonId: 'agree-privacy', event: 'agree' });
    expect(comp.querySelector('#agree-privacy')).toBeFalsy(); // panel closed
    expect(fake.requests).toHaveLength(0); // nobody asked to log in
  });

  test('logout tells the server, forgets the tokens and shows the login button again', async () => {
    fake.storage.tokens = { access_token: 'access-1', refresh_token: 'refresh-1' };
    await open();

    comp.querySelector('.logout-btn').dispatchEvent('tap');
    await settle(10);

    expect(fake.modals).toHaveLength(1);
    const logouts = fake.requestsTo('/auth/logout');
    expect(logouts).toHaveLength(1);
    expect(logouts[0].data).toEqual({ refresh_token: 'refresh-1' });
    expect(fake.storage.tokens).toBeUndefined();
    expect(comp.querySelector('.login-btn')).toBeTruthy();
  });

  test('an expired session that cannot be refreshed falls back to the login button with a message', async () => {
    fake.storage.tokens = { access_token: 'stale', refresh_token: 'revoked' };
    fake.respond = (req) =>
      req.url.endsWith('/auth/refresh')
        ? { statusCode: 401, data: { code: 401, message: '登录凭证已失效', error: 'refresh_token_revoked' } }
        : server()(req);

    await open();
    await settle(10);

    expect(comp.querySelector('.login-btn')).toBeTruthy();
    expect(fake.toasts.map((t) => t.title)).toContain('登录已过期，请重新登录');
  });

  test('an incomplete profile says what is missing, and 填写实名信息 opens the real-name form', async () => {
    fake.storage.tokens = { access_token: 'access-1', refresh_token: 'refresh-1' };
    const newcomer = { id: 31, real_name: null, id_number: null, phone: null, region_code: null, roles: ['resident'], profile_complete: false };
    fake.respond = server({ me: newcomer });
    await open();

    expect(text(comp.querySelector('.profile-name'))).toBe('未填写');
    expect(text(comp.querySelector('.profile-notice'))).toContain('姓名、身份证号码和所在社区');
    expect(text(comp.querySelector('.profile-edit-btn'))).toBe('填写实名信息');
    comp.querySelector('.profile-edit-btn').dispatchEvent('tap');
    await settle();

    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageMe/pages/profile/index']);
  });

  test('back from the form, 我的 shows the masked name and ID number the server now answers', async () => {
    fake.storage.tokens = { access_token: 'access-1', refresh_token: 'refresh-1' };
    const newcomer = { id: 31, real_name: null, id_number: null, phone: null, region_code: null, roles: ['resident'], profile_complete: false };
    fake.respond = server({ me: newcomer });
    await open();

    // Saved on the form (PATCH /me); WeChat shows 我的 again (onShow).
    fake.respond = server({ me: Object.assign({}, newcomer, { real_name: '王**', id_number: '330881********0018', region_code: '330802001001', profile_complete: true }) });
    await comp.instance.onShow();
    await settle();

    expect(text(comp.querySelector('.profile-name'))).toBe('王**');
    expect(text(comp.querySelector('.profile-id'))).toBe('330881********0018');
    expect(comp.querySelector('.profile-notice')).toBeFalsy();
    expect(text(comp.querySelector('.profile-edit-btn'))).toBe('修改实名信息');
  });

  test('a worker sees the 工作台 entry, which opens the worker subpackage', async () => {
    fake.storage.tokens = { access_token: 'access-1', refresh_token: 'refresh-1' };
    fake.respond = server({ me: Object.assign({}, ME, { roles: ['resident', 'worker'] }) });
    await open();

    expect(text(comp.querySelector('.profile-roles'))).toBe('居民、工作人员');
    comp.querySelector('.workbench-btn').dispatchEvent('tap');
    await settle();

    expect(fake.navigations[0].url).toBe('/packageWorker/pages/index/index');
  });
});
