// 申请详情 (packageWorker/pages/application): the timeline, the documents opened with the token, the audited
// ID number on an explicit tap, and exactly the actions the server allows — each with its form, its body
// (with the version read), the stale-version 409 that reloads and says so, and the 422 field errors.
const { launchApp, render, settle, text } = require('./helpers/pages');
const { loadFresh, tap, type, change, allText } = require('./helpers/worker');
const f = require('./fixtures/worker');

const fake = global.fakeWx;
let pageId;
let comp;
let current; // the application the fake server holds

const all = (selector) => allText(comp, selector);
const q = (selector) => comp.querySelector(selector);
const posts = () => fake.requests.filter((r) => r.method === 'POST');

/** GET /assistance/applications/{id} answers `current`; an action answers `act(req)` or moves nothing. */
function server({ act, identity, programs } = {}) {
  return (req) => {
    const path = f.pathOf(req);
    if (req.header.Authorization !== 'Bearer access-1' && path !== '/assistance/programs') return f.problem(401, '请先登录。', 'token_missing');
    if (path === '/emergencies') return f.ok([]);
    if (path === `/assistance/applications/${current.id}`) return f.ok(current);
    if (path === `/assistance/applications/${current.id}/identity`) {
      return identity ? identity(req) : f.ok({ applicant_name: '刘秀兰', applicant_id_number: '33080219560101102X', members: [null, null] });
    }
    if (path === '/assistance/programs') return f.ok(programs || [f.program(), f.program({ code: 'temporary', name: '临时救助', documents: ['申请人身份证', '困难原因证明（如医院票据、事故证明）'] })]);
    const m = new RegExp(`^/assistance/applications/${current.id}/([a-z-]+)$`).exec(path);
    if (m && req.method === 'POST') {
      if (act) return act(req, m[1]);
      return f.ok(Object.assign({}, current, { version: current.version + 1 }));
    }
    return f.problem(404, '没有找到这份申请。', 'application_not_found');
  };
}

async function open(app = f.detail(), options = {}) {
  current = app;
  fake.respond = options.server || server(options);
  comp = render(pageId);
  await comp.instance.onLoad({ id: String(app.id) });
  await settle(12);
}

beforeAll(() => {
  launchApp();
  pageId = loadFresh('packageWorker/pages/application/index', 'worker-application');
});

beforeEach(() => {
  fake.reset();
  fake.storage.tokens = f.TOKENS;
  launchApp();
});

afterEach(() => {
  if (comp) comp.detach();
  jest.restoreAllMocks();
  comp = null;
});

