const { settle, text, tap: tapAndSettle, usePage } = require('./helpers/pages');
const { opportunity, booking, problem, ok, TOKENS } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

/** GET /opportunities/1, GET /bookings, POST …/bookings and DELETE /bookings/{id}, like the server. */
function server({ opp = opportunity(), mine = [], bookAnswer, cancelAnswer } = {}) {
  let placesLeft = opp.places_left;
  return (req) => {
    if (req.url.endsWith(`/timebank/opportunities/${opp.id}`)) return ok(Object.assign({}, opp, { places_left: placesLeft }));
    if (req.url.endsWith('/timebank/bookings') && req.method === 'GET') return ok(mine);
    if (req.url.endsWith(`/timebank/opportunities/${opp.id}/bookings`) && req.method === 'POST') {
      if (bookAnswer) return bookAnswer(req);
      placesLeft -= 1;
      return ok(Object.assign(booking({ id: 9, opportunity_id: opp.id, starts_at: opp.starts_at, ends_at: opp.ends_at }), { places_left: placesLeft }), 201);
    }
    if (/\/timebank\/bookings\/\d+$/.test(req.url) && req.method === 'DELETE') {
      if (cancelAnswer) return cancelAnswer(req);
      placesLeft += 1;
      return ok(Object.assign(booking({ id: 9, status: 'cancelled', cancelled_at: new Date().toISOString() }), { places_left: placesLeft }));
    }
    if (req.url.endsWith('/regions/330802001001')) {
      return ok({ code: '330802001001', name: '坊门街社区', level: 'community', parent_code: '330802001', is_urban: true });
    }
    return problem(404, '没有找到这个服务项目。', 'opportunity_not_found');
  };
}

const page = usePage('packageTimebank/pages/opportunity/index', 'timebank-opportunity', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.respond = server();
  },
});

async function open(id = 1) {
  comp = await page.open({ id: String(id) }, 15);
}

const tap = (node, rounds = 15) => tapAndSettle(node, rounds);
const bookings = () => fake.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/opportunities/1/bookings'));
const deletes = () => fake.requests.filter((r) => r.method === 'DELETE');

afterEach(() => {
  jest.restoreAllMocks();
});

