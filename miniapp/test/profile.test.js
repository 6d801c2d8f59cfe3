// 实名信息 (packageMe/pages/profile): the real-name form of 我的. Checked on the phone with the server's rules
// before anything is sent (a bad ID number never leaves the phone), sent as PATCH /me (over the wire a POST with
// X-HTTP-Method-Override, as utils/request.js sends it) with only what changes, the server's 422 and field 409s back
// on the same fields, the privacy guide and the login before personal data goes, and the 关怀模式 sizes.
// 使用微信绑定的手机号: the code of a getPhoneNumber tap goes to POST /me/phone, which answers the profile.
const fs = require('fs');
const path = require('path');
const { ROOT, launchApp, settle, text, tap, usePage } = require('./helpers/pages');
const pf = require('../packageMe/utils/profile-form');

const fake = global.fakeWx;
let comp;

const ok = (data, statusCode = 200) => ({ statusCode, data });
const problem = (statusCode, message, error, extra) => ({
  statusCode,
  data: Object.assign({ code: statusCode, status: 'Error', message, error }, extra || {}),
});
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };

// The region tree as GET /regions answers it (server/seed.py: 浙江省 › 衢州市 › counties › townships › communities).
const region = (code, name, level, parent) => ({ code, name, level, parent_code: parent, is_urban: true });
const REGIONS = {
  top: [region('33', '浙江省', 'province', null)],
  33: [region('330800', '衢州市', 'city', '33')],
  330800: [region('330802', '柯城区', 'county', '330800'), region('330803', '衢江区', 'county', '330800')],
  330802: [region('330802001', '府山街道', 'township', '330802'), region('330802002', '信安街道', 'township', '330802')],
  330802001: [
    region('330802001001', '坊门街社区', 'community', '330802001'),
    region('330802001002', '县学街社区', 'community', '330802001'),
  ],
  330803: [region('330803001', '樟潭街道', 'township', '330803')],
  330803001: [region('330803001001', '樟潭村', 'community', '330803001')],
};
const BY_CODE = {};
Object.keys(REGIONS).forEach((k) => REGIONS[k].forEach((r) => (BY_CODE[r.code] = r)));

const NEWCOMER = {
  id: 31,
  real_name: null,
  id_number: null,
  phone: null,
  region_code: null,
  roles: ['resident'],
  worker_level: null,
  worker_region_code: null,
  profile_complete: false,
};
const RESIDENT = Object.assign({}, NEWCOMER, {
  real_name: '王**',
  id_number: '330802********0012',
  phone: '138****0001',
  region_code: '330802001001',
  profile_complete: true,
});
const mask = (body, before) =>
  Object.assign({}, before, {
    real_name: body.real_name ? `${body.real_name[0]}${'*'.repeat(body.real_name.length - 1)}` : before.real_name,
    id_number: body.id_number ? `${body.id_number.slice(0, 6)}********${body.id_number.slice(-4)}` : before.id_number,
    phone: body.phone ? `${body.phone.slice(0, 3)}****${body.phone.slice(-4)}` : before.phone,
    region_code: body.region_code || before.region_code,
  });

const VERIFIED_PHONE = '139****2345';

/**
 * A server with GET /me, PATCH /me (answering the masked profile, or `patch(req)`), POST /me/phone (the profile
 * with the number WeChat verified, or `phone(req)`), /regions and login.
 */
function server({ me = NEWCOMER, patch, phone } = {}) {
  return (req) => {
    if (req.url.endsWith('/me/phone') && req.method === 'POST') {
      if (req.header.Authorization !== 'Bearer access-1') return problem(401, '请先登录。', 'token_missing');
      return phone ? phone(req) : ok(Object.assign({}, me, { phone: VERIFIED_PHONE }));
    }
    if (req.url.endsWith('/auth/wechat')) {
      return ok({ access_token: 'access-1', refresh_token: 'refresh-1', token_type: 'Bearer', expires_in: 7200, user: me });
    }
    if (req.url.endsWith('/me')) {
      if (req.header.Authorization !== 'Bearer access-1') return problem(401, '请先登录。', 'token_missing');
      if (req.method === 'GET') return ok(me);
      if (req.method === 'PATCH') return patch ? patch(req) : ok(Object.assign(mask(req.data, me), { profile_complete: true }));
    }
    const one = req.url.match(/\/regions\/(\w+)$/);
    if (one) return BY_CODE[one[1]] ? ok(BY_CODE[one[1]]) : problem(404, '没有找到这个地区。', 'region_not_found');
    if (req.url.endsWith('/regions')) return ok(REGIONS[(req.data && req.data.parent) || 'top'] || []);
    return problem(404, '没有找到您要的内容', 'not_found');
  };
}

