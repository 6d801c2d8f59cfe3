// 工作台 entry (packageWorker/pages/index) and 我的待办 (packageWorker/pages/queue): only a worker gets in (the
// server's 403 is shown as it is), the tasks with their counts, overdue applications first, and the filters.
const { launchApp, render, settle, text } = require('./helpers/pages');
const { loadFresh, tap } = require('./helpers/worker');
const f = require('./fixtures/worker');

const fake = global.fakeWx;
const ids = {};
let comp;

const all = (selector) => comp.querySelectorAll(selector).map(text);

/** The worker API as the demo server answers a community worker; `over` replaces answers by path. */
function server(over = {}) {
  return (req) => {
    const path = f.pathOf(req);
    if (over[path]) return over[path](req);
    if (req.header.Authorization !== 'Bearer access-1' && path !== '/auth/wechat') return f.problem(401, '请先登录。', 'token_missing');
    if (path === '/emergencies') return f.ok([f.emergency()]);
    if (path === '/me') return f.ok(f.me());
    if (path === '/assistance/applications') {
      return f.ok([
        f.application({ id: 9, number: 'LS-330802-2026-000004', program: 'temporary', overdue: true, due_on: f.day(-3), emergency: true }),
        f.application({ id: 2 }),
        f.application({ id: 4, status: 'accepted', status_name: '已受理，待入户调查', allowed_actions: [], due_on: f.day(20), applicant_name: '赵**' }),
      ]);
    }
    if (path === '/timebank/service-logs') return f.ok([f.serviceLog(), f.serviceLog({ id: 12 })]);
    if (path === '/charity/donations') return f.ok(req.data.status === 'pledged' ? [f.donation()] : [f.donation({ id: 442 }), f.donation({ id: 443 })]);
    if (path === '/auth/wechat') return f.ok(Object.assign({ user: { id: 3 } }, f.TOKENS));
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
  ids.index = loadFresh('packageWorker/pages/index/index', 'worker-index');
  ids.queue = loadFresh('packageWorker/pages/queue/index', 'worker-queue');
});

beforeEach(() => {
  fake.reset();
  fake.storage.tokens = f.TOKENS;
  fake.respond = server();
  launchApp();
});

afterEach(() => {
  if (comp) comp.detach();
  comp = null;
});

describe('工作台', () => {
  test('lists the tasks with their counts, the overdue said in words, and who is working', async () => {
    await open('index');

    expect(text(comp.querySelector('.who'))).toBe('周** · 社区（村）工作人员');
    expect(all('.task-title')).toEqual(['救助审核', '志愿服务核验', '捐赠确认', '登记现场捐赠', '应急：避灾点人数']);
    expect(text(comp.querySelector('.task-queue .task-count'))).toBe('3 件待办');
    expect(text(comp.querySelector('.task-queue .task-alert'))).toBe('其中 1 件已逾期');
    expect(text(comp.querySelector('.task-logs .task-count'))).toBe('2 条待审核');
    expect(text(comp.querySelector('.task-gifts .task-count'))).toBe('3 笔待确认');
    expect(text(comp.querySelector('.task-emergency .task-count'))).toBe('1 个应急响应进行中');
    expect(text(comp.querySelector('.banner'))).toContain('应急响应中：2026年第5号台风（台风）');
    // the counts ask the server's worker lists, a full page of each
    expect(fake.requestsTo('/assistance/applications')[0].data).toEqual({ page: 1, page_size: 100 });
    expect(fake.requestsTo('/timebank/service-logs')[0].data).toEqual({ page: 1, page_size: 100, status: 'pending' });
    expect(fake.requestsTo('/charity/donations').map((r) => r.data.status).sort()).toEqual(['pledged', 'received']);
  });

  test('a tap on a task or the emergency banner opens it', async () => {
    await open('index');

    await tap(comp.querySelector('.task-queue'));
    await tap(comp.querySelector('.task-counter'));
    await tap(comp.querySelector('.emergency-1'));

    expect(fake.navigations.map((n) => n.url)).toEqual([
      '/packageWorker/pages/queue/index',
      '/packageWorker/pages/counter/index',
      '/packageWorker/pages/emergency/index?id=1',
    ]);
  });

  test('not a worker: the server says 403 and its message is shown plainly, with no task and no other request', async () => {
    fake.respond = server({ '/emergencies': () => f.FORBIDDEN });
    await open('index');

    const gate = comp.querySelector('.gate');
    expect(text(gate.querySelector('.gate-message'))).toBe('您没有权限进行此操作。');
    expect(text(gate)).toContain('工作台只对社区（村）、乡镇（街道）和县（市、区）民政工作人员开放');
    expect(comp.querySelector('.task')).toBeFalsy();
    expect(fake.requestsTo('/assistance/applications')).toHaveLength(0);
    expect(fake.requestsTo('/charity/donations')).toHaveLength(0);
  });

  test('not logged in: the login card, then the tasks after 微信登录', async () => {
    delete fake.storage.tokens;
    await open('index');

    expect(text(comp.querySelector('.gate').querySelector('.gate-title'))).toBe('请先登录');
    expect(fake.requestsTo('/emergencies')).toHaveLength(0);

    await tap(comp.querySelector('.gate').querySelector('.gate-login'), 25);

    expect(fake.requestsTo('/auth/wechat')).toHaveLength(1);
    expect(comp.querySelectorAll('.task')).toHaveLength(5);
  });

  test('a count that cannot be read says so; the other tasks still open', async () => {
    fake.respond = server({ '/timebank/service-logs': () => f.problem(503, '服务暂时不可用，请稍后再试。', 'service_unavailable') });
    await open('index');

    expect(text(comp.querySelector('.task-logs .task-count'))).toBe('暂时无法统计');
    expect(text(comp.querySelector('.task-queue .task-count'))).toBe('3 件待办');
  });

  test('no network: says so, and 重新加载 tries again', async () => {
    fake.networkType = 'none';
    fake.respond = () => ({ fail: 'request:fail' });
    await open('index');
    expect(text(comp.querySelector('.error-box'))).toContain('网络未连接，请检查网络后重试');

    fake.networkType = 'wifi';
    fake.respond = server();
    await tap(comp.querySelector('.retry-btn'));
    expect(comp.querySelectorAll('.task')).toHaveLength(5);
  });

  test('关怀模式: the switch on the 工作台 puts the page in the large mode', async () => {
    await open('index');
    expect(comp.querySelector('.workbench').dom.className).not.toMatch(/\bcare\b/);

    await tap(comp.querySelector('.care-row'));

    expect(comp.querySelector('.workbench').dom.className).toMatch(/\bcare\b/);
    expect(fake.storage.careMode).toBe(true);
  });
});

