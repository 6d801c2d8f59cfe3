// 志愿服务核验 (packageWorker/pages/logs), 捐赠确认 (pages/gifts) and 登记现场捐赠 (pages/counter): approve and
// reject with a reason, confirm and void with a reason, and a counter gift logged once with its idempotency key.
const { launchApp, render, settle, text } = require('./helpers/pages');
const { loadFresh, tap, type, allText } = require('./helpers/worker');
const f = require('./fixtures/worker');

const fake = global.fakeWx;
const ids = {};
let comp;

const all = (selector) => allText(comp, selector);
const q = (selector) => comp.querySelector(selector);
const posts = () => fake.requests.filter((r) => r.method === 'POST');

function server(over = {}) {
  return (req) => {
    const path = f.pathOf(req);
    if (over[path]) return over[path](req);
    if (path === '/charity/campaigns') return f.ok([f.campaign(), f.campaign({ id: 1, name: '2013年慈善一日捐', open: false })]);
    if (req.header.Authorization !== 'Bearer access-1') return f.problem(401, '请先登录。', 'token_missing');
    if (path === '/emergencies') return f.ok([]);
    if (path === '/timebank/service-logs') {
      return f.ok([
        f.serviceLog(),
        f.serviceLog({ id: 12, minutes: 60, description: '上门打扫卫生', confirmed_at: null }),
        f.serviceLog({ id: 13, minutes: 120, description: '社区活动签到签退', needs_confirmation: false, confirmed_at: null, served_name: null }),
      ]);
    }
    let m = /^\/timebank\/service-logs\/(\d+)\/(approve|reject)$/.exec(path);
    if (m) {
      const log = f.serviceLog({ id: Number(m[1]) });
      return m[2] === 'approve'
        ? f.ok(Object.assign(log, { status: 'approved', credited_minutes: 60, to_fund_minutes: 30 }))
        : f.ok(Object.assign(log, { status: 'rejected', reject_reason: req.data.reason }));
    }
    if (path === '/charity/donations' && req.method === 'GET') {
      return f.ok([
        f.donation(),
        f.donation({ id: 442, kind: 'goods', amount_fen: 50000, amount_text: '500.00 元', channel: null, description: '大米', quantity: 10, unit: '袋', donor_name: '衢州粮油公司', status: 'received', status_name: '已收到' }),
        f.donation({ id: 443, status: 'confirmed', status_name: '已确认', receipt_number: 'CS-2026-000012' }),
      ]);
    }
    if (path === '/charity/donations' && req.method === 'POST') {
      return f.ok(f.donation(Object.assign({ id: 450, status: 'received', status_name: '已收到' }, req.data, { amount_text: '200.00 元' })), 201);
    }
    m = /^\/charity\/donations\/(\d+)\/(confirm|void)$/.exec(path);
    if (m) {
      const gift = f.donation({ id: Number(m[1]) });
      return m[2] === 'confirm'
        ? f.ok(Object.assign(gift, { status: 'confirmed', status_name: '已确认', receipt_number: 'CS-2026-000013' }))
        : f.ok(Object.assign(gift, { status: 'voided', status_name: '已作废', void_reason: req.data.reason }));
    }
    return f.problem(404, '没有找到您要的内容。', 'not_found');
  };
}

async function open(page, options = {}) {
  comp = render(ids[page]);
  await comp.instance.onLoad(options);
  await settle(12);
}

beforeAll(() => {
  launchApp();
  ids.logs = loadFresh('packageWorker/pages/logs/index', 'worker-logs');
  ids.gifts = loadFresh('packageWorker/pages/gifts/index', 'worker-gifts');
  ids.counter = loadFresh('packageWorker/pages/counter/index', 'worker-counter');
});

beforeEach(() => {
  fake.reset();
  fake.storage.tokens = f.TOKENS;
  fake.respond = server();
  launchApp();
});

afterEach(() => {
  if (comp) comp.detach();
  jest.restoreAllMocks();
  comp = null;
});