describe('申请详情: what the worker reads', () => {
  test('the application, its household, its documents and its timeline', async () => {
    await open(f.detail({ overdue: true, due_on: f.day(-2) }));

    expect(text(q('.program'))).toBe('最低生活保障（低保）');
    expect(text(q('.number'))).toBe('DB-330802-2026-000001');
    expect(text(q('.status'))).toBe('已提交，待受理');
    expect(text(q('.overdue-tag'))).toBe('已逾期');
    expect(text(q('.deadline'))).toMatch(/^已逾期 2 天/);
    expect(text(q('.applicant-name'))).toBe('刘**');
    expect(text(q('.id-number'))).toBe('330802********102X');
    expect(all('.member-line')).toEqual(['1. 本人，70 岁，月收入 150 元', '2. 配偶，67 岁，月收入 50 元']);
    expect(text(q('.assets-line'))).toBe('财产：存款等金融资产 2,000 元，车辆 0 辆，房产 0 套');
    expect(all('.attachment-name')).toEqual(['身份证', '收入证明']);
    expect(all('.attachment-meta')).toEqual(['图片 · 66 字节', 'PDF 文件 · 200 KB']);
    expect(all('.event-title')).toEqual(['创建申请', '提交申请']);
    expect(all('.event-change')).toEqual(['草稿', '草稿 → 已提交，待受理']);
  });

  test('the timeline says what each step decided: missing documents, visit, proposal, reasons, payments', async () => {
    await open(
      f.detail({
        status: 'reviewed',
        allowed_actions: [],
        events: [
          { id: 1, action: 'return', from_status: 'submitted', to_status: 'returned', comment: null, data: { missing: ['户口簿', '银行账户信息'] }, created_at: f.iso(-5) },
          { id: 2, action: 'investigate', from_status: 'accepted', to_status: 'investigated', comment: '邻居证实', data: { visited_on: '2026-11-20', staff: ['周丽萍', '陈建国'], notes: '住房简陋' }, created_at: f.iso(-4) },
          { id: 3, action: 'review', from_status: 'investigated', to_status: 'reviewed', comment: null, data: { decision: 'reject', reasons: '存款超过规定' }, created_at: f.iso(-3) },
          { id: 4, action: 'pay_first', from_status: 'accepted', to_status: 'accepted', comment: null, data: { amount_fen: 50000 }, created_at: f.iso(-2) },
        ],
      }),
    );

    expect(all('.event-title')).toEqual(['退回补充材料', '入户调查', '乡镇（街道）审核', '先行救助']);
    expect(all('.event-1 .event-detail')).toEqual([
      '调查日期：2026年11月20日',
      '调查人员：周丽萍、陈建国',
      '调查情况：住房简陋',
      '备注：邻居证实',
    ]);
    expect(all('.event-0 .event-detail')).toEqual(['需补充：户口簿、银行账户信息']);
    expect(all('.event-2 .event-detail')).toEqual(['意见：提议不予批准', '理由：存款超过规定']);
    expect(all('.event-3 .event-detail')).toEqual(['先行发放：500 元']);
    expect(text(q('.event-3 .event-change'))).toBe('已受理，待入户调查');
  });

  test('an image is downloaded with the token and shown with wx.previewImage; a PDF opens as a document', async () => {
    fake.respondDownload = () => ({ statusCode: 200, data: 'PNGDATA' });
    await open();

    await tap(q('.attachment-0 .open-attachment'));
    expect(fake.downloads[0].url).toMatch(/\/api\/v1\/assistance\/applications\/2\/attachments\/demo0300000000000000000000000000$/);
    expect(fake.downloads[0].header.Authorization).toBe('Bearer access-1');
    expect(fake.previewedImages).toEqual([{ urls: ['wxfile://tmp_1'], current: 'wxfile://tmp_1' }]);

    await tap(q('.attachment-1 .open-attachment'));
    expect(fake.openedDocuments[0]).toMatchObject({ filePath: 'wxfile://tmp_2', fileType: 'pdf' });
    expect(fake.previewedImages).toHaveLength(1);
  });

  test('a document the server cannot find says so', async () => {
    fake.respondDownload = () => ({ statusCode: 404, data: { code: 404, message: '文件暂时无法读取，请联系工作人员。', error: 'attachment_file_missing' } });
    await open();
    await tap(q('.attachment-0 .open-attachment'));
    expect(fake.toasts.map((t) => t.title)).toContain('文件暂时无法读取，请联系工作人员。');
    expect(fake.previewedImages).toHaveLength(0);
  });

  test('the full ID number is read only after an explicit tap that says the read is recorded', async () => {
    await open();
    expect(fake.requestsTo('/identity')).toHaveLength(0);

    await tap(q('.reveal-btn'));

    expect(fake.modals[0].content).toContain('审计日志');
    expect(fake.requestsTo('/assistance/applications/2/identity')).toHaveLength(1);
    expect(text(q('.id-number'))).toBe('33080219560101102X');
    expect(text(q('.applicant-name'))).toBe('刘秀兰');
    expect(text(q('.identity-note'))).toContain('本次查看已记入审计日志');

    await tap(q('.hide-id-btn'));
    expect(text(q('.id-number'))).toBe('330802********102X');
  });

  test('saying no in the dialog reads nothing', async () => {
    await open();
    jest.spyOn(global.wx, 'showModal').mockImplementation((o) => o.success({ confirm: false, cancel: true }));
    await tap(q('.reveal-btn'));
    expect(fake.requestsTo('/identity')).toHaveLength(0);
  });

  test('a resident who reaches the page gets the server 403 message, plainly', async () => {
    const forbidden = server();
    await open(f.detail(), { server: (req) => (f.pathOf(req) === '/emergencies' ? f.FORBIDDEN : forbidden(req)) });
    expect(text(q('.gate').querySelector('.gate-message'))).toBe('您没有权限进行此操作。');
    expect(fake.requestsTo('/assistance/applications/2')).toHaveLength(0);
  });

  test('an application outside the scope answers 404: said as the server says it', async () => {
    await open(f.detail({ id: 77 }), { server: (req) => (f.pathOf(req) === '/emergencies' ? f.ok([]) : f.problem(404, '没有找到这份申请。', 'application_not_found')) });
    expect(text(q('.error-box'))).toContain('没有找到这份申请。');
  });
});

