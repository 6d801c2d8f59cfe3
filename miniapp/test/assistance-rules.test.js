// 救助 on the phone (packageAssistance/utils/household.js, format.js): the server's household rules
// (server/services/eligibility.py, schemas/assistance.py, services/assistance.py completeness_problems) checked
// before sending, under the server's own field names; yuan typed as text become fen without a float; the server's
// 422 — nested from webargs, dotted from the services — comes back onto the same fields; and what a resident reads
// about a state, a self-check and a timeline.
const h = require('../packageAssistance/utils/household');
const f = require('../packageAssistance/utils/format');
const fx = require('./fixtures/assistance');
const { flattenErrors } = require('../utils/errors');

const member = (o = {}) => Object.assign({ relation: 'self', age: '45', income: '1500', disability: 0, student: false }, o);

describe('the household, step by step, as the server checks it', () => {
  test('a household of one applicant with an age passes step 1', () => {
    expect(h.membersProblems([member()])).toEqual({});
  });

  test.each([
    [[], { members: '请至少填写一位家庭成员（申请人本人）。' }],
    [[member({ relation: 'spouse' })], { members: '家庭成员中应有申请人本人（关系选“本人”）。' }],
    [[member(), member()], { members: '申请人本人只能有一位，现在有 2 位。' }],
    [[member({ relation: '' })], { 'members.0.relation': '请选择与申请人的关系。', members: '家庭成员中应有申请人本人（关系选“本人”）。' }],
    [[member(), member({ relation: 'child', age: '' })], { 'members.1.age': '请填写年龄（周岁）。' }],
    [[member({ age: '131' })], { 'members.0.age': '年龄应为 0 到 130 之间的整数。' }],
    [[member({ age: '40.5' })], { 'members.0.age': '年龄应为 0 到 130 之间的整数。' }],
    [[member({ age: '-1' })], { 'members.0.age': '年龄应为 0 到 130 之间的整数。' }],
  ])('members %j → %j', (members, expected) => {
    expect(h.membersProblems(members)).toEqual(expected);
  });

  test('age 0 and 130 are allowed, as the server allows them', () => {
    expect(h.membersProblems([member({ age: '130' }), member({ relation: 'grandchild', age: '0' })])).toEqual({});
  });

  test('more than 20 members is said once, as the server says it', () => {
    const many = [member()].concat(Array.from({ length: 20 }, () => member({ relation: 'child' })));
    expect(h.membersProblems(many)).toEqual({ members: '家庭成员最多 20 人。' });
  });

  test('incomes: 0 is an income, empty is not, and yuan have at most two decimals', () => {
    expect(h.incomeProblems([member({ income: '0' }), member({ income: '1234.56' })])).toEqual({});
    expect(h.incomeProblems([member({ income: '' }), member({ income: '12.345' }), member({ income: '-5' }), member({ income: '10000001' })])).toEqual({
      'members.0.monthly_income_fen': '请填写每月收入，没有收入请填 0。',
      'members.1.monthly_income_fen': '金额最多填到分（小数点后两位）',
      'members.2.monthly_income_fen': '请填写数字金额，例如 100 或 100.50',
      'members.3.monthly_income_fen': '金额最多 1000 万元',
    });
  });

  test('assets may be left empty (0); counts are whole numbers up to 1000', () => {
    expect(h.assetsProblems({ financial: '', vehicles: '', properties: '' }, 'dibao')).toEqual({});
    expect(h.assetsProblems({ financial: '5000.5', vehicles: '1.5', properties: '1001' }, 'dibao')).toEqual({
      'assets.vehicles': '机动车数量应为 0 到 1000 之间的整数。',
      'assets.properties': '住房数量应为 0 到 1000 之间的整数。',
    });
  });

  test('医疗救助 needs an out-of-pocket cost above 0 to apply; the self-check takes 0', () => {
    expect(h.assetsProblems({ medical: '' }, 'medical')).toEqual({ medical_out_of_pocket_fen: '请填写医保报销后个人负担的医疗费用。' });
    expect(h.assetsProblems({ medical: '0' }, 'medical')).toEqual({ medical_out_of_pocket_fen: '请填写医保报销后个人负担的医疗费用。' });
    expect(h.assetsProblems({ medical: '0' }, 'medical', { requireMedical: false })).toEqual({});
    expect(h.assetsProblems({ medical: '12000' }, 'medical')).toEqual({});
    expect(h.assetsProblems({ medical: '' }, 'dibao')).toEqual({});
  });

  test('the reason is required and at most 2000 characters (counted as Python counts them)', () => {
    const form = (o) => Object.assign({ reason: '生活困难', cause: '', hasRelatives: false, relatives: [] }, o);
    expect(h.reasonProblems(form(), 'dibao')).toEqual({});
    expect(h.reasonProblems(form({ reason: '   ' }), 'dibao')).toEqual({ reason: '请说明申请原因。' });
    expect(h.reasonProblems(form({ reason: '😀'.repeat(2000) }), 'dibao')).toEqual({});
    expect(h.reasonProblems(form({ reason: '困'.repeat(2001) }), 'dibao')).toEqual({ reason: '申请原因最多 2000 个字。' });
  });

  test('临时救助 needs a cause; the near-relatives question must be answered, and each relative in full', () => {
    const base = { reason: '房子失火', hasRelatives: false, relatives: [] };
    expect(h.reasonProblems(Object.assign({}, base, { cause: '' }), 'temporary')).toEqual({ cause: '请选择遇到的困难类型（火灾、事故、疾病等）。' });
    expect(h.reasonProblems(Object.assign({}, base, { cause: 'fire' }), 'temporary')).toEqual({});
    expect(h.reasonProblems(Object.assign({}, base, { hasRelatives: null }), 'dibao')).toEqual({ relatives: '请选择有没有在民政部门或村（居）委会工作的近亲属。' });
    expect(h.reasonProblems(Object.assign({}, base, { hasRelatives: true, relatives: [{ name: '王建军', relation: '', workplace: '' }] }), 'dibao')).toEqual({
      'relatives.0.relation': '请填写关系。',
      'relatives.0.workplace': '请填写工作单位。',
    });
  });

  test('documents: at least one', () => {
    expect(h.documentProblems([])).toEqual({ attachments: '请上传证明材料的照片或 PDF。' });
    expect(h.documentProblems([fx.attachment()])).toEqual({});
  });
});

