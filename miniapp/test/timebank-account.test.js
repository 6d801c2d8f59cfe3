const { text, tap, usePage } = require('./helpers/pages');
const { account, problem, ok, TOKENS } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

function server(answer = account()) {
  return (req) => {
    if (req.url.endsWith('/timebank/account')) return ok(typeof answer === 'function' ? answer(req) : answer);
    return problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const page = usePage('packageTimebank/pages/account/index', 'timebank-account', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.respond = server();
  },
});

async function open() {
  comp = await page.open();
}

const all = (selector) => comp.querySelectorAll(selector).map(text);

describe('我的时间', () => {
  test('shows the balance in hours, and the held, earned, spent and given hours in words', async () => {
    await open();

    expect(fake.requestsTo('/timebank/account')[0].data).toEqual({ page: 1, page_size: 20 });
    expect(text(comp.querySelector('.balance-number'))).toBe('12.5');
    expect(text(comp.querySelector('.balance-unit'))).toBe('小时');
    expect(all('.balance-card .row')).toEqual([
      '申请服务已预留1 小时',
      '累计志愿服务（已审核）106.5 小时',
      '已兑换养老服务2 小时',
      '转赠给家人2 小时',
    ]);
  });

  test('shows the star level as ★ marks and in words, and how far the next level is', async () => {
    await open();

    expect(text(comp.querySelector('.star-card .star-marks'))).toBe('★☆☆☆☆');
    expect(text(comp.querySelector('.star-card .star-words'))).toBe('一星志愿者');
    expect(text(comp.querySelector('.next-star'))).toBe('再服务 193.5 小时，可达到二星（累计 300 小时）。');
  });

  test('the top level says there is none higher; no level yet says 尚未评星', async () => {
    fake.respond = server(account({ star_level: 5, next_star_hours: null, earned_minutes: 1600 * 60 }));
    await open();
    expect(text(comp.querySelector('.star-card .star-marks'))).toBe('★★★★★');
    expect(text(comp.querySelector('.next-star'))).toBe('已达到最高星级（五星）。');
    comp.detach();

    fake.respond = server(account({ star_level: 0, next_star_hours: 100, earned_minutes: 90 }));
    await open();
    expect(text(comp.querySelector('.star-card .star-words'))).toBe('尚未评星');
    expect(text(comp.querySelector('.next-star'))).toBe('再服务 98.5 小时，可达到一星（累计 100 小时）。');
  });

  test('lists the ledger with Chinese kind names and signed hours', async () => {
    await open();

    expect(all('.entry-kind')).toEqual(['申请养老服务（预扣）', '转赠给家人', '志愿服务存入']);
    expect(all('.entry-amount')).toEqual(['−1 小时', '−2 小时', '+2.5 小时']);
    expect(all('.entry-reason')).toEqual(['理发', '父母', '陪老人聊天']);
    expect(all('.entry-when')[2]).toBe('11月27日 17:30'); // 09:30 UTC is 17:30 in Shanghai
    expect(comp.querySelector('.more-btn')).toBeFalsy();
  });

  test('the certificate summary gives the name, verified hours, services, period and hours by year', async () => {
    await open();

    expect(text(comp.querySelector('.cert-name'))).toBe('李晓明');
    expect(text(comp.querySelector('.cert-hours'))).toBe('106.5 小时');
    expect(text(comp.querySelector('.cert-services'))).toBe('42 次');
    expect(text(comp.querySelector('.cert-period'))).toBe('2025年3月2日 至 2026年11月27日');
    expect(text(comp.querySelector('.cert-star'))).toBe('一星志愿者');
    expect(all('.cert-year')).toEqual(['2025 年60 小时', '2026 年46.5 小时']);
    expect(text(comp.querySelector('.cert-note'))).toContain('免费');
  });

  test('older entries load page by page', async () => {
    const first = account();
    fake.respond = server((req) =>
      req.data.page === 1
        ? Object.assign({}, first, { entries_total: 4 })
        : Object.assign({}, first, { entries_total: 4, entries: [{ id: 0, kind: 'transfer_in', minutes: 60, ref_type: 'transfer', ref_id: 2, reason: null, created_at: '2026-11-01T02:00:00+00:00' }] }),
    );
    await open();

    await tap(comp.querySelector('.more-btn'));

    expect(fake.requestsTo('/timebank/account')[1].data).toEqual({ page: 2, page_size: 20 });
    expect(all('.entry-kind')).toHaveLength(4);
    expect(all('.entry-kind')[3]).toBe('家人转赠');
    expect(comp.querySelector('.more-btn')).toBeFalsy();
  });

  test('the buttons open 申请养老服务 and 转赠给家人', async () => {
    await open();

    await tap(comp.querySelector('.redeem-btn'));
    await tap(comp.querySelector('.transfer-btn'));

    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageTimebank/pages/redeem/index', '/packageTimebank/pages/transfer/index']);
  });
});