describe('申请详情: exactly the actions the server allows', () => {
  test.each([
    ['submitted', ['accept', 'return'], ['受理', '退回补充材料']],
    ['submitted', ['accept', 'return', 'pay_first'], ['受理', '退回补充材料', '先行救助']],
    ['accepted', ['investigate'], ['录入入户调查']],
    ['investigated', ['review'], ['审核']],
    ['in_notice', ['approve', 'reject'], ['批准', '不予批准']],
    ['reviewed', ['reject'], ['不予批准']],
    ['returned', ['submit', 'withdraw'], ['提交申请（代办）', '撤回申请（代办）']],
  ])('%s with allowed_actions %j shows %j', async (status, allowed, labels) => {
    await open(f.detail({ status, allowed_actions: allowed }));
    expect(all('.action-btn')).toEqual(labels);
    expect(comp.querySelectorAll('.action-btn').map((n) => n.dom.className.match(/action-([a-z_]+)/g).pop())).toEqual(
      allowed.map((a) => `action-${a}`),
    );
  });

  test('nothing allowed: no button, and the page says there is nothing to do', async () => {
    await open(f.detail({ status: 'in_notice', allowed_actions: [] }));
    expect(comp.querySelectorAll('.action-btn')).toHaveLength(0);
    expect(text(q('.no-actions'))).toBe('这份申请当前没有需要您办理的步骤。');
  });
});