describe('the bodies sent: integers and fen, never a float', () => {
  test('members and assets become what MemberSchema and AssetsSchema take', () => {
    const form = Object.assign(h.emptyForm(), {
      members: [member({ age: '70', income: '200.10' }), member({ relation: 'spouse', age: '68', income: '4.35', disability: 2, student: false })],
      financial: '1000.01',
      vehicles: '',
      properties: '1',
    });
    const groups = h.draftGroups(form, 'dibao');
    expect(groups.members).toEqual({
      members: [
        { relation: 'self', age: 70, monthly_income_fen: 20010, disability_grade: null, student: false },
        { relation: 'spouse', age: 68, monthly_income_fen: 435, disability_grade: 2, student: false },
      ],
    });
    expect(groups.assets).toEqual({ assets: { financial_fen: 100001, vehicles: 0, properties: 1 } });
    expect(groups.reason).toEqual({ reason: '', relatives: [] });
  });

  test('临时救助 sends its cause and 急难; 医疗救助 its cost; others send neither', () => {
    const form = Object.assign(h.emptyForm(), { reason: ' 失火 ', cause: 'fire', emergency: true, medical: '0.1', hasRelatives: true, relatives: [{ name: ' 王建军 ', relation: '弟弟', workplace: '坊门街社区' }] });
    expect(h.draftGroups(form, 'temporary').reason).toEqual({
      reason: '失火',
      cause: 'fire',
      emergency: true,
      relatives: [{ name: '王建军', relation: '弟弟', workplace: '坊门街社区' }],
    });
    expect(h.draftGroups(form, 'medical').assets.medical_out_of_pocket_fen).toBe(10);
    expect(h.draftGroups(form, 'dibao').reason.cause).toBeUndefined();
    expect(h.draftGroups(form, 'dibao').assets.medical_out_of_pocket_fen).toBeUndefined();
  });

  test('the self-check body names the county and 城镇 / 农村', () => {
    const form = Object.assign(h.emptyForm(), { members: [member({ age: '50', income: '400' })], vehicles: '1' });
    expect(h.eligibilityBody({ program: 'temporary', regionCode: '330881', isUrban: false, form })).toEqual({
      program: 'temporary',
      region_code: '330881',
      is_urban: false,
      members: [{ relation: 'self', age: 50, monthly_income_fen: 40000, disability_grade: null, student: false }],
      assets: { financial_fen: 0, vehicles: 1, properties: 0 },
    });
  });

  test('an application from the server fills the form back, fen as yuan text', () => {
    const form = h.formFromApplication(fx.application({ relatives: [{ name: '王*', relation: '弟弟', workplace: '社区' }] }));
    expect(form.members).toEqual([
      { relation: 'self', age: '70', income: '200', disability: 0, student: false },
      { relation: 'spouse', age: '68', income: '100', disability: 2, student: false },
    ]);
    expect([form.financial, form.vehicles, form.properties]).toEqual(['1000', '0', '1']);
    expect(form.reason).toBe('老伴二级残疾，两人靠养老金生活，看病花销大。');
    expect(form.hasRelatives).toBe(true);
    // A fresh draft has nothing answered yet.
    const empty = h.formFromApplication(fx.application({ members: [], assets: {}, reason: null }));
    expect(empty.hasRelatives).toBeNull();
    expect(empty.members).toEqual([h.emptyMember('self')]);
  });
});