describe('我的待办 (救助审核)', () => {
  test('the queue in the server order, overdue first with its words and a red border, each one tap from its detail', async () => {
    await open('queue');

    expect(all('.app-title')).toEqual(['临时救助 · 刘**', '最低生活保障（低保） · 刘**', '最低生活保障（低保） · 赵**']);
    expect(text(comp.querySelector('.application-9 .overdue-tag'))).toBe('已逾期');
    expect(text(comp.querySelector('.application-9 .app-deadline'))).toMatch(/^已逾期 3 天（期限 \d{4}年\d+月\d+日）$/);
    expect(comp.querySelector('.application-9').dom.className).toMatch(/item-overdue/);
    expect(text(comp.querySelector('.application-2 .app-deadline'))).toMatch(/^还剩 12 天/);
    expect(comp.querySelector('.application-2 .overdue-tag')).toBeFalsy();
    expect(text(comp.querySelector('.application-2 .item-open'))).toBe('查看并办理 ›');
    expect(text(comp.querySelector('.application-4 .item-open'))).toBe('查看详情 ›');

    await tap(comp.querySelector('.application-9'));
    expect(fake.navigations[0].url).toBe('/packageWorker/pages/application/index?id=9');
  });

  test('已逾期 asks the server for the overdue only; a stage asks for that status', async () => {
    await open('queue');
    await tap(comp.querySelector('.filter-overdue'));
    await tap(comp.querySelector('.filter-accepted'));

    const asked = fake.requestsTo('/assistance/applications').map((r) => r.data);
    expect(asked).toEqual([
      { page: 1, page_size: 20 },
      { page: 1, page_size: 20, overdue: 1 },
      { page: 1, page_size: 20, status: 'accepted' },
    ]);
    expect(comp.querySelector('.filter-accepted').dom.className).toMatch(/chip-on/);
  });

  test('opened from the 工作台 alert with overdue=1', async () => {
    await open('queue', { overdue: '1' });
    expect(fake.requestsTo('/assistance/applications')[0].data.overdue).toBe(1);
  });

  test('a full page offers 加载更多', async () => {
    const many = (start) => Array.from({ length: 20 }, (_, i) => f.application({ id: start + i }));
    fake.respond = server({ '/assistance/applications': (req) => f.ok(req.data.page === 1 ? many(100) : [f.application({ id: 500 })]) });
    await open('queue');
    expect(comp.querySelectorAll('.application')).toHaveLength(20);

    await tap(comp.querySelector('.more-btn'));
    expect(comp.querySelectorAll('.application')).toHaveLength(21);
    expect(comp.querySelector('.more-btn')).toBeFalsy();
  });

  test('a resident who reaches the page gets the server 403, not their own applications', async () => {
    fake.respond = server({ '/emergencies': () => f.FORBIDDEN });
    await open('queue');

    expect(text(comp.querySelector('.gate').querySelector('.gate-message'))).toBe('您没有权限进行此操作。');
    expect(fake.requestsTo('/assistance/applications')).toHaveLength(0);
  });

  test('nothing to do says so', async () => {
    fake.respond = server({ '/assistance/applications': () => f.ok([]) });
    await open('queue');
    expect(text(comp.querySelector('.empty'))).toBe('这里暂时没有需要办理的申请。');
  });
});