describe('申请详情: each action', () => {
  test('受理 sends the version read, then reloads and says what happens next', async () => {
    await open();
    await tap(q('.action-accept'));
    expect(text(q('.form-title'))).toBe('受理申请');
    await type(q('.comment-input'), '材料齐全');
    await tap(q('.submit-btn'), 20);

    const req = posts()[0];
    expect(req.url).toMatch(/\/assistance\/applications\/2\/accept$/);
    expect(req.data).toEqual({ version: 3, comment: '材料齐全' });
    expect(text(q('.page-notice'))).toContain('已受理，下一步是入户调查。');
    expect(fake.requestsTo('/assistance/applications/2')).toHaveLength(2); // reloaded
    expect(q('.action-form')).toBeFalsy();
  });

  test('退回 lists everything missing at once: the program checklist and free lines', async () => {
    await open();
    await tap(q('.action-return'));

    expect(all('.doc-option')).toEqual(['☐申请人身份证', '☐户口簿', '☐家庭成员收入证明', '☐家庭财产情况说明', '☐银行账户信息']);
    await tap(q('.submit-btn'));
    expect(text(q('.error-missing'))).toBe('请勾选或填写需要补充的材料，一次列全');
    expect(posts()).toHaveLength(0);

    await tap(comp.querySelectorAll('.doc-option')[1]);
    await tap(comp.querySelectorAll('.doc-option')[4]);
    await type(q('.other-input'), '2026年10月工资流水\n村委会证明');
    await tap(q('.submit-btn'), 20);

    expect(posts()[0].url).toMatch(/\/applications\/2\/return$/);
    expect(posts()[0].data).toEqual({ version: 3, missing: ['户口簿', '银行账户信息', '2026年10月工资流水', '村委会证明'] });
  });

  test('入户调查: date, two staff and the verified household (yuan → fen), with the findings', async () => {
    await open(f.detail({ status: 'accepted', allowed_actions: ['investigate'] }));
    await tap(q('.action-investigate'));

    // the declared household is there to be corrected
    expect(comp.querySelectorAll('.member-box')).toHaveLength(2);
    await tap(q('.submit-btn'));
    expect(text(q('.error-visited_on'))).toBe('请选择入户调查的日期');
    expect(text(q('.error-staff'))).toBe('入户调查须由至少两名工作人员进行，请填写两人姓名');
    expect(posts()).toHaveLength(0);

    const visited = f.day(0);
    await change(q('.date-picker'), visited);
    await type(q('.staff-0'), '周丽萍');
    await type(q('.staff-1'), '陈建国');
    await type(q('.member-1 .member-income'), '820.5');
    await type(q('.financial-input'), '3000');
    await type(q('.notes-input'), '住房简陋，配偶打零工');
    await tap(q('.submit-btn'), 20);

    const req = posts()[0];
    expect(req.url).toMatch(/\/applications\/2\/investigate$/);
    expect(req.data).toEqual({
      version: 3,
      visited_on: visited,
      staff: ['周丽萍', '陈建国'],
      members: [
        { relation: 'self', age: 70, monthly_income_fen: 15000 },
        { relation: 'spouse', age: 67, monthly_income_fen: 82050 },
      ],
      assets: { financial_fen: 300000, vehicles: 0, properties: 0 },
      notes: '住房简陋，配偶打零工',
    });
  });

  test('入户调查: the server 422 lands on the same fields (staff, a member, the date)', async () => {
    await open(f.detail({ status: 'accepted', allowed_actions: ['investigate'] }), {
      act: () =>
        f.fieldProblem({
          staff: ['入户调查须由至少两名工作人员进行，请填写两人姓名。'],
          'members.0.age': ['年龄应在 0 到 130 岁之间。'],
          visited_on: ['调查日期不能早于提交申请的日期。'],
        }),
    });
    await tap(q('.action-investigate'));
    await change(q('.date-picker'), f.day(0));
    await type(q('.staff-0'), '周丽萍');
    await type(q('.staff-1'), '陈建国');
    await tap(q('.submit-btn'), 20);

    expect(text(q('.error-staff'))).toBe('入户调查须由至少两名工作人员进行，请填写两人姓名。');
    expect(text(q('.member-0 .error-member-age'))).toBe('年龄应在 0 到 130 岁之间。');
    expect(text(q('.error-visited_on'))).toBe('调查日期不能早于提交申请的日期。');
    expect(q('.action-form')).toBeTruthy(); // what was typed stays
  });

  test('审核: a proposal to reject needs reasons; a proposal to approve sends the decision', async () => {
    await open(f.detail({ status: 'investigated', allowed_actions: ['review'] }));
    await tap(q('.action-review'));
    await tap(q('.submit-btn'));
    expect(text(q('.error-decision'))).toBe('请选择提议批准还是提议不予批准');

    await tap(q('.decision-reject'));
    await tap(q('.submit-btn'));
    expect(text(q('.error-reasons'))).toBe('提议不予批准时，请写明理由');
    expect(posts()).toHaveLength(0);

    await tap(q('.decision-approve'));
    await tap(q('.submit-btn'), 20);
    expect(posts()[0].url).toMatch(/\/applications\/2\/review$/);
    expect(posts()[0].data).toEqual({ version: 3, decision: 'approve' });
    expect(text(q('.page-notice'))).toContain('已提议批准，开始公示');
  });

  test('不予批准 (county): reasons required, asked once more, sent with the version', async () => {
    await open(f.detail({ status: 'reviewed', allowed_actions: ['reject'] }));
    await tap(q('.action-reject'));
    await tap(q('.submit-btn'));
    expect(text(q('.error-reasons'))).toBe('不予批准须写明理由，将书面告知申请人');

    await type(q('.reasons-input'), '家庭存款超过规定');
    await tap(q('.submit-btn'), 20);

    expect(fake.modals[0].content).toContain('书面告知申请人');
    expect(posts()[0].url).toMatch(/\/applications\/2\/reject$/);
    expect(posts()[0].data).toEqual({ version: 3, reasons: '家庭存款超过规定' });
  });

  test('批准 (county) is asked once more; saying no sends nothing', async () => {
    await open(f.detail({ status: 'in_notice', allowed_actions: ['approve', 'reject'], proposal: 'approve', proposed_amount_fen: 76000 }));
    jest.spyOn(global.wx, 'showModal').mockImplementation((o) => o.success({ confirm: false, cancel: true }));
    await tap(q('.action-approve'));
    expect(text(q('.proposed'))).toBe('760 元');
    await tap(q('.submit-btn'), 20);
    expect(posts()).toHaveLength(0);

    jest.restoreAllMocks();
    await tap(q('.submit-btn'), 20);
    expect(posts()[0].url).toMatch(/\/applications\/2\/approve$/);
    expect(posts()[0].data).toEqual({ version: 3 });
  });

  test('先行救助: typed in yuan, sent in fen, on the pay-first path', async () => {
    await open(f.detail({ program: 'temporary', emergency: true, allowed_actions: ['accept', 'return', 'pay_first'] }));
    await tap(q('.action-pay_first'));
    await type(q('.amount-input'), '500.5');
    await tap(q('.submit-btn'), 20);

    expect(posts()[0].url).toMatch(/\/applications\/2\/pay-first$/);
    expect(posts()[0].data).toEqual({ version: 3, amount_fen: 50050 });
  });

  test('先行救助: a nonsense amount is caught on the phone; the server limit comes back on the field', async () => {
    await open(f.detail({ program: 'temporary', emergency: true, allowed_actions: ['pay_first'] }), {
      act: () => f.fieldProblem({ amount_fen: ['先行救助金额应在 0.01 到 1000 元之间。'] }),
    });
    await tap(q('.action-pay_first'));
    await type(q('.amount-input'), '5.555');
    await tap(q('.submit-btn'));
    expect(text(q('.error-amount_fen'))).toBe('金额最多填到分（小数点后两位）');
    expect(posts()).toHaveLength(0);

    await type(q('.amount-input'), '5000');
    await tap(q('.submit-btn'), 20);
    expect(text(q('.error-amount_fen'))).toBe('先行救助金额应在 0.01 到 1000 元之间。');
  });

  test('a stale version (409): the page reloads, says so, and the next try carries the new version', async () => {
    let first = true;
    await open(f.detail(), {
      act: (req) => {
        if (first) {
          first = false;
          current = f.detail({ version: 4, updated_at: f.iso(0) }); // someone else edited meanwhile
          return f.problem(409, '这份申请已被他人更新，请刷新后再操作。', 'stale_version', { version: 4 });
        }
        return f.ok(Object.assign({}, current, { status: 'accepted', version: req.data.version + 1 }));
      },
    });
    await tap(q('.action-accept'));
    await tap(q('.submit-btn'), 25);

    expect(text(q('.page-notice'))).toContain('这份申请刚刚被其他工作人员办理或修改过，已为您刷新为最新内容');
    expect(fake.requestsTo('/assistance/applications/2')).toHaveLength(2);
    expect(q('.action-form')).toBeTruthy(); // 受理 is still allowed: the form stays

    await tap(q('.submit-btn'), 25);
    expect(posts().map((r) => r.data.version)).toEqual([3, 4]);
  });

  test('a wrong state (409): someone moved it on — the page reloads and shows the actions left', async () => {
    await open(f.detail(), {
      act: () => {
        current = f.detail({ status: 'accepted', status_name: '已受理，待入户调查', version: 4, allowed_actions: [] });
        return f.problem(409, '这份申请当前状态为“已受理，待入户调查”，不能受理。', 'wrong_state', { allowed_actions: [] });
      },
    });
    await tap(q('.action-accept'));
    await tap(q('.submit-btn'), 25);

    expect(text(q('.page-notice'))).toContain('不能受理。已为您刷新为最新状态。');
    expect(text(q('.status'))).toBe('已受理，待入户调查');
    expect(q('.action-form')).toBeFalsy();
    expect(comp.querySelectorAll('.action-btn')).toHaveLength(0);
  });

  test('another level step (403) and a notice still running (409) are said as the server says them', async () => {
    await open(f.detail({ status: 'in_notice', allowed_actions: ['approve'] }), {
      act: () => f.problem(409, '公示期到 2026-12-07 才结束，结束后才能作出决定。', 'notice_not_over'),
    });
    await tap(q('.action-approve'));
    await tap(q('.submit-btn'), 20);
    expect(text(q('.form-error'))).toBe('公示期到 2026-12-07 才结束，结束后才能作出决定。');
    comp.detach();

    await open(f.detail(), { act: () => f.problem(403, '这一步需要更高一级的工作人员办理。', 'level_too_low') });
    await tap(q('.action-accept'));
    await tap(q('.submit-btn'), 20);
    expect(text(q('.form-error'))).toBe('这一步需要更高一级的工作人员办理。');
    expect(fake.toasts.map((t) => t.title)).toContain('这一步需要更高一级的工作人员办理。');
  });

  test('提交 (a filing of the worker, 代办) carries one Idempotency-Key for every attempt', async () => {
    let attempts = 0;
    await open(f.detail({ status: 'returned', agent_id: 3, allowed_actions: ['submit', 'withdraw'] }), {
      act: () => {
        attempts += 1;
        return attempts === 1 ? { fail: 'request:fail timeout' } : f.ok(Object.assign({}, current, { status: 'submitted', version: 4 }));
      },
    });
    await tap(q('.action-submit'));
    await tap(q('.submit-btn'), 20);
    expect(text(q('.form-error'))).toBe('请求超时，请稍后再试');

    await tap(q('.submit-btn'), 20);
    const keys = posts().map((r) => r.header['Idempotency-Key']);
    expect(posts()[0].url).toMatch(/\/applications\/2\/submit$/);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^submit-/);
    expect(keys[1]).toBe(keys[0]);
  });

  test('取消 closes the form without sending', async () => {
    await open();
    await tap(q('.action-return'));
    await tap(q('.cancel-btn'));
    expect(q('.action-form')).toBeFalsy();
    expect(posts()).toHaveLength(0);
  });
});