const patches = () => fake.requests.filter((r) => r.url.endsWith('/me') && r.method === 'PATCH');
const phoneCodes = () => fake.requestsTo('/me/phone');
const one = (selector) => comp.querySelector(selector);

const page = usePage('packageMe/pages/profile/index', 'profile-page', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.respond = server();
  },
});

async function open() {
  comp = await page.open({}, 20);
}

const type = async (selector, value) => {
  one(selector).dispatchEvent('input', { detail: { value } });
  await settle(2);
};
const pickRegion = async (name) => {
  const option = one('.regions')
    .querySelectorAll('.picker-option')
    .find((o) => text(o) === name);
  expect(option).toBeTruthy();
  await tap(option, 10);
};

/** What WeChat hands bindgetphonenumber: a code when the user allowed it, only errMsg when not. */
const ALLOWED = { errMsg: 'getPhoneNumber:ok', code: 'phone-code-1' };
const DENIED = { errMsg: 'getPhoneNumber:fail user deny' };
const wechatPhone = async (detail, rounds = 10) => {
  one('.phone-wechat-btn').dispatchEvent('getphonenumber', { detail });
  await settle(rounds);
};

async function fillNewcomer({ name = '王秀英', id = '330881195001010018', phone = '' } = {}) {
  await type('.name-input', name);
  await type('.id-input', id);
  if (phone) await type('.phone-input', phone);
  await pickRegion('柯城区');
  await pickRegion('府山街道');
  await pickRegion('坊门街社区');
}

