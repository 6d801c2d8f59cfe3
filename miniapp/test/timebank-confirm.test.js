const { text, tap, usePage } = require('./helpers/pages');
const { serviceLog, problem, ok, TOKENS } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

function server({ logs = [serviceLog(), serviceLog({ id: 12, minutes: 60, description: '上门打扫卫生', served_on: '2026-11-29' })], confirmAnswer } = {}) {
  return (req) => {
    if (req.url.endsWith('/timebank/service-logs')) return ok(logs);
    const m = /\/timebank\/service-logs\/(\d+)\/confirm$/.exec(req.url);
    if (m) {
      if (confirmAnswer) return confirmAnswer(req);
      const log = logs.find((l) => String(l.id) === m[1]);
      return ok(Object.assign({}, log, { confirmed_at: new Date().toISOString() }));
    }
    return problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const page = usePage('packageTimebank/pages/confirm/index', 'timebank-confirm', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.respond = server();
  },
});

async function open() {
  comp = await page.open();
}

const confirms = () => fake.requests.filter((r) => /\/confirm$/.test(r.url));

afterEach(() => {
  jest.restoreAllMocks();
});

describe('确认服务', () => {
  test('lists the service logged for me: what, who, for whom, when and how long', async () => {
    await open();

    expect(fake.requestsTo('/timebank/service-logs')[0].data).toEqual({ to_confirm: 1, page: 1, page_size: 50 });
    expect(comp.querySelectorAll('.log-title').map(text)).toEqual(['陪王奶奶去医院复查', '上门打扫卫生']);
    expect(text(comp.querySelector('.log-11'))).toContain('李**');
    expect(text(comp.querySelector('.log-11 .log-date'))).toBe('2026年11月28日');
    expect(text(comp.querySelector('.log-11 .log-hours'))).toBe('1.5 小时');
    expect(comp.querySelectorAll('.confirm-btn')).toHaveLength(2);
  });

  test('confirming asks first, then tells the server, and the log shows it is confirmed', async () => {
    await open();

    await tap(comp.querySelector('.log-11 .confirm-btn'));

    expect(fake.modals[0].content).toBe('志愿者李**于2026年11月28日为王**服务了 1.5 小时。确认属实吗？');
    expect(confirms()).toHaveLength(1);
    expect(confirms()[0].url).toMatch(/\/timebank\/service-logs\/11\/confirm$/);
    expect(confirms()[0].method).toBe('POST');
    expect(text(comp.querySelector('.log-11 .confirmed'))).toContain('已确认');
    expect(comp.querySelector('.log-11 .confirm-btn')).toBeFalsy();
    expect(comp.querySelector('.log-12 .confirm-btn')).toBeTruthy();
  });

  test('saying no in the dialog confirms nothing', async () => {
    await open();
    jest.spyOn(global.wx, 'showModal').mockImplementation((o) => o.success({ confirm: false, cancel: true }));

    await tap(comp.querySelector('.log-11 .confirm-btn'));

    expect(confirms()).toHaveLength(0);
  });

  test('a log already confirmed (409 already_confirmed) is shown as confirmed; another 409 is said', async () => {
    fake.respond = server({ confirmAnswer: () => problem(409, '您已经确认过了。', 'already_confirmed') });
    await open();
    await tap(comp.querySelector('.log-11 .confirm-btn'));
    expect(comp.querySelector('.log-11 .confirmed')).toBeTruthy();
    comp.detach();

    fake.respond = server({ confirmAnswer: () => problem(409, '这条服务记录已经审核过了。', 'wrong_state') });
    await open();
    await tap(comp.querySelector('.log-11 .confirm-btn'));
    expect(fake.toasts.map((t) => t.title)).toContain('这条服务记录已经审核过了。');
  });

  test('nothing to confirm says so; the hotline is offered when there is', async () => {
    await open();
    await tap(comp.querySelector('.hotline-btn'));
    expect(fake.phoneCalls[0].phoneNumber).toBe('96345');
    comp.detach();

    fake.respond = server({ logs: [] });
    await open();
    expect(text(comp.querySelector('.empty'))).toContain('没有需要您确认的服务');
    expect(comp.querySelector('.hotline-btn')).toBeFalsy();
  });
});
