const { settle, text, tap: tapAndSettle, usePage } = require('./helpers/pages');
const { account, redemption, REGIONS, problem, fieldProblem, ok, TOKENS } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

const ME = { id: 2, real_name: '李**', region_code: '330802001001', roles: ['resident', 'volunteer'], profile_complete: true };

function server({ redeem, mine = [redemption(), redemption({ id: 2, service: 'meal_help', service_name: '助餐送餐', status: 'done', recipient_name: '王*', recipient_relation: '父母' })], cancel } = {}) {
  return (req) => {
    if (req.url.endsWith('/timebank/account')) return ok(account());
    if (req.url.endsWith('/me')) return ok(ME);
    if (req.url.endsWith('/regions/330802001001')) return ok(REGIONS[330802001][0]);
    if (req.url.endsWith('/regions')) return ok(REGIONS[req.data.parent || 'top'] || []);
    if (req.url.endsWith('/timebank/redemptions') && req.method === 'GET') return ok(mine);
    if (req.url.endsWith('/timebank/redemptions') && req.method === 'POST') {
      return redeem ? redeem(req) : ok(redemption({ id: 3, service: req.data.service, minutes: req.data.minutes }), 201);
    }
    if (/\/timebank\/redemptions\/\d+\/cancel$/.test(req.url)) {
      return cancel ? cancel(req) : ok(redemption({ status: 'cancelled' }));
    }
    return problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const page = usePage('packageTimebank/pages/redeem/index', 'timebank-redeem', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.respond = server();
  },
});

async function open() {
  comp = await page.open({}, 15);
}

const tap = (node, rounds = 15) => tapAndSettle(node, rounds);
const type = async (selector, value) => {
  comp.querySelector(selector).dispatchEvent('input', { detail: { value } });
  await settle();
};
const pick = async (date) => {
  comp.querySelector('.date-picker').dispatchEvent('change', { detail: { value: date } });
  await settle();
};
const chip = (selector, label) => comp.querySelectorAll(selector).find((c) => text(c).replace('✓ ', '') === label);
const error = (field) => text(comp.querySelector(`.error-${field}`));
const posts = () => fake.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/timebank/redemptions'));

async function fill() {
  await tap(chip('.service-chip', '理发'));
  await pick('2030-01-02');
  await type('.place-input', '坊门街12号');
  await type('.hours-input', '1');
}