describe('实名信息: the form', () => {
  test('an empty profile shows the four fields, says why they are asked, and offers the counties', async () => {
    await open();

    expect(fake.requestsTo('/me')).toHaveLength(1);
    expect(text(one('.intro-text'))).toContain('只收集办理业务必需的信息');
    expect(text(one('.privacy-link'))).toBe('《衢州民政小程序隐私保护指引》');
    expect(one('.name-input')).toBeTruthy();
    expect(one('.id-input')).toBeTruthy();
    expect(one('.phone-input')).toBeTruthy();
    const counties = one('.regions').querySelectorAll('.picker-option').map(text);
    expect(counties).toEqual(['柯城区', '衢江区']);
    expect(text(one('.submit-btn'))).toBe('保存');
    expect(patches()).toHaveLength(0);
  });

  test('a bad ID number is refused on the phone, next to its field, and nothing is sent', async () => {
    await open();
    await fillNewcomer({ id: '330881195001010019' }); // the check character should be 8

    await tap(one('.submit-btn'));

    expect(text(one('.error-id_number'))).toBe('身份证号码最后一位校验码不对，请核对后重新填写。');
    expect(one('.id-input').dom.className).toMatch(/field-bad/);
    expect(text(one('.form-error'))).toBe('请按标红的提示修改后再保存。');
    expect(one('.error-real_name')).toBeFalsy();
    expect(patches()).toHaveLength(0);
  });

  test('every rule of the server is checked before sending: name length, mobile number, a community', async () => {
    await open();
    await type('.name-input', '王');
    await type('.id-input', '33088119500101001'); // 17 characters
    await type('.phone-input', '1385700');
    await pickRegion('柯城区');
    await pickRegion('府山街道'); // a township, not yet a community

    await tap(one('.submit-btn'));

    expect(text(one('.error-real_name'))).toBe('姓名应为 2 到 20 个字。');
    expect(text(one('.error-id_number'))).toBe('身份证号码应为18位，请核对后重新填写。');
    expect(text(one('.error-phone'))).toBe('请填写 11 位手机号码。');
    expect(text(one('.error-region_code'))).toBe('请选择您所在的社区（村）。');
    expect(patches()).toHaveLength(0);

    // Typing into a field takes its error away.
    await type('.name-input', '王秀英');
    expect(one('.error-real_name')).toBeFalsy();
  });

  test('a good form sends PATCH /me (a POST with X-HTTP-Method-Override) with the right body, then goes back', async () => {
    await open();
    const emitted = [];
    comp.instance.getOpenerEventChannel = () => ({ emit: (name, data) => emitted.push({ name, data }) });
    await fillNewcomer({ id: '11010519491231002x', phone: '138 5700 0009' });
    expect(text(one('.region-path'))).toBe('衢州市 › 柯城区 › 府山街道 › 坊门街社区');

    await tap(one('.submit-btn'));

    const sent = patches();
    expect(sent).toHaveLength(1);
    expect(sent[0].wireMethod).toBe('POST');
    expect(sent[0].header['X-HTTP-Method-Override']).toBe('PATCH');
    expect(sent[0].header.Authorization).toBe('Bearer access-1');
    expect(sent[0].data).toEqual({
      real_name: '王秀英',
      id_number: '11010519491231002X',
      phone: '13857000009',
      region_code: '330802001001',
    });
    expect(fake.toasts.map((t) => t.title)).toEqual(['已保存']);
    expect(fake.navigations).toEqual([expect.objectContaining({ back: true })]);
    expect(emitted).toEqual([{ name: 'saved', data: expect.objectContaining({ real_name: '王**', id_number: '110105********002X' }) }]);
  });

  test('the mobile number may be left empty: it is not sent', async () => {
    await open();
    await fillNewcomer();

    await tap(one('.submit-btn'));

    expect(patches()[0].data).toEqual({ real_name: '王秀英', id_number: '330881195001010018', region_code: '330802001001' });
  });

  test("the server's 422 lands on the same fields", async () => {
    fake.respond = server({
      patch: () =>
        problem(422, '请检查填写的内容。', 'validation_failed', {
          errors: { json: { id_number: ['身份证号码的地区码不正确。'], real_name: ['姓名应为 2 到 20 个字。'] } },
        }),
    });
    await open();
    await fillNewcomer();

    await tap(one('.submit-btn'));

    expect(patches()).toHaveLength(1);
    expect(text(one('.error-id_number'))).toBe('身份证号码的地区码不正确。');
    expect(text(one('.error-real_name'))).toBe('姓名应为 2 到 20 个字。');
    expect(text(one('.form-error'))).toBe('请按标红的提示修改后再保存。');
    expect(fake.navigations).toHaveLength(0);
    expect(comp.data.form.real_name).toBe('王秀英'); // what was typed stays
  });

  test('a number bound to another account (409) is said next to its field', async () => {
    fake.respond = server({ patch: () => problem(409, '该手机号码已绑定其他账号。', 'phone_taken') });
    await open();
    await fillNewcomer({ phone: '13857000001' });

    await tap(one('.submit-btn'));

    expect(text(one('.error-phone'))).toBe('该手机号码已绑定其他账号。');
    expect(fake.navigations).toHaveLength(0);
  });

  test('an existing profile: the ID number is shown masked and locked, and only what changes is sent', async () => {
    fake.respond = server({ me: RESIDENT });
    await open();

    expect(one('.id-input')).toBeFalsy();
    expect(text(one('.id-locked'))).toBe('330802********0012');
    expect(text(one('.field-id'))).toContain('联系社区工作人员');
    expect(text(one('.name-hint'))).toContain('已登记：王**');
    expect(text(one('.region-path'))).toBe('衢州市 › 柯城区 › 府山街道 › 坊门街社区');
    expect(one('.regions')).toBeFalsy();

    await type('.phone-input', '13957001234');
    await tap(one('.submit-btn'));

    expect(patches()[0].data).toEqual({ phone: '13957001234' });
  });

  test('an existing profile: another community can be chosen, or the choice put away unchanged', async () => {
    fake.respond = server({ me: RESIDENT });
    await open();

    await tap(one('.region-btn'));
    await pickRegion('衢江区');
    await tap(one('.region-cancel'));
    expect(text(one('.region-path'))).toBe('衢州市 › 柯城区 › 府山街道 › 坊门街社区');

    await tap(one('.region-btn'));
    await pickRegion('衢江区');
    await pickRegion('樟潭街道');
    await pickRegion('樟潭村');
    await tap(one('.submit-btn'));

    expect(patches()[0].data).toEqual({ region_code: '330803001001' });
  });
});

