// 我的申请 (packageAssistance/pages/applications) and 办理进度 (pages/application): my applications with their
// states; one application's stages in words, what to do next, the timeline of every step, the documents, and
// the resident's own actions as the server allows them — 继续填写, 撤回 (with the version; stale → reload, said).
const { launchApp, loadPage, render, settle, text } = require('./helpers/pages');
const fx = require('./fixtures/assistance');

const fake = global.fakeWx;
const ok = (data, statusCode = 200) => ({ statusCode, data });
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };

let listId;
let detailId;
let comp;

const tap = async (node, rounds = 10) => {
  node.dispatchEvent('tap');
  await settle(rounds);
};
const all = (selector) => comp.querySelectorAll(selector);
const one = (selector) => comp.querySelector(selector);

beforeAll(() => {
  launchApp();
  listId = loadPage('packageAssistance/pages/applications/index', 'assistance-applications');
  detailId = loadPage('packageAssistance/pages/application/index', 'assistance-application');
});

beforeEach(() => {
  fake.reset();
  launchApp();
});

afterEach(() => {
  if (comp) comp.detach();
  comp = null;
});

describe('我的申请', () => {
  const LIST = [
    fx.acceptedDetail(),
    fx.application({
      id: 9,
      program: 'temporary',
      status: 'approved',
      status_name: '已批准',
      number: 'LS-330802-2026-000003',
      amount_fen: 144000,
      submitted_at: '2026-03-02T01:00:00+00:00',
      allowed_actions: [],
    }),
    fx.application({ id: 14, program: 'medical', overdue: false }),
    fx.application({ id: 15, program: 'tekun', status: 'submitted', status_name: '已提交，待受理', number: 'TK-330802-2026-000002', due_on: '2026-11-01', overdue: true }),
  ];

  async function open() {
    comp = render(listId);
    await comp.instance.onLoad({});
    await comp.instance.onShow();
    await settle(8);
  }

  test('each application with its program, number, state in words and what comes next; overdue said', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = () => ok(LIST);
    await open();

    expect(fake.requests[0].data).toEqual({ mine: 1, page: 1, page_size: 50 });
    expect(fake.requests[0].header.Authorization).toBe('Bearer access-1');
    expect(all('.application-program').map(text)).toEqual(['最低生活保障（低保）', '临时救助', '医疗救助', '特困人员救助供养']);
    expect(all('.application-status').map(text)).toEqual(['已受理，待入户调查', '已批准', '草稿', '已提交，待受理']);
    expect(all('.application-number').map(text)).toEqual([
      '编号 DB-330802-2026-000001',
      '编号 LS-330802-2026-000003',
      '还没有提交，没有编号',
      '编号 TK-330802-2026-000002',
    ]);
    expect(all('.application-next').map(text)).toEqual(['下一步：等待入户调查', '结果：已批准', '下一步：请填写完整后提交', '下一步：等待乡镇（街道）受理']);
    expect(all('.overdue').map(text)).toEqual(['已超过办理时限']);

    await tap(all('.application')[1]);
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageAssistance/pages/application/index?id=9']);
  });

  test('none yet: the way to the programs', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = () => ok([]);
    await open();
    expect(text(one('.empty-text'))).toBe('您还没有救助申请。');
    await tap(one('.programs-btn'));
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageAssistance/pages/programs/index']);
  });

  test('not logged in: a login card (the privacy guide first when WeChat needs it), then the list', async () => {
    fake.needPrivacyAuthorization = true;
    fake.respond = (req) =>
      req.url.endsWith('/auth/wechat') ? ok({ access_token: 'access-1', refresh_token: 'refresh-1', user: { id: 1 } }) : ok(LIST);
    await open();
    expect(text(one('.login-card'))).toContain('请先登录');
    expect(fake.requests).toHaveLength(0);

    await tap(one('.login-btn'));
    expect(one('.privacy')).toBeTruthy();
    comp.instance.onAgreePrivacy();
    await settle(12);
    expect(one('.login-card')).toBeFalsy();
    expect(all('.application')).toHaveLength(4);
  });
});