describe('志愿服务详情', () => {
  test('shows the time, the place, the length, the places left and what is needed', async () => {
    await open();

    expect(text(comp.querySelector('.title'))).toBe('陪老人聊天');
    expect(text(comp.querySelector('.when'))).toMatch(/\d+月\d+日（周.） \d\d:\d\d–\d\d:\d\d$/);
    expect(text(comp.querySelector('.place'))).toBe('书院社区避灾安置点4号');
    expect(text(comp.querySelector('.quota'))).toBe('共 5 个，还剩 3 个名额');
    expect(text(comp.querySelector('.description'))).toBe('下午陪院里的老人聊天、读报。');
    expect(text(comp.querySelector('.book-btn'))).toBe('预约这个服务');
    expect(comp.querySelector('.cancel-btn')).toBeFalsy();
  });

  test('a double tap books once, with an Idempotency-Key, and the page then offers 取消预约', async () => {
    await open();

    const button = comp.querySelector('.book-btn');
    button.dispatchEvent('tap');
    button.dispatchEvent('tap');
    await settle(15);

    expect(bookings()).toHaveLength(1);
    expect(bookings()[0].header['Idempotency-Key']).toMatch(/^tb-[a-z0-9]+-[a-z0-9]{8,}$/);
    expect(text(comp.querySelector('.result'))).toContain('预约成功');
    expect(text(comp.querySelector('.quota'))).toBe('共 5 个，还剩 2 个名额');
    expect(text(comp.querySelector('.booked-tag'))).toBe('已预约');
    expect(comp.querySelector('.book-btn')).toBeFalsy();
    expect(comp.querySelector('.cancel-btn')).toBeTruthy();
    expect(fake.toasts.map((t) => t.title)).toEqual(['预约成功']);
  });

  test('a retry after a lost answer sends the same key, so the server books once', async () => {
    let calls = 0;
    const base = server();
    fake.respond = (req) => {
      if (req.method === 'POST' && (calls += 1) === 1) return { fail: 'request:fail timeout' };
      return base(req);
    };
    await open();

    await tap(comp.querySelector('.book-btn'));
    expect(fake.toasts.map((t) => t.title)).toEqual(['请求超时，请稍后再试']);
    await tap(comp.querySelector('.book-btn'));

    expect(bookings()).toHaveLength(2);
    expect(bookings()[1].header['Idempotency-Key']).toBe(bookings()[0].header['Idempotency-Key']);
    expect(comp.querySelector('.cancel-btn')).toBeTruthy();
  });

  test('a slot with no place left shows 已约满 on a button that does nothing', async () => {
    fake.respond = server({ opp: opportunity({ places_left: 0 }) });
    await open();

    expect(text(comp.querySelector('.places'))).toBe('已约满');
    const full = comp.querySelector('.full-btn');
    expect(text(full)).toBe('已约满');
    expect(comp.querySelector('.book-btn')).toBeFalsy();
    await tap(full);
    expect(bookings()).toHaveLength(0);
  });

  test('409 fully_booked (someone was quicker) turns the page to 已约满 and says so', async () => {
    fake.respond = server({ bookAnswer: () => problem(409, '已约满：这个服务项目的名额已经约完了。', 'fully_booked') });
    await open();

    await tap(comp.querySelector('.book-btn'));

    expect(text(comp.querySelector('.result'))).toBe('已约满已约满：这个服务项目的名额已经约完了。');
    expect(text(comp.querySelector('.places'))).toBe('已约满');
    expect(text(comp.querySelector('.full-btn'))).toBe('已约满');
  });

  test('409 time_conflict says why', async () => {
    fake.respond = server({ bookAnswer: () => problem(409, '这个时间段您已有其他预约，时间冲突。', 'time_conflict') });
    await open();

    await tap(comp.querySelector('.book-btn'));

    expect(text(comp.querySelector('.result'))).toBe('时间冲突这个时间段您已有其他预约，时间冲突。');
    expect(comp.querySelector('.book-btn')).toBeTruthy();
  });

  test('someone not registered as a volunteer is offered the register page', async () => {
    fake.respond = server({ bookAnswer: () => problem(403, '请先登记为志愿者。', 'not_volunteer') });
    await open();

    await tap(comp.querySelector('.book-btn'));

    expect(fake.modals[0].title).toBe('请先登记为志愿者');
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageTimebank/pages/register/index']);
  });

  test('cancelling too close to the start shows the server’s reason and keeps the booking', async () => {
    fake.respond = server({
      mine: [booking({ id: 9, startsIn: 1 })],
      cancelAnswer: () => problem(409, '开始前 2 小时内不能在线取消，请直接联系服务点，以免老人空等。', 'too_late_to_cancel'),
    });
    await open();
    expect(text(comp.querySelector('.booked-tag'))).toBe('已预约');

    await tap(comp.querySelector('.cancel-btn'));

    expect(fake.modals[0].title).toBe('取消预约');
    expect(deletes()).toHaveLength(1);
    expect(deletes()[0].url).toMatch(/\/timebank\/bookings\/9$/);
    expect(text(comp.querySelector('.result'))).toBe('现在不能在线取消开始前 2 小时内不能在线取消，请直接联系服务点，以免老人空等。');
    expect(comp.querySelector('.cancel-btn')).toBeTruthy();
  });

  test('saying no in the confirm dialog cancels nothing', async () => {
    fake.respond = server({ mine: [booking({ id: 9 })] });
    await open();
    jest.spyOn(global.wx, 'showModal').mockImplementation((o) => o.success({ confirm: false, cancel: true }));

    await tap(comp.querySelector('.cancel-btn'));

    expect(deletes()).toHaveLength(0);
  });

  test('after a cancellation the place comes back, and booking again uses a new key', async () => {
    await open();
    await tap(comp.querySelector('.book-btn'));
    await tap(comp.querySelector('.cancel-btn'));

    expect(text(comp.querySelector('.result'))).toContain('已取消预约');
    expect(text(comp.querySelector('.quota'))).toBe('共 5 个，还剩 3 个名额');

    await tap(comp.querySelector('.book-btn'));
    expect(bookings()).toHaveLength(2);
    expect(bookings()[1].header['Idempotency-Key']).not.toBe(bookings()[0].header['Idempotency-Key']);
  });

  test('a slot without a facility names its region and offers no navigation', async () => {
    fake.respond = server({ opp: opportunity({ facility_id: null, facility_name: null, lat: null, lng: null, region_code: '330802001001' }) });
    await open();

    expect(text(comp.querySelector('.place'))).toBe('坊门街社区，无固定地点（到场后凭签到码签到）');
    expect(comp.querySelector('.nav-btn')).toBeFalsy();
  });

  test('导航 opens the map at the facility', async () => {
    await open();

    await tap(comp.querySelector('.nav-btn'));

    expect(fake.openedLocations[0]).toMatchObject({ latitude: 28.970101, longitude: 118.873848, name: '书院社区避灾安置点4号' });
  });
});
