// 登记捐赠 (packageCharity/pages/give): the form, its rules on the phone, the server's 422 on the fields, and
// above all: one gift is logged once, however often the button is tapped or the request retried.
const { launchApp, settle, text, tap, usePage } = require('./helpers/pages');
const { campaign, gift, problem } = require('./fixtures/charity');

const fake = global.fakeWx;
let comp;

const ok = (data, statusCode = 200) => ({ statusCode, data });
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };

/**
 * A server that logs gifts as the real one does: one gift per Idempotency-Key (a repeat returns it with 200 and
 * Idempotent-Replayed), 401 without the token, 422 without a key. `donate` can answer differently.
 */
function server({ item = campaign(), donate, units = [] } = {}) {
  const byKey = {};
  let nextId = 500;
  const handler = (req) => {
    if (req.url.endsWith(`/charity/campaigns/${item.id}`)) return ok(item);
    if (req.url.endsWith('/charity/units')) return ok(units.filter((u) => u.name.includes(req.data.q)));
    if (req.url.endsWith('/auth/wechat')) {
      return ok({ access_token: 'access-1', refresh_token: 'refresh-1', token_type: 'Bearer', expires_in: 7200, user: { id: 3 } });
    }
    if (req.url.endsWith('/charity/donations') && req.method === 'POST') {
      if (req.header.Authorization !== 'Bearer access-1') return problem(401, '请先登录。', 'token_missing');
      if (donate) return donate(req);
      const key = req.header['Idempotency-Key'];
      if (!key) {
        return problem(422, '请检查幂等键', 'validation_failed', { headers: { 'Idempotency-Key': ['请求头必须带一个幂等键。'] } });
      }
      if (byKey[key]) return { statusCode: 200, data: byKey[key], header: { 'Idempotent-Replayed': 'true' } };
      nextId += 1;
      const amount = req.data.kind === 'goods' ? req.data.estimated_value_fen : req.data.amount_fen;
      byKey[key] = gift(Object.assign({ id: nextId, message: null }, req.data, { amount_fen: amount, amount_text: '' }));
      return ok(byKey[key], 201);
    }
    return problem(404, '没有找到这个募捐活动。', 'campaign_not_found');
  };
  handler.logged = () => Object.keys(byKey).length;
  return handler;
}

const posts = () => fake.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/charity/donations'));
const keyOf = (req) => req.header['Idempotency-Key'];

const page = usePage('packageCharity/pages/give/index', 'charity-give', {
  before() {
    fake.respond = server();
  },
});

async function open(campaignId = 2) {
  comp = await page.open({ campaign_id: String(campaignId) });
}

const type = async (selector, value) => {
  comp.querySelector(selector).dispatchEvent('input', { detail: { value } });
  await settle(2);
};
const option = (selector, label) => comp.querySelectorAll(selector).find((n) => text(n).includes(label));

async function fillMoney({ amount = '100.5', channel = '微信' } = {}) {
  await type('.amount-input', amount);
  if (channel) await tap(option('.channel-option', channel), 2);
}