describe('办理进度', () => {
  async function open(id = '13') {
    comp = render(detailId);
    await comp.instance.onLoad({ id });
    await settle(8);
  }

  test('the stages in words, what comes next, and the timeline of every step, newest first', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = () => ok(fx.acceptedDetail());
    await open();

    expect(text(one('.app-program'))).toBe('最低生活保障（低保）');
    expect(text(one('.app-status'))).toBe('已受理，待入户调查');
    expect(text(one('.app-number'))).toBe('DB-330802-2026-000001');
    expect(text(one('.next-title'))).toBe('等待入户调查');
    expect(text(one('.next-text'))).toContain('至少两名工作人员会上门');
    expect(all('.stage').map(text)).toEqual([
      '1提交申请已完成',
      '2乡镇（街道）受理已完成',
      '3入户调查进行中',
      '4审核未开始',
      '5公示未开始',
      '6县级审批未开始',
    ]);
    expect(all('.event-title').map(text)).toEqual(['乡镇（街道）受理', '提交申请', '退回补充材料', '提交申请', '开始填写申请']);
    expect(all('.event-time').map(text)).toEqual(['2026-12-02 09:15', '2026-12-01 14:00', '2026-12-01 10:30', '2026-11-30 17:00', '2026-11-30 16:12']);
    expect(all('.event-detail').map(text)).toEqual(['需要补充：家庭财产情况说明、银行账户信息', '说明：请补充材料']);
    expect(all('.attachment').map(text)).toEqual(['户口簿tmp_hukou.jpg', '申请人身份证tmp_id.jpg']);
    // Accepted: the resident may withdraw, no longer edit.
    expect(one('.edit-btn')).toBeFalsy();
    expect(text(one('.withdraw-btn'))).toBe('撤回申请');
  });

  test('returned: what is missing, and 补充材料并重新提交 opens the form', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = () =>
      ok(fx.acceptedDetail({ status: 'returned', status_name: '已退回，待补充材料', missing: ['银行账户信息'], allowed_actions: ['submit', 'withdraw'] }));
    await open();
    expect(text(one('.next-text'))).toContain('需要补充：银行账户信息');
    expect(all('.stage-state').map(text)[0]).toBe('待补充');
    await tap(one('.edit-btn'));
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageAssistance/pages/apply/index?id=13']);
  });

  test('approved: the amount and when it is paid; 结果 rather than 下一步; nothing left to do', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = () =>
      ok(
        fx.acceptedDetail({
          status: 'approved',
          status_name: '已批准',
          amount_fen: 66000,
          start_month: '2027-01-01',
          review_due_on: '2027-12-20',
          due_on: null,
          allowed_actions: [],
        }),
      );
    await open();
    expect(text(one('.next-label'))).toBe('结果');
    expect(text(one('.next-text'))).toContain('每月 660.00 元，从 2027年01月 起发放');
    expect(all('.stage-state').map(text)).toEqual(Array(6).fill('已完成'));
    expect(one('.withdraw-btn')).toBeFalsy();
    expect(one('.edit-btn')).toBeFalsy();
  });

  test('overdue: said, with the hotline one tap away', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = () => ok(fx.acceptedDetail({ due_on: '2026-11-01', overdue: true }));
    await open();
    expect(text(one('.app-due'))).toBe('2026-11-01（已超期）');
    await tap(one('.call-btn'));
    expect(fake.phoneCalls.map((c) => c.phoneNumber)).toEqual(['96345']);
  });

  test('撤回: asked first, sent with the version, and the page shows the new state', async () => {
    fake.storage.tokens = TOKENS;
    let app = fx.acceptedDetail();
    fake.respond = (req) => {
      if (req.method === 'POST' && req.url.endsWith('/withdraw')) {
        app = fx.acceptedDetail({
          status: 'withdrawn',
          status_name: '已撤回',
          version: 6,
          allowed_actions: [],
          events: app.events.concat([fx.event(6, 'withdraw', 'accepted', 'withdrawn', { created_at: '2026-12-03T02:00:00+00:00' })]),
        });
        return ok(app);
      }
      return ok(app);
    };
    await open();
    await tap(one('.withdraw-btn'), 14);

    expect(fake.modals[0].title).toBe('撤回这份申请？');
    const withdraws = fake.requests.filter((r) => r.url.endsWith('/assistance/applications/13/withdraw'));
    expect(withdraws).toHaveLength(1);
    expect(withdraws[0].data).toEqual({ version: 5 });
    expect(text(one('.app-status'))).toBe('已撤回');
    expect(all('.event-title').map(text)[0]).toBe('撤回申请');
    expect(one('.withdraw-btn')).toBeFalsy();
    expect(fake.toasts.map((t) => t.title)).toContain('已撤回');
  });

  test('撤回 with a stale version: the page reloads and says something has happened meanwhile', async () => {
    fake.storage.tokens = TOKENS;
    let app = fx.acceptedDetail();
    fake.respond = (req) => {
      if (req.method === 'POST') {
        app = fx.acceptedDetail({ status: 'investigated', status_name: '已调查，待审核', version: 6 });
        return fx.problem(409, '这份申请已被他人更新，请刷新后再操作。', 'stale_version', { version: 6 });
      }
      return ok(app);
    };
    await open();
    await tap(one('.withdraw-btn'), 14);
    expect(text(one('.notice-text'))).toBe('这份申请刚刚有了新的办理进展，已刷新。请看清现在的状态后再决定是否撤回。');
    expect(text(one('.app-status'))).toBe('已调查，待审核');
    expect(comp.data.app.version).toBe(6);
  });

  test('撤回 refused after an advance was paid (409): the reason is said', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = (req) =>
      req.method === 'POST'
        ? fx.problem(409, '已先行发放救助金的申请不能撤回，请联系乡镇（街道）工作人员。', 'paid_first_no_withdrawal')
        : ok(fx.acceptedDetail());
    await open();
    await tap(one('.withdraw-btn'), 14);
    expect(text(one('.notice-text'))).toBe('已先行发放救助金的申请不能撤回，请联系乡镇（街道）工作人员。');
  });

  test("someone else's application (404) says it was not found", async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = () => fx.problem(404, '没有找到这份申请。', 'application_not_found');
    await open('99');
    expect(text(one('.error-box'))).toContain('没有找到这份申请。');
  });
});