describe('申请养老服务', () => {
  test('shows the hours available and takes my region from my profile', async () => {
    await open();

    expect(text(comp.querySelector('.available'))).toBe('您现在可用：12.5 小时');
    expect(text(comp.querySelector('.region-name'))).toBe('坊门街社区');
    expect(text(comp.querySelector('.region-btn'))).toBe('更换地区');
    expect(comp.querySelectorAll('.service-chip')).toHaveLength(11);
  });

  test('an empty form is checked on the phone and nothing is sent', async () => {
    await open();

    await tap(comp.querySelector('.submit-btn'));

    expect(error('service')).toBe('请选择需要的服务');
    expect(error('wantedOn')).toBe('请选择希望服务的日期');
    expect(error('place')).toBe('请填写服务地点，例如家庭住址');
    expect(error('hours')).toBe('请填写小时数');
    expect(posts()).toHaveLength(0);
  });

  test('the server’s rules on the phone: not before today, whole half hours, at most 12 hours, a family member’s name', async () => {
    await open();
    await fill();
    await pick('2020-01-01');
    await type('.hours-input', '12.5');
    await tap(comp.querySelector('.for-family'));

    await tap(comp.querySelector('.submit-btn'));

    expect(error('wantedOn')).toBe('日期不能早于今天。');
    expect(error('hours')).toBe('一次最多 12 小时');
    expect(error('recipientName')).toBe('请填写家人的姓名');
    expect(posts()).toHaveLength(0);

    await type('.hours-input', '0.75');
    await tap(comp.querySelector('.submit-btn'));
    expect(error('hours')).toBe('以半小时为单位（30 分钟的整数倍）。');
  });

  test('asks for care for a family member: the form goes out in the server’s fields, with an Idempotency-Key', async () => {
    await open();
    await fill();
    await type('.hours-input', '1.5');
    await tap(comp.querySelector('.for-family'));
    await type('.recipient-input', '王秀英');
    await tap(chip('.relation-chip', '父母'));
    await type('.note-input', '老人行动不便');

    await tap(comp.querySelector('.submit-btn'));

    expect(posts()).toHaveLength(1);
    expect(posts()[0].data).toEqual({
      service: 'haircut',
      wanted_on: '2030-01-02',
      place: '坊门街12号',
      region_code: '330802001001',
      minutes: 90,
      recipient_name: '王秀英',
      recipient_relation: '父母',
      note: '老人行动不便',
    });
    expect(posts()[0].header['Idempotency-Key']).toMatch(/^tb-/);
    expect(text(comp.querySelector('.result'))).toContain('已为您预留 1.5 小时');
    expect(comp.data.service).toBe('');
    expect(fake.requestsTo('/timebank/redemptions').filter((r) => r.method === 'GET')).toHaveLength(2); // the list again
  });

  test('409 insufficient_balance shows the server’s message and the hours really available', async () => {
    fake.respond = server({
      redeem: () => problem(409, '可用时间不足：您现在可用 0.5 小时。', 'insufficient_balance', { available_minutes: 30 }),
    });
    await open();
    await fill();

    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.result'))).toBe('时间不够可用时间不足：您现在可用 0.5 小时。');
    expect(text(comp.querySelector('.available'))).toBe('您现在可用：0.5 小时');
    expect(comp.data.service).toBe('haircut'); // what was filled in stays
  });

  test('the server’s field errors (422 errors.json) land on the same fields', async () => {
    fake.respond = server({
      redeem: () => fieldProblem({ wanted_on: ['日期不能早于今天。'], minutes: ['以半小时为单位（30 分钟的整数倍）。'], region_code: ['没有这个地区。'] }),
    });
    await open();
    await fill();

    await tap(comp.querySelector('.submit-btn'));

    expect(error('wantedOn')).toBe('日期不能早于今天。');
    expect(error('hours')).toBe('以半小时为单位（30 分钟的整数倍）。');
    expect(error('region')).toBe('没有这个地区。');
  });

  test('the region can be changed step by step', async () => {
    await open();

    await tap(comp.querySelector('.region-btn'));
    const option = comp.querySelector('.regions').querySelectorAll('.picker-option').find((o) => text(o) === '衢江区');
    await tap(option);
    await tap(comp.querySelector('.region-done'));

    expect(text(comp.querySelector('.region-name'))).toBe('衢江区');
    await fill();
    await tap(comp.querySelector('.submit-btn'));
    expect(posts()[0].data.region_code).toBe('330803');
  });

  test('lists my requests with their state, and one still held can be cancelled', async () => {
    await open();

    const cards = comp.querySelectorAll('.request').map(text);
    expect(cards[0]).toContain('理发 · 1 小时');
    expect(cards[0]).toContain('已预留时间，等待安排');
    expect(cards[0]).toContain('2030年1月2日，坊门街12号');
    expect(cards[0]).toContain('为：本人');
    expect(cards[1]).toContain('服务已完成');
    expect(cards[1]).toContain('为：父母 王*');
    expect(comp.querySelectorAll('.cancel-request')).toHaveLength(1);

    await tap(comp.querySelector('.cancel-request'));

    const cancels = fake.requests.filter((r) => r.url.endsWith('/timebank/redemptions/1/cancel'));
    expect(cancels).toHaveLength(1);
    expect(cancels[0].method).toBe('POST');
    expect(fake.toasts.map((t) => t.title)).toContain('已取消，时间已退回');
  });

  test('a request already handled (409) says so on that request', async () => {
    fake.respond = server({ cancel: () => problem(409, '这个兑换申请已经处理过了。', 'wrong_state') });
    await open();

    await tap(comp.querySelector('.cancel-request'));

    expect(text(comp.querySelector('.request-1 .request-error'))).toBe('这个兑换申请已经处理过了。');
  });
});