describe("the server's 422, back on the fields", () => {
  test("webargs' nesting and the services' dotted keys come out the same", () => {
    const nested = { errors: { json: { members: { 0: { age: ['应不小于 0 且不大于 130。'], monthly_income_fen: ['应为整数。'] } } } } };
    expect(flattenErrors(nested)).toEqual({ fields: { 'members.0.age': '应不小于 0 且不大于 130。', 'members.0.monthly_income_fen': '应为整数。' }, other: '' });
    const dotted = {
      errors: { json: { 'members.1.monthly_income_fen': ['月收入应为整数（单位：分）。'], reason: ['请说明申请原因。'], attachments: ['请上传证明材料的照片或 PDF。'] } },
    };
    expect(flattenErrors(dotted).fields).toEqual({
      'members.1.monthly_income_fen': '月收入应为整数。',
      reason: '请说明申请原因。',
      attachments: '请上传证明材料的照片或 PDF。',
    });
    const header = { errors: { headers: { 'Idempotency-Key': ['这个幂等键已用于另一份不同的请求。'] } } };
    expect(flattenErrors(header)).toEqual({ fields: {}, other: '这个幂等键已用于另一份不同的请求。' });
  });

  test('errors become what the templates read; an unknown member field is said in its group, never lost', () => {
    const view = h.viewErrors(
      {
        members: '家庭成员中应有申请人本人（关系选“本人”）。',
        'members.0.age': '年龄不对',
        'members.1.salary': '不认识这一项。',
        'assets.financial_fen': '金融资产不能是负数。',
        'relatives.0.workplace': '请填写工作单位。',
        nickname: '不认识这一项。',
      },
      2,
      1,
    );
    expect(view.err).toEqual({
      members: '家庭成员中应有申请人本人（关系选“本人”）。第 2 位成员：不认识这一项。',
      assets_financial_fen: '金融资产不能是负数。',
    });
    expect(view.memberErrors).toEqual([{ age: '年龄不对' }, {}]);
    expect(view.relativeErrors).toEqual([{ workplace: '请填写工作单位。' }]);
    expect(view.other).toBe('不认识这一项。');
  });
});