describe('登记捐赠: the form', () => {
  test('shows the campaign, says no payment is taken here, and offers money or goods', async () => {
    await open();

    expect(text(comp.querySelector('.campaign-name'))).toBe('2026年慈善一日捐');
    expect(text(comp.querySelector('.pay-note'))).toContain('不在线付款');
    expect(comp.querySelectorAll('.kind-option').map(text)).toEqual(['●捐款已选', '○捐物']);
    expect(comp.querySelectorAll('.channel-option').map(text)).toEqual(['○微信', '○银行转账', '○现金']);
    expect(comp.querySelector('.description-input')).toBeFalsy();

    await tap(option('.kind-option', '捐物'));
    expect(comp.querySelector('.amount-input')).toBeFalsy();
    expect(comp.querySelector('.description-input')).toBeTruthy();
    expect(comp.querySelector('.quantity-input')).toBeTruthy();
    expect(comp.querySelector('.unit-input')).toBeTruthy();
    expect(comp.querySelector('.value-input')).toBeTruthy();
  });

  test('a logged-in donor logs a gift of money: yuan become fen, with the key and the token, and it says 已登记', async () => {
    fake.storage.tokens = TOKENS;
    await open();

    await fillMoney({ amount: '100.5' });
    await type('.message-input', '一点心意');
    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(1);
    expect(posts()[0].data).toEqual({ campaign_id: 2, kind: 'money', amount_fen: 10050, channel: 'wechat', anonymous: false, message: '一点心意' });
    expect(posts()[0].header.Authorization).toBe('Bearer access-1');
    expect(keyOf(posts()[0])).toMatch(/^gift-/);
    expect(text(comp.querySelector('.done-title'))).toBe('登记成功，感谢您的爱心');
    expect(text(comp.querySelector('.done-what'))).toBe('100.50 元');
    expect(text(comp.querySelector('.done-status'))).toBe('已登记');
    expect(text(comp.querySelector('.next-step'))).toContain('工作人员确认收到后');
    expect(fake.toasts.map((t) => t.title)).toContain('登记成功');
  });

  test('a gift of goods, with a work unit picked from the suggestions, given anonymously', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ units: [{ id: 3, name: '柯城区教育局（演示）', kind: 'department', region_code: '330800' }] });
    await open();

    await tap(option('.kind-option', '捐物'));
    await type('.description-input', '冬衣');
    await type('.quantity-input', '20');
    await type('.unit-input', '件');
    await type('.value-input', '1999.99');
    await type('.unit-name-input', '教育');
    await comp.instance.searchUnits('教育'); // the debounced search, without waiting for its timer
    await settle();
    expect(comp.querySelectorAll('.suggestion').map(text)).toEqual(['柯城区教育局（演示）']);
    expect(fake.requestsTo('/charity/units')[0].header.Authorization).toBeUndefined();
    await tap(comp.querySelector('.suggestion'));
    expect(comp.querySelector('.suggestion')).toBeFalsy();
    await tap(comp.querySelector('.anonymous-row'));
    expect(text(comp.querySelector('.anonymous-state'))).toContain('爱心人士');
    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(1);
    expect(posts()[0].data).toEqual({
      campaign_id: 2,
      kind: 'goods',
      description: '冬衣',
      quantity: 20,
      unit: '件',
      estimated_value_fen: 199999,
      unit_name: '柯城区教育局（演示）',
      anonymous: true,
    });
    expect(text(comp.querySelector('.done-what'))).toBe('冬衣 20 件（估价 1,999.99 元）');
  });

  test('the phone’s own rules: nothing is sent, and each error sits next to its field until it is corrected', async () => {
    fake.storage.tokens = TOKENS;
    await open();

    await fillMoney({ amount: '100.555', channel: null });
    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(0);
    expect(text(comp.querySelector('.error-amount_fen'))).toBe('金额最多填到分（小数点后两位）');
    expect(text(comp.querySelector('.error-channel'))).toBe('请选择捐款方式（微信、银行转账或现金）');
    expect(text(comp.querySelector('.form-error'))).toBe('请按标红的提示修改后再提交。');
    expect(comp.querySelector('.amount-input').dom.className).toMatch(/field-bad/);

    await type('.amount-input', '100.55');
    expect(comp.querySelector('.error-amount_fen')).toBeFalsy();
    await tap(option('.channel-option', '现金'));
    expect(comp.querySelector('.error-channel')).toBeFalsy();
    expect(text(option('.channel-option', '现金'))).toContain('已选');

    await tap(comp.querySelector('.submit-btn'));
    expect(posts()).toHaveLength(1);
    expect(posts()[0].data.amount_fen).toBe(10055);
    expect(posts()[0].data.channel).toBe('cash');
  });

  test.each([
    ['0', '金额必须大于 0'],
    ['-1', '请填写数字金额，例如 100 或 100.50'],
    ['abc', '请填写数字金额，例如 100 或 100.50'],
    ['100000000.01', '单笔捐赠最多 1 亿元'],
  ])('an amount of %j is refused on the phone: %s', async (amount, message) => {
    fake.storage.tokens = TOKENS;
    await open();

    await fillMoney({ amount });
    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(0);
    expect(text(comp.querySelector('.error-amount_fen'))).toBe(message);
  });

  test('the server’s 422 field errors are shown next to the same fields; what was typed stays', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      donate: () =>
        problem(422, '请检查以下各项：金额、捐款方式、留言。', 'validation_failed', {
          json: {
            amount_fen: ['应为 1 分到 1 亿元之间的整数（单位：分）。'],
            channel: ['应为以下之一：wechat, bank, cash。'],
            message: ['不能包含控制字符。'],
          },
        }),
    });
    await open();

    await fillMoney();
    await type('.message-input', '加油');
    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.error-amount_fen'))).toBe('应为 1 分到 1 亿元之间的整数。');
    expect(text(comp.querySelector('.error-channel'))).toBe('应为以下之一：wechat, bank, cash。');
    expect(text(comp.querySelector('.error-message'))).toBe('不能包含控制字符。');
    expect(fake.toasts.map((t) => t.title)).toContain('请检查以下各项：金额、捐款方式、留言。');
    expect(comp.data.form.amount_yuan).toBe('100.5');
    expect(comp.querySelector('.done')).toBeFalsy();
  });

  test('a 422 on a field the form does not show (donor_name) is still said', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      donate: () =>
        problem(422, '请检查以下各项：捐赠人。', 'validation_failed', { json: { donor_name: ['请填写捐赠人姓名或单位名称。'] } }),
    });
    await open();
    await fillMoney();
    await tap(comp.querySelector('.submit-btn'));
    expect(text(comp.querySelector('.error-donor_name'))).toBe('请填写捐赠人姓名或单位名称。');

    fake.respond = server({
      donate: () => problem(422, '请检查以下各项：活动。', 'validation_failed', { json: { campaign_id: ['没有这个活动。'] } }),
    });
    await tap(comp.querySelector('.submit-btn'));
    expect(text(comp.querySelector('.form-error'))).toBe('没有这个活动。');
  });

  test('a campaign that has closed meanwhile (409) says so and offers no submit button', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ donate: () => problem(409, '这个募捐活动不在进行中。', 'campaign_closed') });
    await open();
    await fillMoney();
    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.closed'))).toContain('暂不能登记新的捐赠');
    expect(comp.querySelector('.submit-btn')).toBeFalsy();
    expect(fake.toasts.map((t) => t.title)).toContain('这个募捐活动不在进行中。');
  });

  test('a closed campaign shows no form at all', async () => {
    fake.respond = server({ item: campaign({ open: false, starts_on: '2013-01-01', ends_on: '2013-12-31' }) });
    await open();
    expect(text(comp.querySelector('.closed'))).toContain('这个募捐活动已结束');
    expect(comp.querySelector('.gift-form')).toBeFalsy();
  });
});

