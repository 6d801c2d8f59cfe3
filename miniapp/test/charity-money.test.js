// Money on the phone (utils/money.js, charity.wxs) and the 登记捐赠 form's rules
// (packageCharity/utils/gift-form.js): yuan typed as text become integer fen without a float in between, and
// the phone refuses what the server would refuse.
const { yuanToFen, fenToYuanInput, MAX_FEN } = require('../utils/money');
const c = require('../packageCharity/utils/charity.wxs');
const { buildDonation, serverErrors, EMPTY_FORM } = require('../packageCharity/utils/gift-form');
const { newIdempotencyKey } = require('../packageCharity/utils/idempotency');

const fen = (text) => yuanToFen(text).fen;
const reason = (text) => yuanToFen(text).reason;

describe('yuanToFen', () => {
  test.each([
    ['100', 10000],
    ['100.5', 10050],
    ['100.55', 10055],
    ['100.50', 10050],
    ['100.', 10000],
    ['0.01', 1],
    ['.5', 50],
    ['007', 700],
    [' 12.3 ', 1230],
    ['１００．５', 10050], // full-width digits and point
    ['100000000', 10000000000],
    ['99999999.99', 9999999999],
  ])('%j yuan is %d fen', (text, expected) => {
    expect(yuanToFen(text)).toEqual({ ok: true, fen: expected });
  });

  // Each of these goes wrong with Math.round(parseFloat(x) * 100) or with x * 100 kept as a float.
  test.each([
    ['0.1', 10],
    ['0.2', 20],
    ['0.3', 30], // 0.1 + 0.2 = 0.30000000000000004
    ['0.07', 7], // 0.07 * 100 = 7.000000000000001
    ['1.15', 115], // 1.15 * 100 = 114.99999999999999
    ['4.35', 435], // 4.35 * 100 = 434.99999999999994
    ['19.99', 1999],
    ['1.005', null], // and no rounding of a third decimal either
  ])('%j yuan is exactly %j fen, never a float', (text, expected) => {
    if (expected === null) {
      expect(yuanToFen(text).ok).toBe(false);
    } else {
      expect(fen(text)).toBe(expected);
      expect(Number.isInteger(fen(text))).toBe(true);
    }
  });

  test('the float way really is wrong for these, so the cases above mean something', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(4.35 * 100).not.toBe(435);
    expect(1.15 * 100).not.toBe(115);
  });

  test.each([
    ['100.555', '金额最多填到分（小数点后两位）'],
    ['0', '金额必须大于 0'],
    ['0.00', '金额必须大于 0'],
    ['000', '金额必须大于 0'],
    ['-1', '请填写数字金额，例如 100 或 100.50'],
    ['+1', '请填写数字金额，例如 100 或 100.50'],
    ['abc', '请填写数字金额，例如 100 或 100.50'],
    ['1e3', '请填写数字金额，例如 100 或 100.50'],
    ['1,000', '请填写数字金额，例如 100 或 100.50'],
    ['1.2.3', '请填写数字金额，例如 100 或 100.50'],
    ['.', '请填写数字金额，例如 100 或 100.50'],
    ['', '请填写金额'],
    ['   ', '请填写金额'],
    [null, '请填写金额'],
    ['100000000.01', '单笔捐赠最多 1 亿元'],
    ['100000001', '单笔捐赠最多 1 亿元'],
    ['1000000000', '单笔捐赠最多 1 亿元'],
    ['99999999999999999999999', '单笔捐赠最多 1 亿元'],
  ])('%j is refused: %s', (text, expected) => {
    expect(yuanToFen(text).ok).toBe(false);
    expect(reason(text)).toBe(expected);
  });

  test('the ceiling is the server’s: 100 000 000 yuan in fen', () => {
    expect(MAX_FEN).toBe(10000000000);
  });

  test('fen go back into a field as yuan text', () => {
    expect(fenToYuanInput(10050)).toBe('100.50');
    expect(fenToYuanInput(10000)).toBe('100');
    expect(fenToYuanInput(7)).toBe('0.07');
    expect(yuanToFen(fenToYuanInput(435)).fen).toBe(435);
  });
});

describe('charity.wxs', () => {
  test('fen are shown as yuan with thousands separators, fen only when there are any', () => {
    expect(c.yuan(895890000)).toBe('8,958,900 元');
    expect(c.yuan(10050)).toBe('100.50 元');
    expect(c.yuan(5)).toBe('0.05 元');
    expect(c.yuan(0)).toBe('0 元');
    expect(c.yuan(10000000000)).toBe('100,000,000 元');
    expect(c.yuan(null)).toBe('');
  });

  test('the bar stays within 0–100 while the words say the real figure', () => {
    expect(c.barWidth(12.6)).toBe(12.6);
    expect(c.barWidth(101.5)).toBe(100);
    expect(c.progressText(101.5)).toBe('完成 101.5%');
    expect(c.progressText(0)).toBe('完成 0%');
    expect(c.barWidth(null)).toBe(0);
    expect(c.progressText(null)).toBe('未设目标');
  });

  test('a gift says what it was, and its state in words', () => {
    expect(c.giftWhat({ kind: 'money', amount_fen: 10050 })).toBe('100.50 元');
    expect(c.giftWhat({ kind: 'goods', description: '大米', quantity: 10, unit: '袋', amount_fen: 50000 })).toBe(
      '大米 10 袋（估价 500 元）',
    );
    expect(['pledged', 'received', 'confirmed', 'voided'].map((status) => c.statusName({ status }))).toEqual([
      '已登记',
      '已收到',
      '已确认',
      '已作废',
    ]);
    expect(c.month('2013-06')).toBe('2013年6月');
  });
});

