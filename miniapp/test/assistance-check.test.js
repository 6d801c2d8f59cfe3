// 救助申请 (packageAssistance/pages/programs) and 自测 (pages/check): the programs with their documents, and the
// self-check — checked on the phone with the server's rules, the answer explained line by line, the server's 422
// on the same fields, and the household carried on into the application form.
const { launchApp, loadPage, render, settle, text } = require('./helpers/pages');
const fx = require('./fixtures/assistance');
const handoff = require('../packageAssistance/utils/handoff');

const fake = global.fakeWx;
const ok = (data, statusCode = 200) => ({ statusCode, data });
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };

let programsId;
let checkId;
let comp;

function server({ eligibility } = {}) {
  return (req) => {
    if (req.url.endsWith('/assistance/programs')) return ok(fx.programs());
    if (req.url.endsWith('/regions')) return ok(fx.counties());
    if (req.url.endsWith('/me')) return ok({ id: 1, real_name: '王**', region_code: '330802001001', roles: ['resident'] });
    if (req.url.endsWith('/assistance/eligibility')) return eligibility ? eligibility(req) : ok(fx.eligible());
    return fx.problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const tap = async (node, rounds = 8) => {
  node.dispatchEvent('tap');
  await settle(rounds);
};
const type = async (node, value) => {
  node.dispatchEvent('input', { detail: { value } });
  await settle(2);
};
const pick = async (node, value) => {
  node.dispatchEvent('change', { detail: { value } });
  await settle(2);
};
const all = (selector) => comp.querySelectorAll(selector);
const one = (selector) => comp.querySelector(selector);
const option = (selector, label) => all(selector).find((n) => text(n).includes(label));
const checks = () => fake.requests.filter((r) => r.url.endsWith('/assistance/eligibility'));

beforeAll(() => {
  launchApp();
  programsId = loadPage('packageAssistance/pages/programs/index', 'assistance-programs');
  checkId = loadPage('packageAssistance/pages/check/index', 'assistance-check');
});

beforeEach(() => {
  fake.reset();
  fake.respond = server();
  launchApp();
});

afterEach(() => {
  if (comp) comp.detach();
  comp = null;
});

describe('救助申请: the programs', () => {
  async function open() {
    comp = render(programsId);
    await comp.instance.onLoad({});
    await settle(8);
  }

  test('each program with what it is for, who may apply, the standard and the documents to bring', async () => {
    await open();

    expect(all('.program-name').map(text)).toEqual([
      '最低生活保障（低保）',
      '特困人员救助供养',
      '临时救助',
      '医疗救助',
      '孤儿基本生活保障',
      '困难家庭残疾儿童康复救助',
    ]);
    expect(text(all('.program-standard')[0])).toBe('城镇 480.00 元、农村 332.00 元，每人每月。');
    expect(text(all('.program-documents')[0])).toBe('1. 申请人身份证2. 户口簿3. 家庭成员收入证明4. 家庭财产情况说明5. 银行账户信息');
    expect(text(all('.program-documents')[2])).toContain('困难原因证明（如医院票据、事故证明）');
    expect(text(one('.program-who'))).toContain('以家庭为单位申请');
    // Public: the city's standards, no token.
    expect(fake.requests[0].data).toEqual({ region_code: '330800' });
    expect(fake.requests[0].header.Authorization).toBeUndefined();
  });

  test('自测, 申请 and 我的申请 open their pages', async () => {
    await open();
    await tap(one('.check-btn'));
    await tap(all('.program-check')[2]); // 临时救助
    await tap(all('.program-apply')[3]); // 医疗救助
    await tap(one('.mine-btn'));
    expect(fake.navigations.map((n) => n.url)).toEqual([
      '/packageAssistance/pages/check/index',
      '/packageAssistance/pages/check/index?program=temporary',
      '/packageAssistance/pages/apply/index?program=medical',
      '/packageAssistance/pages/applications/index',
    ]);
  });

  test('关怀模式: the switch on this page turns it on for every page, and the root takes the care class', async () => {
    await open();
    const rootClass = () => comp.querySelector('.programs-page').dom.className;
    expect(rootClass()).not.toMatch(/--care\b/);
    await tap(one('.care-row'), 2);
    expect(rootClass()).toMatch(/--care\b/);
    expect(text(one('.care-row-state'))).toBe('已开启：大字、大按钮');
    expect(fake.storage.careMode).toBe(true);

    // Another page opened now is in the mode from the start.
    const other = render(checkId);
    expect(other.querySelector('.check-page').dom.className).toMatch(/--care\b/);
    other.detach();
  });

  test('offline: said plainly, and 重新加载 loads them', async () => {
    fake.networkType = 'none';
    fake.respond = () => ({ fail: 'request:fail' });
    await open();
    expect(text(one('.error-box'))).toContain('网络未连接，请检查网络后重试');

    fake.networkType = 'wifi';
    fake.respond = server();
    await tap(one('.retry-btn'));
    expect(all('.program')).toHaveLength(6);
    expect(one('.error-box')).toBeFalsy();
  });
});

describe('自测', () => {
  async function open(options = { program: 'dibao' }) {
    comp = render(checkId);
    await comp.instance.onLoad(options);
    await settle(10);
  }

  async function fillTwoElders() {
    await tap(option('.county-option', '柯城区'), 2);
    await tap(one('.urban-option'), 2);
    await type(all('.age-input')[0], '70');
    await type(all('.income-input')[0], '200');
    await tap(one('.add-member'), 2);
    await pick(all('.relation-picker')[1], 1); // 配偶
    await type(all('.age-input')[1], '68');
    await type(all('.income-input')[1], '100');
    await pick(all('.disability-picker')[1], 2);
    await type(one('.financial-input'), '1000');
  }

  test('the program comes chosen from the list; the counties of 衢州 and 城镇 / 农村 are offered', async () => {
    await open();
    expect(text(option('.program-option', '最低生活保障'))).toContain('已选');
    expect(all('.county-option').map(text)).toEqual(['○柯城区', '○衢江区', '○常山县', '○开化县', '○龙游县', '○江山市']);
    expect(text(one('.privacy-note'))).toContain('不会保存');
    expect(all('.member')).toHaveLength(1);
    expect(text(one('.member-title'))).toBe('第 1 位：本人（申请人）');
  });

  test('nothing is sent until the form is right; each problem is said next to its field', async () => {
    await open({});
    await type(all('.age-input')[0], '131');
    await type(all('.income-input')[0], '12.345');
    await type(one('.vehicles-input'), '1.5');
    await tap(one('.check-btn'));

    expect(checks()).toHaveLength(0);
    expect(text(one('.error-program'))).toBe('请选择要自测的救助项目。');
    expect(text(one('.error-region_code'))).toBe('请选择户籍所在的区县。');
    expect(text(one('.error-is_urban'))).toBe('请选择城镇还是农村。');
    expect(text(one('.error-age'))).toBe('年龄应为 0 到 130 之间的整数。');
    expect(text(one('.error-income'))).toBe('金额最多填到分（小数点后两位）');
    expect(text(one('.error-vehicles'))).toBe('机动车数量应为 0 到 1000 之间的整数。');
    expect(text(one('.form-error'))).toBe('请按标红的提示修改后再测。');

    // Typing again clears that field's error.
    await type(all('.age-input')[0], '70');
    expect(one('.error-age')).toBeFalsy();
  });

  test('two elders on 300 yuan a month: the body in fen, and the answer line by line', async () => {
    await open();
    await fillTwoElders();
    await tap(one('.check-btn'), 10);

    expect(checks()).toHaveLength(1);
    expect(checks()[0].data).toEqual({
      program: 'dibao',
      region_code: '330802',
      is_urban: true,
      members: [
        { relation: 'self', age: 70, monthly_income_fen: 20000, disability_grade: null, student: false },
        { relation: 'spouse', age: 68, monthly_income_fen: 10000, disability_grade: 2, student: false },
      ],
      assets: { financial_fen: 100000, vehicles: 0, properties: 0 },
    });
    expect(checks()[0].header.Authorization).toBeUndefined();

    expect(text(one('.result-headline'))).toBe('✓ 可能符合申请条件');
    expect(text(one('.result-amount'))).toBe('每月约 660.00 元');
    expect(text(one('.figure-size'))).toBe('2 人');
    expect(text(one('.figure-per-capita'))).toBe('150.00 元');
    expect(text(one('.figure-standard'))).toBe('480.00 元 / 人·月');
    expect(all('.line').map(text)).toEqual([
      '✓ 符合家庭月人均收入 150.00 元，低于当地低保标准 480.00 元。',
      '✓ 符合家庭人均存款等金融资产 500.00 元，没有超过 11520.00 元（低保标准 480.00 元的 24 倍）。',
      '✓ 符合家庭没有机动车，符合规定。',
      '✓ 符合家庭没有住房，符合规定。',
    ]);
    expect(text(one('.apply-btn'))).toBe('按这些情况申请');
  });

  test('not eligible: which line fails is said in words, the estimate is a 说明, and one may still apply', async () => {
    fake.respond = server({ eligibility: () => ok(fx.notEligible()) });
    await open({ program: 'temporary' });
    await tap(option('.county-option', '江山市'), 2);
    await tap(one('.rural-option'), 2);
    await type(all('.age-input')[0], '50');
    await type(all('.income-input')[0], '400');
    await type(one('.vehicles-input'), '1');
    await tap(one('.check-btn'), 10);

    expect(checks()[0].data.is_urban).toBe(false);
    expect(text(one('.result-headline'))).toBe('✗ 按填写的情况，可能不符合条件');
    expect(one('.result-amount')).toBeFalsy();
    expect(all('.line-fail').map(text)).toEqual(['✗ 不符合家庭有机动车 1 辆，按规定不能有机动车。']);
    expect(all('.line-info').map(text)).toEqual(['说明临时救助一次性发放，估算为低保标准 332.00 元 × 1 人 × 3 个月，共 996.00 元。']);
    expect(text(one('.apply-btn'))).toBe('仍要申请，由工作人员核实');
  });

  test("the server's 422 (webargs' nesting) lands on the member's own fields", async () => {
    fake.respond = server({
      eligibility: () =>
        fx.problem(422, '请检查家庭成员。', 'validation_failed', {
          errors: { json: { members: { 1: { age: ['应不小于 0 且不大于 130。'] } }, assets: { financial_fen: ['应为整数。'] } } },
        }),
    });
    await open();
    await fillTwoElders();
    await tap(one('.check-btn'), 10);

    expect(all('.error-age').map(text)).toEqual(['应不小于 0 且不大于 130。']);
    expect(text(all('.member')[1])).toContain('应不小于 0 且不大于 130。');
    expect(text(all('.member')[0])).not.toContain('应不小于');
    expect(text(one('.error-financial'))).toBe('应为整数。');
    expect(one('.result')).toBeFalsy();
  });

  test('a region with no standard (409) says so above the button', async () => {
    fake.respond = server({ eligibility: () => fx.problem(409, '这个地区还没有设定该项救助标准，请联系当地民政部门。', 'no_standard') });
    await open();
    await fillTwoElders();
    await tap(one('.check-btn'), 10);
    expect(text(one('.form-error'))).toBe('这个地区还没有设定该项救助标准，请联系当地民政部门。');
  });

  test('a change after the answer takes the answer away rather than leave it to mislead', async () => {
    await open();
    await fillTwoElders();
    await tap(one('.check-btn'), 10);
    expect(one('.result')).toBeTruthy();
    await type(all('.income-input')[0], '3000');
    expect(one('.result')).toBeFalsy();
  });

  test('删除 is offered on everyone but 本人; removing a member renumbers the rest', async () => {
    const removable = () => comp.data.form.members.map((_, i) => Boolean(one(`.member-${i} .remove-member`)));
    await open();
    await tap(one('.add-member'), 2);
    await pick(all('.relation-picker')[1], 1); // 配偶
    await tap(one('.add-member'), 2);
    await pick(all('.relation-picker')[2], 2); // 子女
    expect(all('.member-title').map(text)).toEqual(['第 1 位：本人（申请人）', '第 2 位：配偶', '第 3 位：子女']);
    expect(removable()).toEqual([false, true, true]);

    await tap(one('.member-1 .remove-member'), 2); // 配偶's

    expect(all('.member-title').map(text)).toEqual(['第 1 位：本人（申请人）', '第 2 位：子女']);
    expect(removable()).toEqual([false, true]);
  });

  test('本人 cannot be missing: a household without the applicant is refused on the phone', async () => {
    await open();
    await pick(all('.relation-picker')[0], 2); // the first member made 子女
    expect(all('.member-title').map(text)).toEqual(['第 1 位：子女']);
    await tap(option('.county-option', '柯城区'), 2);
    await tap(one('.urban-option'), 2);
    await type(all('.age-input')[0], '12');
    await type(all('.income-input')[0], '0');
    await tap(one('.check-btn'));
    expect(text(one('.error-members'))).toBe('家庭成员中应有申请人本人（关系选“本人”）。');
    expect(checks()).toHaveLength(0);
  });

  test('logged in: the county of the profile comes chosen', async () => {
    fake.storage.tokens = TOKENS;
    await open();
    expect(text(option('.county-option', '柯城区'))).toBe('●柯城区');
  });

  test('按这些情况申请 carries the household into the application form', async () => {
    await open();
    await fillTwoElders();
    await tap(one('.check-btn'), 10);
    await tap(one('.apply-btn'));

    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageAssistance/pages/apply/index?program=dibao&from=check']);
    const seed = handoff.take();
    expect(seed.program).toBe('dibao');
    expect(seed.form.members.map((m) => [m.relation, m.age, m.income, m.disability])).toEqual([
      ['self', '70', '200', 0],
      ['spouse', '68', '100', 2],
    ]);
    expect(handoff.take()).toBeNull(); // handed over once
    expect(fake.storage).toEqual({}); // household figures never go to storage
  });
});
