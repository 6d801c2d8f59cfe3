// The 工作台's pure helpers (packageWorker/utils): money typed in yuan, deadlines in words, the review actions'
// forms against the server's rules, the occupancy rules, and 422 errors put back on fields.
const fmt = require('../packageWorker/utils/format');
const { yuanToFen, fenToYuanInput } = require('../packageWorker/utils/money');
const actions = require('../packageWorker/utils/actions');
const occ = require('../packageWorker/utils/occupancy');
const { fieldErrors } = require('../packageWorker/utils/errors');
const { buildCounterGift } = require('../packageWorker/utils/counter-gift');

describe('money', () => {
  test.each([
    ['500', 50000],
    ['500.5', 50050],
    ['0.01', 1],
    ['４.３５', 435],
    ['4.35', 435],
  ])('%s yuan is %d fen', (typed, fen) => {
    expect(yuanToFen(typed)).toEqual({ ok: true, fen });
  });

  test('refuses what is not an amount, and zero unless allowed (an income may be 0)', () => {
    expect(yuanToFen('').ok).toBe(false);
    expect(yuanToFen('-5').reason).toBe('请填写数字金额，例如 100 或 100.50');
    expect(yuanToFen('1.234').reason).toBe('金额最多填到分（小数点后两位）');
    expect(yuanToFen('0').reason).toBe('金额必须大于 0');
    expect(yuanToFen('0', { allowZero: true })).toEqual({ ok: true, fen: 0 });
    expect(yuanToFen('10000001', { maxFen: 1000000000 }).reason).toBe('金额最多 10000000 元');
  });

  test('fen back into a field', () => {
    expect(fenToYuanInput(82050)).toBe('820.5');
    expect(fenToYuanInput(15000)).toBe('150');
    expect(fenToYuanInput(5)).toBe('0.05');
  });
});

describe('format', () => {
  test('deadlines in words', () => {
    expect(fmt.deadlineText('2026-12-01', true, '2026-12-04')).toBe('已逾期 3 天（期限 2026年12月1日）');
    expect(fmt.deadlineText('2026-12-04', false, '2026-12-04')).toBe('今天到期（期限 2026年12月4日）');
    expect(fmt.deadlineText('2026-12-14', false, '2026-12-04')).toBe('还剩 10 天（期限 2026年12月14日）');
    expect(fmt.deadlineText(null, false)).toBe('');
  });

  test('yuan, hours, members, China time', () => {
    expect(fmt.yuan(895890000)).toBe('8,958,900 元');
    expect(fmt.yuan(10050)).toBe('100.50 元');
    expect(fmt.hoursText(90)).toBe('1.5 小时');
    expect(fmt.memberText({ relation: 'child', age: 12, monthly_income_fen: 0, student: true, disability_grade: 2 })).toBe('子女，12 岁，月收入 0 元，残疾二级，在校学生');
    expect(fmt.localDateTime('2026-11-30T16:30:00+00:00')).toBe('2026-12-01 00:30');
    expect(fmt.countText(100, 100)).toBe('100+');
  });
});