describe('登记捐赠: never twice', () => {
  test('two taps in a row send one request; the second tap is ignored while the first is in flight', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    fake.respond = handler;
    await open();
    await fillMoney();

    const button = comp.querySelector('.submit-btn');
    button.dispatchEvent('tap');
    button.dispatchEvent('tap');
    comp.instance.submit(); // and a third, straight at the handler
    expect(posts()).toHaveLength(1); // sent, not yet answered
    await settle(10);

    expect(posts()).toHaveLength(1);
    expect(handler.logged()).toBe(1);
    expect(comp.querySelector('.done')).toBeTruthy();

    // The success screen is up: a tap that still reaches submit() sends nothing.
    await comp.instance.submit();
    expect(posts()).toHaveLength(1);
  });

  test('while the request is in flight the button shows it is busy and cannot be pressed', async () => {
    fake.storage.tokens = TOKENS;
    await open();
    await fillMoney();

    comp.querySelector('.submit-btn').dispatchEvent('tap');
    await Promise.resolve();
    expect(comp.data.submitting).toBe(true);
    expect(text(comp.querySelector('.submit-btn'))).toBe('正在提交…');
    await settle(10);
    expect(comp.data.submitting).toBe(false);
    expect(text(comp.querySelector('.done-title'))).toBe('登记成功，感谢您的爱心');
  });

  test('a retry after a network failure sends the same Idempotency-Key, and the server keeps one gift', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    let lost = true;
    // The first answer is lost on the way back: the server HAS logged the gift, the phone never hears it.
    fake.respond = (req) => {
      const answer = handler(req);
      if (lost && req.method === 'POST' && req.url.endsWith('/charity/donations')) {
        lost = false;
        return { fail: 'request:fail timeout' };
      }
      return answer;
    };
    await open();
    await fillMoney();

    await tap(comp.querySelector('.submit-btn'));
    expect(posts()).toHaveLength(1);
    expect(comp.querySelector('.done')).toBeFalsy();
    expect(text(comp.querySelector('.form-error'))).toContain('不会重复登记');
    expect(text(comp.querySelector('.submit-btn'))).toBe('重新提交');

    await tap(comp.querySelector('.submit-btn'));
    expect(posts()).toHaveLength(2);
    expect(keyOf(posts()[1])).toBe(keyOf(posts()[0]));
    expect(posts()[1].data).toEqual(posts()[0].data);
    expect(handler.logged()).toBe(1); // the replay returned the first gift
    expect(text(comp.querySelector('.done-title'))).toBe('登记成功，感谢您的爱心');
  });

  test('offline: says so plainly, keeps the key, and the next try after the network is back uses it', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    fake.networkType = 'none';
    fake.respond = (req) => (req.method === 'POST' ? { fail: 'request:fail' } : handler(req));
    await open();
    await fillMoney();

    await tap(comp.querySelector('.submit-btn'));
    await tap(comp.querySelector('.submit-btn'));
    expect(text(comp.querySelector('.form-error'))).toContain('网络未连接');

    fake.networkType = 'wifi';
    fake.respond = handler;
    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(3);
    expect(new Set(posts().map(keyOf)).size).toBe(1);
    expect(handler.logged()).toBe(1);
  });

  test('a server error (503) keeps the key for the retry too', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    let busy = true;
    fake.respond = (req) => {
      if (busy && req.method === 'POST') {
        busy = false;
        return problem(503, '系统繁忙，请稍后再试。', 'service_unavailable');
      }
      return handler(req);
    };
    await open();
    await fillMoney();

    await tap(comp.querySelector('.submit-btn'));
    expect(text(comp.querySelector('.submit-btn'))).toBe('重新提交');
    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(2);
    expect(keyOf(posts()[1])).toBe(keyOf(posts()[0]));
    expect(handler.logged()).toBe(1);
  });

  test('after a success, 再捐一笔 is a new gift with a new key; the donor’s unit stays filled in', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    fake.respond = handler;
    await open();
    await fillMoney();
    await type('.unit-name-input', '衢州市民政局机关');
    await tap(comp.querySelector('.submit-btn'));

    await tap(comp.querySelector('.again-btn'));
    expect(comp.querySelector('.done')).toBeFalsy();
    expect(comp.data.form.amount_yuan).toBe('');
    expect(comp.data.form.unit_name).toBe('衢州市民政局机关');
    await fillMoney({ amount: '50' });
    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(2);
    expect(keyOf(posts()[1])).not.toBe(keyOf(posts()[0]));
    expect(handler.logged()).toBe(2);
    expect(posts()[1].data.amount_fen).toBe(5000);
  });

  test('every form that opens gets its own key', async () => {
    fake.storage.tokens = TOKENS;
    await open();
    await fillMoney();
    await tap(comp.querySelector('.submit-btn'));
    comp.detach();

    await open();
    await fillMoney();
    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(2);
    expect(keyOf(posts()[1])).not.toBe(keyOf(posts()[0]));
  });

  test('the same key with a changed form (422 idempotency_key_reused): sends nothing new until the donor chooses', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    let lost = true;
    fake.respond = (req) => {
      const answer = handler(req);
      if (req.method === 'POST' && req.url.endsWith('/charity/donations')) {
        if (lost) {
          lost = false;
          return { fail: 'request:fail timeout' };
        }
        if (answer.statusCode === 200 && answer.data.amount_fen !== req.data.amount_fen) {
          return problem(422, '请检查幂等键：这个幂等键已用于另一笔不同的捐赠，请换一个新的键。', 'idempotency_key_reused', {
            headers: { 'Idempotency-Key': ['这个幂等键已用于另一笔不同的捐赠，请换一个新的键。'] },
          });
        }
      }
      return answer;
    };
    await open();
    await fillMoney({ amount: '100' });
    await tap(comp.querySelector('.submit-btn')); // lost, but logged
    await type('.amount-input', '200'); // the donor changes the amount before retrying
    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.form-error'))).toContain('那一笔可能已经登记');
    expect(comp.querySelector('.submit-btn')).toBeFalsy();
    expect(text(comp.querySelector('.check-gifts-btn'))).toBe('查看我的捐赠');

    await tap(comp.querySelector('.check-gifts-btn'));
    expect(fake.navigations.slice(-1)[0].url).toBe('/packageCharity/pages/gifts/index');

    await tap(comp.querySelector('.submit-new-btn'));
    expect(posts()).toHaveLength(3);
    expect(keyOf(posts()[2])).not.toBe(keyOf(posts()[0]));
    expect(posts()[2].data.amount_fen).toBe(20000);
    expect(comp.querySelector('.done')).toBeTruthy();
  });
});