describe('志愿服务核验', () => {
  test('the pending logs in scope: what, who, for whom, when, how long, and whether the person served confirmed', async () => {
    await open('logs');

    expect(fake.requestsTo('/timebank/service-logs')[0].data).toEqual({ page: 1, page_size: 20, status: 'pending' });
    expect(all('.log-title')).toEqual(['陪王奶奶去医院复查', '上门打扫卫生', '社区活动签到签退']);
    expect(text(q('.log-11 .log-volunteer'))).toBe('李**');
    expect(text(q('.log-11 .log-served'))).toBe('王**');
    expect(text(q('.log-11 .log-date'))).toBe('2026年11月28日');
    expect(text(q('.log-11 .log-hours'))).toBe('1.5 小时');
    expect(text(q('.log-11 .log-confirmation'))).toMatch(/^被服务人已确认/);
    // not confirmed yet: no 通过, and the reason is said
    expect(text(q('.log-12 .log-confirmation'))).toBe('等待被服务人（或家属）确认，确认后才能通过');
    expect(q('.log-12 .approve-btn')).toBeFalsy();
    expect(q('.log-12 .reject-btn')).toBeTruthy();
    expect(text(q('.log-13 .log-confirmation'))).toBe('志愿者签到签退记录，无需被服务人确认');
    expect(q('.log-13 .approve-btn')).toBeTruthy();
  });

  test('通过 asks first, then approves, and says how much was banked (and what went to the fund)', async () => {
    await open('logs');
    await tap(q('.log-11 .approve-btn'));

    expect(fake.modals[0].content).toBe('志愿者李**于2026年11月28日为王**服务 1.5 小时。核实无误后通过，时长将存入时间银行。确定通过吗？');
    expect(posts()[0].url).toMatch(/\/timebank\/service-logs\/11\/approve$/);
    expect(text(q('.log-11 .log-status'))).toBe('已通过');
    expect(text(q('.log-11 .log-result'))).toBe('已通过，存入 1 小时；超出余额上限的 0.5 小时转入时间银行公益基金');
    expect(q('.log-11 .approve-btn')).toBeFalsy();
  });

  test('不通过 needs a reason, then sends it', async () => {
    await open('logs');
    await tap(q('.log-12 .reject-btn'));
    await tap(q('.log-12 .confirm-reject-btn'));
    expect(text(q('.error-reason'))).toBe('请写明不通过的原因，志愿者会看到');
    expect(posts()).toHaveLength(0);

    await type(q('.log-12 .reason-input'), '服务时长与签到记录不符');
    await tap(q('.log-12 .confirm-reject-btn'));

    expect(posts()[0].url).toMatch(/\/timebank\/service-logs\/12\/reject$/);
    expect(posts()[0].data).toEqual({ reason: '服务时长与签到记录不符' });
    expect(text(q('.log-12 .log-status'))).toBe('未通过');
    expect(text(q('.log-12 .log-reason'))).toBe('不通过原因：服务时长与签到记录不符');
  });

  test('someone decided first (409): the list reloads and says so; my own log (403) is said plainly', async () => {
    fake.respond = server({ '/timebank/service-logs/11/approve': () => f.problem(409, '这条服务记录已经审核过了。', 'wrong_state') });
    await open('logs');
    await tap(q('.log-11 .approve-btn'));
    expect(text(q('.page-notice'))).toContain('这条服务记录已经审核过了。已刷新列表。');
    expect(fake.requestsTo('/timebank/service-logs')).toHaveLength(2);
    comp.detach();

    fake.respond = server({ '/timebank/service-logs/11/approve': () => f.problem(403, '不能审核自己的服务记录。', 'own_log') });
    await open('logs');
    await tap(q('.log-11 .approve-btn'));
    expect(text(q('.log-11 .log-error'))).toBe('不能审核自己的服务记录。');
  });

  test('the filters ask for approved and rejected logs', async () => {
    await open('logs');
    await tap(q('.filter-approved'));
    expect(fake.requestsTo('/timebank/service-logs')[1].data.status).toBe('approved');
  });

  test('a resident who reaches the page gets the server 403 message', async () => {
    fake.respond = server({ '/emergencies': () => f.FORBIDDEN });
    await open('logs');
    expect(text(q('.gate').querySelector('.gate-message'))).toBe('您没有权限进行此操作。');
    expect(fake.requestsTo('/timebank/service-logs')).toHaveLength(0);
  });
});

describe('捐赠确认', () => {
  test('the gifts in scope, money and goods in words, with the campaign and what can be done in each state', async () => {
    await open('gifts');

    expect(fake.requestsTo('/charity/donations')[0].data).toEqual({ page: 1, page_size: 20, status: 'pledged' });
    expect(all('.gift-what')).toEqual(['100.50 元（微信）', '大米 10 袋（估价 500 元）', '100.50 元（微信）']);
    expect(all('.gift-status')).toEqual(['已登记', '已收到', '已确认']);
    expect(text(q('.gift-441 .gift-campaign'))).toBe('2026年慈善一日捐');
    expect(q('.gift-441 .confirm-btn')).toBeTruthy();
    expect(q('.gift-442 .confirm-btn')).toBeTruthy();
    expect(q('.gift-443 .confirm-btn')).toBeFalsy(); // confirmed: only 作废 is left
    expect(q('.gift-443 .void-btn')).toBeTruthy();
    expect(text(q('.gift-443 .gift-receipt'))).toBe('CS-2026-000012');
  });

  test('确认收到 asks first, confirms, and shows the receipt number', async () => {
    await open('gifts');
    await tap(q('.gift-441 .confirm-btn'));

    expect(fake.modals[0].content).toBe('王秀英：100.50 元（微信）。确认已经到账或收到物资吗？确认后开具捐赠收据，并计入募捐合计。');
    expect(posts()[0].url).toMatch(/\/charity\/donations\/441\/confirm$/);
    expect(text(q('.gift-441 .gift-status'))).toBe('已确认');
    expect(text(q('.gift-441 .gift-receipt'))).toBe('CS-2026-000013');
  });

  test('作废 needs a reason, warns about a confirmed gift, and sends the reason', async () => {
    await open('gifts');
    await tap(q('.gift-443 .void-btn'));
    expect(text(q('.gift-443 .field-hint'))).toContain('作废后会从募捐合计中扣除');
    await tap(q('.gift-443 .confirm-void-btn'));
    expect(text(q('.error-reason'))).toBe('请写明作废的原因，会记入捐赠记录');

    await type(q('.gift-443 .reason-input'), '重复登记');
    await tap(q('.gift-443 .confirm-void-btn'));

    expect(posts()[0].url).toMatch(/\/charity\/donations\/443\/void$/);
    expect(posts()[0].data).toEqual({ reason: '重复登记' });
    expect(text(q('.gift-443 .gift-status'))).toBe('已作废');
    expect(text(q('.gift-443 .gift-void-reason'))).toBe('作废原因：重复登记');
  });

  test('a gift already given out cannot be voided: the server says why, on the gift', async () => {
    fake.respond = server({
      '/charity/donations/443/void': () => f.problem(409, '这笔捐款已经用于支出，不能作废。', 'already_disbursed'),
    });
    await open('gifts');
    await tap(q('.gift-443 .void-btn'));
    await type(q('.gift-443 .reason-input'), '重复登记');
    await tap(q('.gift-443 .confirm-void-btn'));
    expect(text(q('.gift-443 .gift-error'))).toBe('这笔捐款已经用于支出，不能作废。');
  });

  test('the filters and 登记现场捐赠', async () => {
    await open('gifts');
    await tap(q('.filter-all'));
    expect(fake.requestsTo('/charity/donations')[1].data).toEqual({ page: 1, page_size: 20 });
    await tap(q('.counter-btn'));
    expect(fake.navigations[0].url).toBe('/packageWorker/pages/counter/index');
  });
});