describe('review actions', () => {
  const app = { version: 7, submitted_at: '2026-11-20T02:00:00+00:00', members: [{ relation: 'self', age: 70, monthly_income_fen: 15000 }] };

  test('only the actions the server allows, in its order, and none it does not know', () => {
    expect(actions.buttonsFor(['return', 'accept', 'object', 'pay_first']).map((b) => b.name)).toEqual(['return', 'accept', 'pay_first']);
    expect(actions.buttonsFor(undefined)).toEqual([]);
  });

  test('investigate: the visit date between submission and today; two different staff', () => {
    const form = actions.emptyForm('investigate', app);
    form.visited_on = '2026-11-19';
    form.staff = ['周丽萍', '周丽萍'];
    const { errors } = actions.buildAction({ action: 'investigate', form, app, today: '2026-11-30' });
    expect(errors.visited_on).toBe('调查日期不能早于提交申请的日期');
    expect(errors.staff).toBe('入户调查须由至少两名工作人员进行，请填写两人姓名');

    form.visited_on = '2026-12-01';
    expect(actions.buildAction({ action: 'investigate', form, app, today: '2026-11-30' }).errors.visited_on).toBe('调查日期不能晚于今天');
  });

  test('investigate: exactly one applicant, whole ages, incomes in yuan', () => {
    const form = actions.emptyForm('investigate', app);
    Object.assign(form, { visited_on: '2026-11-25', staff: ['周丽萍', '陈建国'] });
    form.members = [actions.memberRow({ relation: 'spouse', age: 'x', monthly_income_fen: 0 })];
    form.members[0].income_yuan = '12.345';
    const { errors } = actions.buildAction({ action: 'investigate', form, app, today: '2026-11-30' });
    expect(errors.members).toBe('家庭成员中应有且只有一位申请人本人');
    expect(errors['members.0.age']).toBe('年龄应为 0 到 130 的整数');
    expect(errors['members.0.monthly_income_fen']).toBe('金额最多填到分（小数点后两位）');
  });

  test('every body carries the version read; comments are trimmed and optional', () => {
    expect(actions.buildAction({ action: 'accept', form: { comment: '  ' }, app }).body).toEqual({ version: 7 });
    expect(actions.buildAction({ action: 'approve', form: { comment: ' 同意 ' }, app }).body).toEqual({ version: 7, comment: '同意' });
  });

  test('return: at most 50 items of 200 characters', () => {
    const many = Array.from({ length: 51 }, (_, i) => `材料${i}`).join('\n');
    expect(actions.buildAction({ action: 'return', form: { other: many, checked: {} }, app }).errors.missing).toBe('一次最多列 50 项');
    expect(actions.buildAction({ action: 'return', form: { other: '字'.repeat(201), checked: {} }, app }).errors.missing).toBe('每一项最多 200 个字');
  });
});

describe('occupancy', () => {
  test('the steppers never go below 0', () => {
    expect(occ.step('3', -10)).toBe('0');
    expect(occ.step('', 1)).toBe('1');
    expect(occ.step('40', 10)).toBe('50');
  });

  test('groups left empty are not sent; a total is required', () => {
    expect(occ.buildOccupancy({ form: { occupancy: '12', men: '', women: '5' }, capacity: 20, version: 4 })).toEqual({
      errors: null,
      body: { occupancy: 12, version: 4, groups: { women: 5 } },
    });
    expect(occ.buildOccupancy({ form: { occupancy: '' }, capacity: 20, version: 4 }).errors.occupancy).toBe('请填写现在的在住人数（没有人填 0）');
    expect(occ.buildOccupancy({ form: { occupancy: '1.5' }, capacity: null, version: 4 }).errors.occupancy).toBe('人数应为 0 或正整数');
  });
});

describe('422 errors onto fields', () => {
  test('nested list errors are flattened as the services name them; unknown fields go to other', () => {
    const err = { errors: { json: { members: { 0: { age: ['年龄应为整数。'] } }, staff: ['应为 2 到 10 个字。'], weird: ['x'] }, headers: { 'Idempotency-Key': ['缺少'] } } };
    expect(fieldErrors(err, { shown: ['members', 'staff'] })).toEqual({
      fields: { 'members.0.age': '年龄应为整数。', staff: '应为 2 到 10 个字。' },
      other: 'x缺少',
    });
  });
});

describe('counter gift', () => {
  test('a worker must name the donor; goods need all their fields', () => {
    const { errors } = buildCounterGift({ campaignId: 2, kind: 'goods', form: { description: '', quantity: '0', unit: '', estimated_value_yuan: '', donor_name: '' } });
    expect(Object.keys(errors).sort()).toEqual(['description', 'donor_name', 'estimated_value_fen', 'quantity', 'unit']);
    expect(buildCounterGift({ campaignId: null, kind: 'money', form: { amount_yuan: '1', channel: 'cash', donor_name: '张' } }).errors).toEqual({ campaign_id: '请选择募捐活动' });
  });
});