describe('what a resident reads', () => {
  test('a self-check answer: headline, amount, figures and each line in words', () => {
    const yes = f.decorateResult(fx.eligible());
    expect(yes.headline).toBe('可能符合申请条件');
    expect(yes.amountText).toBe('每月约 660.00 元');
    expect([yes.sizeText, yes.totalText, yes.perCapitaText, yes.standardText]).toEqual(['2 人', '300.00 元', '150.00 元', '480.00 元']);
    expect(yes.lines.map((l) => l.word)).toEqual(['✓ 符合', '✓ 符合', '✓ 符合', '✓ 符合']);

    const no = f.decorateResult(fx.notEligible());
    expect(no.headline).toBe('按填写的情况，可能不符合条件');
    expect(no.amountText).toBe('');
    expect(no.summary).toContain('下面有 1 条不符合');
    expect(no.lines.map((l) => [l.kind, l.word])).toEqual([
      ['pass', '✓ 符合'],
      ['pass', '✓ 符合'],
      ['fail', '✗ 不符合'],
      ['pass', '✓ 符合'],
      ['info', '说明'],
    ]);
  });

  test('a one-off amount says 一次性', () => {
    const r = f.decorateResult(Object.assign(fx.notEligible(), { eligible: true, amount_fen: 99600 }));
    expect(r.amountText).toBe('一次性约 996.00 元');
  });

  test.each([
    ['draft', {}, '请填写完整后提交'],
    ['submitted', { due_on: '2026-12-21' }, '等待乡镇（街道）受理'],
    ['returned', { missing: ['户口簿', '银行账户信息'] }, '请补充材料后重新提交'],
    ['accepted', {}, '等待入户调查'],
    ['investigated', {}, '等待审核'],
    ['in_notice', { proposed_amount_fen: 66000, notice_starts_on: '2026-12-10', notice_ends_on: '2026-12-17' }, '正在社区公示'],
    ['reviewed', {}, '等待县级确认'],
    ['approved', { amount_fen: 66000, start_month: '2027-01-01', review_due_on: '2027-12-20' }, '已批准'],
    ['rejected', { decision_reasons: '家庭人均收入高于标准' }, '未获批准'],
    ['withdrawn', {}, '已撤回'],
  ])('%s: what to do next', (status, extra, title) => {
    const next = f.nextStep(fx.application(Object.assign({ status }, extra)));
    expect(next.title).toBe(title);
    expect(next.text).not.toBe('');
    expect(next.label).toBe(['approved', 'rejected', 'withdrawn'].indexOf(status) >= 0 ? '结果' : '下一步');
  });

  test('the next step names what is missing, the notice period, the monthly amount and its start', () => {
    expect(f.nextStep(fx.application({ status: 'returned', missing: ['户口簿', '银行账户信息'] })).text).toContain('需要补充：户口簿、银行账户信息');
    expect(f.nextStep(fx.application({ status: 'in_notice', proposed_amount_fen: 66000, notice_starts_on: '2026-12-10', notice_ends_on: '2026-12-17' })).text).toBe(
      '审核已通过，拟每月救助 660.00 元，正在公示。公示期 2026-12-10 至 2026-12-17。公示期满没有异议后，由县（市、区）民政局审批。',
    );
    expect(f.nextStep(fx.application({ status: 'approved', amount_fen: 66000, start_month: '2027-01-01', review_due_on: '2027-12-20' })).text).toContain(
      '每月 660.00 元，从 2027年01月 起发放。每年复核一次，下次复核在 2027-12-20 前。',
    );
    expect(f.nextStep(fx.application({ program: 'temporary', status: 'approved', amount_fen: 94600, paid_first_fen: 5000 })).text).toBe(
      '一次性发放 946.00 元（已先行发放 50.00 元）。',
    );
    expect(f.nextStep(fx.application({ status: 'submitted', due_on: '2026-12-21', overdue: true })).text).toContain('已超过办理时限，可拨打 96345');
  });

  test('the stages say done / current / todo in words', () => {
    const words = (status) => f.stages(fx.application({ status })).map((s) => s.stateText);
    expect(words('draft')).toEqual(['进行中', '未开始', '未开始', '未开始', '未开始', '未开始']);
    expect(words('returned')).toEqual(['待补充', '未开始', '未开始', '未开始', '未开始', '未开始']);
    expect(words('accepted')).toEqual(['已完成', '已完成', '进行中', '未开始', '未开始', '未开始']);
    expect(words('in_notice')).toEqual(['已完成', '已完成', '已完成', '已完成', '进行中', '未开始']);
    expect(words('approved')).toEqual(['已完成', '已完成', '已完成', '已完成', '已完成', '已完成']);
  });

  test('the timeline: the newest first, China time, what is missing and why', () => {
    const items = f.timeline(fx.acceptedDetail().events);
    expect(items.map((i) => i.title)).toEqual(['乡镇（街道）受理', '提交申请', '退回补充材料', '提交申请', '开始填写申请']);
    expect(items[2]).toEqual({
      id: 3,
      title: '退回补充材料',
      statusText: '已退回，待补充材料',
      time: '2026-12-01 10:30',
      details: ['需要补充：家庭财产情况说明、银行账户信息', '说明：请补充材料'],
    });
    const reject = f.timelineItem(fx.event(9, 'reject', 'in_notice', 'rejected', { data: { reasons: '收入超过标准' } }));
    expect(reject.details).toEqual(['理由：收入超过标准']);
    const object = f.timelineItem(fx.event(10, 'object', 'in_notice', 'accepted', { comment: '某人的举报原文' }));
    expect(object.details).toEqual(['工作人员将重新入户核实，核实后重新公示。']);
  });

  test('program standards as yuan text', () => {
    const [dibao, , temporary, medical, , rehab] = fx.programs().map(f.decorateProgram);
    expect(dibao.standard_text).toBe('城镇 480.00 元、农村 332.00 元，每人每月。');
    expect(temporary.standard_text).toContain('一次性发放');
    expect(medical.standard_text).toContain('每年有封顶');
    expect(rehab.standard_text).toBe('金额以当地民政部门核定为准。');
  });
});