describe('登记现场捐赠', () => {
  test('only open campaigns are offered; the donor is required; the gift is logged with an idempotency key', async () => {
    await open('counter');

    expect(all('.campaign-option')).toEqual(['●2026年慈善一日捐已选']);
    await tap(q('.submit-btn'));
    expect(text(q('.error-donor_name'))).toBe('请填写捐赠人姓名或单位名称，收据上会写这个名字');
    expect(text(q('.error-amount_fen'))).toBe('请填写捐款金额');
    expect(posts()).toHaveLength(0);

    await type(q('.donor-input'), '张大爷');
    await type(q('.amount-input'), '200');
    await tap(q('.submit-btn'));

    const req = posts()[0];
    expect(req.url).toMatch(/\/charity\/donations$/);
    expect(req.data).toEqual({ campaign_id: 2, kind: 'money', anonymous: false, amount_fen: 20000, channel: 'cash', donor_name: '张大爷' });
    expect(req.header['Idempotency-Key']).toMatch(/^counter-/);
    expect(text(q('.done-donor'))).toBe('张大爷');
    expect(text(q('.done-status'))).toBe('已收到');
  });

  test('a lost answer: 重新提交 sends the same key, so the gift is logged once; the next gift gets a new key', async () => {
    let attempts = 0;
    const real = server();
    fake.respond = (req) => {
      if (req.method === 'POST' && f.pathOf(req) === '/charity/donations') {
        attempts += 1;
        if (attempts === 1) return { fail: 'request:fail timeout' };
      }
      return real(req);
    };
    await open('counter');
    await tap(q('.kind-goods'));
    await type(q('.donor-input'), '衢州粮油公司');
    await type(q('.description-input'), '大米');
    await type(q('.quantity-input'), '10');
    await type(q('.unit-input'), '袋');
    await type(q('.value-input'), '500');
    await tap(q('.submit-btn'));

    expect(text(q('.submit-btn'))).toBe('重新提交');
    expect(text(q('.form-error'))).toContain('不会重复登记');
    await tap(q('.submit-btn'));

    const keys = posts().map((r) => r.header['Idempotency-Key']);
    expect(keys[1]).toBe(keys[0]);
    expect(posts()[1].data).toMatchObject({ kind: 'goods', description: '大米', quantity: 10, unit: '袋', estimated_value_fen: 50000 });

    await tap(q('.again-btn'));
    await type(q('.donor-input'), '李四');
    await tap(q('.kind-money'));
    await type(q('.amount-input'), '50');
    await tap(q('.submit-btn'));
    expect(posts()[2].header['Idempotency-Key']).not.toBe(keys[0]);
  });

  test('the server 422 lands on the same fields', async () => {
    fake.respond = server({ '/charity/donations': (req) => (req.method === 'POST' ? f.fieldProblem({ donor_name: ['请填写捐赠人姓名或单位名称。'] }) : f.ok([])) });
    await open('counter');
    await type(q('.donor-input'), ' x ');
    await type(q('.amount-input'), '10');
    await tap(q('.submit-btn'));
    expect(text(q('.error-donor_name'))).toBe('请填写捐赠人姓名或单位名称。');
  });

  test('a resident who reaches the page gets the server 403 and cannot log a gift as their own', async () => {
    fake.respond = server({ '/emergencies': () => f.FORBIDDEN });
    await open('counter');
    expect(text(q('.gate').querySelector('.gate-message'))).toBe('您没有权限进行此操作。');
    expect(q('.submit-btn')).toBeFalsy();
  });
});