describe('实名信息: 使用微信绑定的手机号', () => {
  test('the button beside the typed field asks WeChat for the number (open-type getPhoneNumber), in words', async () => {
    await open();

    expect(text(one('.phone-wechat-btn'))).toBe('使用微信绑定的手机号');
    expect(one('.phone-input')).toBeTruthy();
    // simulate draws no open-type: the template says it.
    const wxml = fs.readFileSync(path.join(ROOT, 'packageMe/pages/profile/index.wxml'), 'utf8');
    const tag = wxml.match(/<button[^>]*phone-wechat-btn[^>]*>/)[0];
    expect(tag).toContain('open-type="getPhoneNumber"');
    expect(tag).toContain('bindgetphonenumber="onPhoneNumber"');
  });

  test('a tap with a code: POST /api/v1/me/phone {code}, then the masked number in place of the typed field', async () => {
    await open();
    await type('.phone-input', '1385');

    await wechatPhone(ALLOWED);

    const sent = phoneCodes();
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toMatch(/\/api\/v1\/me\/phone$/);
    expect(sent[0].method).toBe('POST');
    expect(sent[0].header.Authorization).toBe('Bearer access-1');
    expect(sent[0].data).toEqual({ code: 'phone-code-1' });
    expect(text(one('.phone-verified'))).toContain('已使用微信绑定的手机号 139****2345');
    expect(text(one('.phone-verified'))).toContain('微信已验证');
    expect(one('.phone-input')).toBeFalsy();
    expect(comp.data.profile.phone).toBe(VERIFIED_PHONE);
    expect(patches()).toHaveLength(0);

    // 保存 afterwards sends the rest, not the half-typed number: the verified one is saved already.
    await fillNewcomer();
    await tap(one('.submit-btn'));
    expect(patches()[0].data).toEqual({ real_name: '王秀英', id_number: '330881195001010018', region_code: '330802001001' });
  });

  test('a profile complete but for the number: verified, then 保存 goes back and tells the opener', async () => {
    fake.respond = server({ me: Object.assign({}, RESIDENT, { phone: null }) });
    await open();
    const emitted = [];
    comp.instance.getOpenerEventChannel = () => ({ emit: (name, data) => emitted.push({ name, data }) });

    await wechatPhone(ALLOWED);
    await tap(one('.submit-btn'));

    expect(patches()).toHaveLength(0);
    expect(emitted).toEqual([{ name: 'saved', data: expect.objectContaining({ phone: VERIFIED_PHONE }) }]);
    expect(fake.navigations).toEqual([expect.objectContaining({ back: true })]);

    // 换一个号码 brings the typed field back, saying what is registered.
    await tap(one('.phone-type-btn'));
    expect(one('.phone-input')).toBeTruthy();
    expect(text(one('.phone-hint'))).toContain('已登记：139****2345');
  });

  test('refused in WeChat: nothing is sent, and a plain hint to type the number instead', async () => {
    await open();

    await wechatPhone(DENIED);

    expect(phoneCodes()).toHaveLength(0);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
    expect(text(one('.phone-note'))).toBe('没有获取微信绑定的手机号。您可以直接在上面填写手机号码。');
    expect(one('.phone-input')).toBeTruthy();
    expect(one('.error-phone')).toBeFalsy();

    // Typing takes the hint away.
    await type('.phone-input', '13957001234');
    expect(one('.phone-note')).toBeFalsy();
  });

  test('the privacy guide comes first when WeChat wants it agreed, and refusing it sends nothing', async () => {
    await open();
    fake.needPrivacyAuthorization = true;

    await wechatPhone(ALLOWED);
    expect(one('.privacy')).toBeTruthy();
    expect(phoneCodes()).toHaveLength(0);
    await tap(one('.privacy').querySelector('.privacy-disagree'));
    expect(phoneCodes()).toHaveLength(0);
    expect(fake.toasts.map((t) => t.title)).toEqual(['需要同意隐私保护指引后才能使用微信绑定的手机号']);

    await wechatPhone(ALLOWED);
    fake.needPrivacyAuthorization = false;
    one('.privacy').querySelector('.privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await settle(10);
    expect(phoneCodes()).toHaveLength(1);
    expect(text(one('.phone-verified'))).toContain(VERIFIED_PHONE);
  });

  test('422 wechat_phone_code_invalid: said next to the phone field (errors.json.code), the field stays', async () => {
    const message = '微信手机号授权已失效，请再点一次“使用微信绑定的手机号”。';
    fake.respond = server({
      phone: () => problem(422, message, 'wechat_phone_code_invalid', { errors: { json: { code: [message] } } }),
    });
    await open();

    await wechatPhone(ALLOWED);

    expect(phoneCodes()).toHaveLength(1);
    expect(text(one('.error-phone'))).toBe(message);
    expect(one('.phone-input').dom.className).toMatch(/field-bad/);
    expect(one('.phone-verified')).toBeFalsy();
    expect(one('.phone-wechat-btn')).toBeTruthy();
    expect(one('.form-error')).toBeFalsy();
  });

  test('409 phone_taken: said next to the phone field', async () => {
    fake.respond = server({ phone: () => problem(409, '该手机号码已绑定其他账号。', 'phone_taken') });
    await open();

    await wechatPhone(ALLOWED);

    expect(text(one('.error-phone'))).toBe('该手机号码已绑定其他账号。');
    expect(one('.phone-verified')).toBeFalsy();
  });

  test('503 wechat_busy: the toast of the request helper and the hint to type the number', async () => {
    fake.respond = server({ phone: () => problem(503, '微信服务繁忙，请稍后再试，或直接填写手机号。', 'wechat_busy') });
    await open();

    await wechatPhone(ALLOWED);

    expect(fake.toasts.map((t) => t.title)).toEqual(['微信服务繁忙，请稍后再试，或直接填写手机号。']);
    expect(text(one('.phone-note'))).toBe('暂时无法使用微信绑定的手机号，您可以直接在上面填写手机号码。');
    expect(one('.error-phone')).toBeFalsy();
    expect(one('.phone-input')).toBeTruthy();
  });
});

describe('实名信息: privacy and login before personal data leaves the phone', () => {
  test('when WeChat needs the privacy guide agreed, nothing is sent until 同意', async () => {
    await open();
    await fillNewcomer();
    fake.needPrivacyAuthorization = true;

    await tap(one('.submit-btn'));
    expect(one('.privacy')).toBeTruthy();
    expect(patches()).toHaveLength(0);

    fake.needPrivacyAuthorization = false;
    one('.privacy').querySelector('.privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await settle(10);
    expect(one('.privacy')).toBeFalsy();
    expect(patches()).toHaveLength(1);
  });

  test('refusing the privacy guide sends nothing and says why', async () => {
    await open();
    await fillNewcomer();
    fake.needPrivacyAuthorization = true;

    await tap(one('.submit-btn'));
    await tap(one('.privacy').querySelector('.privacy-disagree'));

    expect(one('.privacy')).toBeFalsy();
    expect(patches()).toHaveLength(0);
    expect(fake.toasts.map((t) => t.title)).toEqual(['需要同意隐私保护指引后才能保存实名信息']);
  });

  test('without a login: a login card, and after 微信登录 the form with the profile', async () => {
    delete fake.storage.tokens;
    await open();

    expect(one('.login-card')).toBeTruthy();
    expect(one('.profile-form')).toBeFalsy();
    expect(fake.requests).toHaveLength(0);

    await tap(one('.login-btn'), 20);

    expect(fake.requestsTo('/auth/wechat')).toHaveLength(1);
    expect(fake.requestsTo('/me')).toHaveLength(1);
    expect(one('.login-card')).toBeFalsy();
    expect(one('.name-input')).toBeTruthy();
  });

  test('a session that ended while filling in: login, then the save goes on with what was typed', async () => {
    await open();
    await fillNewcomer();
    fake.storage.tokens = { access_token: 'stale', refresh_token: 'revoked' };
    const normal = server();
    fake.respond = (req) =>
      req.url.endsWith('/auth/refresh') ? problem(401, '登录凭证已失效', 'refresh_token_revoked') : normal(req);

    await tap(one('.submit-btn'), 20);

    expect(fake.modals[0].title).toBe('需要登录');
    await settle(20);
    const sent = patches().filter((r) => r.header.Authorization === 'Bearer access-1');
    expect(sent).toHaveLength(1);
    expect(sent[0].data).toEqual({ real_name: '王秀英', id_number: '330881195001010018', region_code: '330802001001' });
  });
});

describe('实名信息: 关怀模式', () => {
  test('the page root carries the care class when the mode is on', async () => {
    fake.storage.careMode = true;
    launchApp();
    await open();

    expect(one('.page').dom.className).toMatch(/--care\b/);
  });

  test.each([
    ['normal', false, { root: '', title: '22px', hint: '15px', input: '18px', inputHeight: '48px', button: '44px' }],
    ['关怀模式', true, { root: '20px', title: '26px', hint: '18px', input: '22px', inputHeight: '60px', button: '60px' }],
  ])('%s: the sizes of the text, the inputs and the buttons (in 关怀模式 ≥ 18 px text, ≥ 60 px targets)', async (_mode, care, want) => {
    fake.storage.careMode = care;
    launchApp();
    await open();
    const style = (selector) => getComputedStyle(one(selector).dom);

    // app.wxss: .care is 20 px; the normal 16 px is on the `page` element, which simulate does not draw.
    expect(style('.page').fontSize).toBe(want.root);
    expect(style('.card-title').fontSize).toBe(want.title);
    expect(style('.field-hint').fontSize).toBe(want.hint);
    expect(style('.intro-text').fontSize).toBe(want.hint);
    expect(style('.name-input').fontSize).toBe(want.input);
    expect(style('.name-input').minHeight).toBe(want.inputHeight);
    expect(style('.submit-btn').minHeight).toBe(want.button);
    expect(style('.phone-wechat-btn').minHeight).toBe(want.button);
    // The region picker (components/region-picker) follows the mode too.
    expect(getComputedStyle(one('.regions').querySelector('.picker').dom).fontSize).toBe(care ? '20px' : '16px');
  });
});

describe('packageMe/utils/profile-form', () => {
  test('buildUpdate sends only what is filled in and changes; the ID number once set is never sent', () => {
    const home = { code: '330802001001', level: 'community' };
    expect(pf.buildUpdate({ form: { real_name: '', id_number: '', phone: '' }, profile: RESIDENT, region: home })).toEqual({ errors: null, body: {} });
    expect(
      pf.buildUpdate({ form: { real_name: ' 王秀英 ', id_number: '110105194912310021', phone: '１３９-5700-1234' }, profile: RESIDENT, region: home }),
    ).toEqual({ errors: null, body: { real_name: '王秀英', phone: '13957001234' } });
    // A profile region above the community level has to be chosen again.
    expect(pf.buildUpdate({ form: {}, profile: RESIDENT, region: { code: '330802001', level: 'township' } }).errors).toEqual({
      region_code: pf.MSG.regionLevel,
    });
  });

  test('a region without a level is a community when its 12-digit code says so', () => {
    expect(pf.levelOf({ code: '330802001001' })).toBe('community');
    expect(pf.levelOf({ code: '330802001000' })).toBe('');
    expect(pf.levelOf({ code: '330802', level: 'county' })).toBe('county');
  });

  test('serverErrors: a 422 on the fields, a 409 about one field on it, anything else for the form', () => {
    expect(pf.serverErrors({ statusCode: 422, errors: { json: { phone: ['请填写 11 位手机号码。'], nickname: ['Unknown field.'] } } })).toEqual({
      fields: { phone: '请填写 11 位手机号码。' },
      other: 'Unknown field.',
    });
    expect(pf.serverErrors({ statusCode: 409, error: 'id_number_locked', message: '身份证号码填写后不能自行修改。' })).toEqual({
      fields: { id_number: '身份证号码填写后不能自行修改。' },
      other: '',
    });
    expect(pf.serverErrors({ statusCode: 500, message: '服务暂时不可用' })).toEqual({ fields: {}, other: '' });
    // POST /me/phone's {code}: onto the phone field.
    const invalid = { statusCode: 422, error: 'wechat_phone_code_invalid', errors: { json: { code: ['微信手机号授权已失效。'] } } };
    expect(pf.serverErrors(invalid, pf.PHONE_CODE_FIELDS)).toEqual({ fields: { phone: '微信手机号授权已失效。' }, other: '' });
    expect(pf.serverErrors({ statusCode: 409, error: 'phone_taken', message: '该手机号码已绑定其他账号。' }, pf.PHONE_CODE_FIELDS)).toEqual({
      fields: { phone: '该手机号码已绑定其他账号。' },
      other: '',
    });
  });
});

describe('packageMe', () => {
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  const pkg = (app.subPackages || []).find((p) => p.root === 'packageMe');
  const files = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));

  test('is a subpackage whose page has its four files, preloaded when 我的 opens', () => {
    expect(pkg.pages).toEqual(['pages/profile/index']);
    ['js', 'json', 'wxml', 'wxss'].forEach((ext) => expect(fs.existsSync(path.join(ROOT, pkg.root, `pages/profile/index.${ext}`))).toBe(true));
    expect(app.preloadRule['pages/me/index'].packages).toContain(pkg.name);
  });

  test('its code requires only its own files or the main package, and every component it uses exists', () => {
    const others = app.subPackages.map((p) => p.root).filter((root) => root !== 'packageMe');
    const bad = [];
    files(path.join(ROOT, 'packageMe'))
      .filter((f) => f.endsWith('.js'))
      .forEach((file) => {
        [...fs.readFileSync(file, 'utf8').matchAll(/require\('([^']+)'\)/g)].forEach((m) => {
          const target = path.relative(ROOT, path.resolve(path.dirname(file), m[1]));
          if (target.startsWith('..') || others.some((root) => target.startsWith(root))) bad.push(m[1]);
          else if (!fs.existsSync(path.join(ROOT, `${target}.js`))) bad.push(`${m[1]} (missing)`);
        });
      });
    expect(bad).toEqual([]);
    const json = JSON.parse(fs.readFileSync(path.join(ROOT, 'packageMe/pages/profile/index.json'), 'utf8'));
    Object.values(json.usingComponents).forEach((used) => expect(fs.existsSync(path.join(ROOT, `${used}.js`))).toBe(true));
  });

  test('我的, the 救助 form and the time bank registration open it', () => {
    const url = `/${pkg.root}/${pkg.pages[0]}`;
    ['pages/me/index.js', 'packageAssistance/pages/apply/index.js', 'packageTimebank/pages/register/index.js'].forEach((file) => {
      expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).toContain(`PROFILE_URL = '${url}'`);
    });
  });

  test('the main package (what is not in a subpackage, as uploaded) stays under 2 MB', () => {
    const ignored = ['node_modules', 'test', 'scripts', 'coverage'].concat(app.subPackages.map((p) => p.root));
    const main = fs
      .readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => ignored.indexOf(e.name) < 0 && !/^package(-lock)?\.json$/.test(e.name) && !e.name.startsWith('.'))
      .flatMap((e) => (e.isDirectory() ? files(path.join(ROOT, e.name)) : [path.join(ROOT, e.name)]));
    const size = main.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    expect(size).toBeLessThan(2 * 1024 * 1024);
    expect(files(path.join(ROOT, 'packageMe')).reduce((sum, f) => sum + fs.statSync(f).size, 0)).toBeLessThan(2 * 1024 * 1024);
  });
});
