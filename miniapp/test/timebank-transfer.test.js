const { settle, text, tap, usePage } = require('./helpers/pages');
const { account, problem, fieldProblem, ok, TOKENS } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

const NO_MATCH = '没有找到手机号和姓名都相符的已实名用户，请让家人先在小程序完成实名登记。';

function server({ transfer } = {}) {
  return (req) => {
    if (req.url.endsWith('/timebank/account')) return ok(account());
    if (req.url.endsWith('/timebank/transfers')) {
      return transfer
        ? transfer(req)
        : ok({ id: 3, to_user_id: 1, minutes: req.data.minutes, relation: req.data.relation || null, created_at: new Date().toISOString() }, 201);
    }
    return problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const page = usePage('packageTimebank/pages/transfer/index', 'timebank-transfer', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.respond = server();
  },
});

async function open() {
  comp = await page.open();
}

const type = async (selector, value) => {
  comp.querySelector(selector).dispatchEvent('input', { detail: { value } });
  await settle();
};
const fill = async ({ phone = '138 0000 0001', name = '王建国', hours = '1.5' } = {}) => {
  await type('.phone-input', phone);
  await type('.name-input', name);
  await type('.hours-input', hours);
};
const transfers = () => fake.requestsTo('/timebank/transfers');
const error = (field) => text(comp.querySelector(`.error-${field}`));

afterEach(() => {
  jest.restoreAllMocks();
});

describe('转赠给家人', () => {
  test('shows the hours I can give', async () => {
    await open();

    expect(text(comp.querySelector('.balance'))).toBe('您现在可用：12.5 小时');
  });

  test('an empty form is checked on the phone: mobile, name and hours each say what is wrong', async () => {
    await open();

    await tap(comp.querySelector('.submit-btn'));

    expect(error('phone')).toBe('请填写 11 位手机号码。');
    expect(error('realName')).toBe('请填写家人的真实姓名');
    expect(error('hours')).toBe('请填写小时数');
    expect(fake.modals).toHaveLength(0);
    expect(transfers()).toHaveLength(0);
  });

  test('the same rules as the server: an 11-digit mobile and whole half hours', async () => {
    await open();

    await fill({ phone: '1380000', hours: '1.25' });
    await tap(comp.querySelector('.submit-btn'));
    expect(error('phone')).toBe('请填写 11 位手机号码。');
    expect(error('hours')).toBe('以半小时为单位（30 分钟的整数倍）。');

    await fill({ phone: '23800000001', hours: '0' });
    await tap(comp.querySelector('.submit-btn'));
    expect(error('phone')).toBe('请填写 11 位手机号码。');
    expect(error('hours')).toBe('至少半小时');

    await fill({ hours: '两小时' });
    await tap(comp.querySelector('.submit-btn'));
    expect(error('hours')).toBe('请填写数字，例如 2 或 1.5');
    expect(transfers()).toHaveLength(0);
  });

  test('typing in a field clears its error', async () => {
    await open();
    await tap(comp.querySelector('.submit-btn'));

    await type('.phone-input', '1');

    expect(comp.querySelector('.error-phone')).toBeFalsy();
    expect(error('hours')).toBe('请填写小时数');
  });

  test('asks to confirm, then gives the hours in minutes with an Idempotency-Key', async () => {
    await open();
    await fill();
    await tap(comp.querySelectorAll('.relation-chip')[0]);

    await tap(comp.querySelector('.submit-btn'));

    expect(fake.modals).toHaveLength(1);
    expect(fake.modals[0].title).toBe('确认转赠');
    expect(fake.modals[0].content).toBe('将 1.5 小时转赠给父母 王建国（手机 13800000001）。转出后不能撤回，确定吗？');
    expect(transfers()).toHaveLength(1);
    expect(transfers()[0].method).toBe('POST');
    expect(transfers()[0].data).toEqual({ phone: '13800000001', real_name: '王建国', minutes: 90, relation: '父母' });
    expect(transfers()[0].header['Idempotency-Key']).toMatch(/^tb-/);
    expect(text(comp.querySelector('.result'))).toBe('转赠成功已把 1.5 小时转赠给 王建国。对方会收到通知，可以用这些时间申请养老服务。');
    expect(comp.data.phone).toBe('');
    expect(comp.data.hours).toBe('');
  });

  test('saying no in the dialog sends nothing', async () => {
    await open();
    await fill();
    jest.spyOn(global.wx, 'showModal').mockImplementation((o) => o.success({ confirm: false, cancel: true }));

    await tap(comp.querySelector('.submit-btn'));

    expect(transfers()).toHaveLength(0);
  });

  test('a double tap asks once and gives once', async () => {
    await open();
    await fill();

    const button = comp.querySelector('.submit-btn');
    button.dispatchEvent('tap');
    button.dispatchEvent('tap');
    await settle(10);

    expect(fake.modals).toHaveLength(1);
    expect(transfers()).toHaveLength(1);
  });

  test('the server’s field errors (422 errors.json) land on the same fields; minutes on the hours field', async () => {
    fake.respond = server({
      transfer: () => fieldProblem({ phone: [NO_MATCH], minutes: ['以半小时为单位（30 分钟的整数倍）。'] }, `请检查手机号码：${NO_MATCH}`),
    });
    await open();
    await fill();

    await tap(comp.querySelector('.submit-btn'));

    expect(error('phone')).toBe(NO_MATCH);
    expect(error('hours')).toBe('以半小时为单位（30 分钟的整数倍）。');
    expect(comp.querySelector('.phone-input').dom.className).toMatch(/input-error/);
    expect(comp.data.realName).toBe('王建国'); // what was typed stays
  });

  test('a retry after a refused transfer may go ahead with the same key; a new gift gets a new key', async () => {
    let first = true;
    fake.respond = server({
      transfer: (req) => {
        if (first) {
          first = false;
          return fieldProblem({ phone: [NO_MATCH] });
        }
        return ok({ id: 3, to_user_id: 1, minutes: req.data.minutes, relation: null, created_at: new Date().toISOString() }, 201);
      },
    });
    await open();
    await fill();
    await tap(comp.querySelector('.submit-btn'));
    await fill({ phone: '13800000002' });
    await tap(comp.querySelector('.submit-btn'));
    await fill();
    await tap(comp.querySelector('.submit-btn'));

    const keys = transfers().map((r) => r.header['Idempotency-Key']);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
  });

  test('409 (not enough hours, or the yearly cap) is said in a box, and the balance is updated', async () => {
    fake.respond = server({
      transfer: () => problem(409, '可用时间不足：您现在可用 0.5 小时。', 'insufficient_balance', { available_minutes: 30 }),
    });
    await open();
    await fill();

    await tap(comp.querySelector('.submit-btn'));

    expect(text(comp.querySelector('.result'))).toBe('不能转赠可用时间不足：您现在可用 0.5 小时。');
    expect(text(comp.querySelector('.balance'))).toBe('您现在可用：0.5 小时');
  });
});