describe('the 登记捐赠 form', () => {
  const money = (over) => Object.assign({}, EMPTY_FORM, { amount_yuan: '100.5', channel: 'wechat' }, over);
  const goods = (over) =>
    Object.assign({}, EMPTY_FORM, { description: ' 大米 ', quantity: '10', unit: '袋', estimated_value_yuan: '500' }, over);

  test('a gift of money becomes the body the server takes, in fen, optional text left out when empty', () => {
    const { errors, body } = buildDonation({ kind: 'money', form: money({ message: '  加油 ' }), campaignId: '2' });
    expect(errors).toBeNull();
    expect(body).toEqual({ campaign_id: 2, kind: 'money', amount_fen: 10050, channel: 'wechat', anonymous: false, message: '加油' });
  });

  test('a gift of goods sends description, quantity, unit and the estimate in fen, and nothing of money', () => {
    const { errors, body } = buildDonation({
      kind: 'goods',
      form: goods({ amount_yuan: '100', channel: 'cash', unit_name: '柯城区教育局', department: '办公室', anonymous: true }),
      campaignId: 2,
    });
    expect(errors).toBeNull();
    expect(body).toEqual({
      campaign_id: 2,
      kind: 'goods',
      description: '大米',
      quantity: 10,
      unit: '袋',
      estimated_value_fen: 50000,
      unit_name: '柯城区教育局',
      department: '办公室',
      anonymous: true,
    });
  });

  test('the server’s rules, each on its field', () => {
    expect(buildDonation({ kind: 'money', form: EMPTY_FORM, campaignId: 2 }).errors).toEqual({
      amount_fen: '请填写捐款金额',
      channel: '请选择捐款方式（微信、银行转账或现金）',
    });
    expect(buildDonation({ kind: 'money', form: money({ amount_yuan: '100.555', channel: 'alipay' }), campaignId: 2 }).errors).toEqual({
      amount_fen: '金额最多填到分（小数点后两位）',
      channel: '请选择捐款方式（微信、银行转账或现金）',
    });
    expect(buildDonation({ kind: 'goods', form: EMPTY_FORM, campaignId: 2 }).errors).toEqual({
      description: '请填写物品名称',
      quantity: '请填写数量',
      unit: '请填写单位（件、箱、袋……）',
      estimated_value_fen: '请填写估价',
    });
    const bad = buildDonation({
      kind: 'goods',
      form: goods({ quantity: '1.5', unit: '一二三四五六七八九', estimated_value_yuan: '0', description: '米'.repeat(201) }),
      campaignId: 2,
    }).errors;
    expect(bad).toEqual({
      description: '物品名称最多 200 个字',
      quantity: '数量应为大于 0 的整数',
      unit: '单位最多 8 个字',
      estimated_value_fen: '金额必须大于 0',
    });
    expect(buildDonation({ kind: 'goods', form: goods({ quantity: '10000001' }), campaignId: 2 }).errors).toEqual({
      quantity: '数量最多 10000000',
    });
    expect(
      buildDonation({
        kind: 'money',
        form: money({ donor_name: '张'.repeat(65), unit_name: '单'.repeat(101), department: '部'.repeat(65), message: '好'.repeat(201) }),
        campaignId: 2,
      }).errors,
    ).toEqual({
      donor_name: '捐赠人姓名最多 64 个字',
      unit_name: '单位名称最多 100 个字',
      department: '部门最多 64 个字',
      message: '留言最多 200 个字',
    });
  });

  test('lengths count characters as the server does, not UTF-16 units', () => {
    const { errors } = buildDonation({ kind: 'money', form: money({ message: '😀'.repeat(200) }), campaignId: 2 });
    expect(errors).toBeNull();
  });

  test('a 422’s errors.json land on the form’s fields; the rest (a header, an unknown field) is said once', () => {
    const err = {
      statusCode: 422,
      errors: {
        json: { amount_fen: ['应为 1 分到 1 亿元之间的整数（单位：分）。'], channel: ['应为以下之一：wechat, bank, cash。'], campaign_id: ['没有这个活动。'] },
        headers: { 'Idempotency-Key': ['请求头必须带一个幂等键。'] },
      },
    };
    expect(serverErrors(err)).toEqual({
      fields: { amount_fen: '应为 1 分到 1 亿元之间的整数。', channel: '应为以下之一：wechat, bank, cash。' },
      other: '没有这个活动。请求头必须带一个幂等键。',
    });
    expect(serverErrors({ statusCode: 422, errors: null })).toEqual({ fields: {}, other: '' });
  });
});

describe('idempotency keys', () => {
  test('each key is new, and inside the server’s 1–128 characters', () => {
    const keys = Array.from({ length: 200 }, () => newIdempotencyKey());
    expect(new Set(keys).size).toBe(200);
    keys.forEach((k) => {
      expect(k.length).toBeGreaterThan(0);
      expect(k.length).toBeLessThanOrEqual(128);
      expect(k).toMatch(/^gift-[0-9a-z-]+$/);
    });
  });
});