describe('登记捐赠: login on demand', () => {
  test('not logged in: asks, logs in with wx.login, then sends what was typed with the form’s key', async () => {
    fake.loginCode = 'code-9';
    await open();
    await fillMoney();
    const key = comp.instance._key;

    await tap(comp.querySelector('.submit-btn'), 20);

    expect(fake.modals).toHaveLength(1);
    expect(fake.modals[0].title).toBe('需要登录');
    expect(fake.requestsTo('/auth/wechat')[0].data).toEqual({ code: 'code-9' });
    expect(posts()).toHaveLength(1);
    expect(keyOf(posts()[0])).toBe(key);
    expect(posts()[0].header.Authorization).toBe('Bearer access-1');
    expect(comp.querySelector('.done')).toBeTruthy();
  });

  test('the privacy guide first when WeChat still needs it; nothing is sent before the donor agrees', async () => {
    fake.needPrivacyAuthorization = true;
    await open();
    await fillMoney();

    await tap(comp.querySelector('.submit-btn'), 20);
    const sheet = comp.querySelector('.privacy');
    expect(sheet).toBeTruthy();
    expect(posts()).toHaveLength(0);

    sheet.querySelector('.privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await settle(20);

    expect(comp.querySelector('.privacy')).toBeFalsy();
    expect(posts()).toHaveLength(1);
  });

  test('refusing the privacy guide sends nothing and says why', async () => {
    fake.needPrivacyAuthorization = true;
    await open();
    await fillMoney();
    await tap(comp.querySelector('.submit-btn'), 20);

    comp.querySelector('.privacy').querySelector('.privacy-disagree').dispatchEvent('tap');
    await settle(10);

    expect(posts()).toHaveLength(0);
    expect(fake.toasts.map((t) => t.title)).toContain('需要同意隐私保护指引后才能登录');
  });
});

describe('登记捐赠: 关怀模式', () => {
  test('the page root carries the care class when the mode is on', async () => {
    fake.storage.careMode = true;
    launchApp();
    await open();
    expect(comp.querySelector('.page').dom.className).toMatch(/--care\b/);
  });
});
