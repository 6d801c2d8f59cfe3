// 应急 (packageWorker/pages/emergency) and 更新避灾点人数 (pages/occupancy): the duty summary, the shelters of
// the worker's area, and an occupancy update that carries the version — a stale one reloads and says so, above
// the capacity is refused on the field, and the 加 / 减 buttons move the numbers.
const { launchApp, render, settle, text } = require('./helpers/pages');
const { loadFresh, tap, type, allText } = require('./helpers/worker');
const f = require('./fixtures/worker');

const fake = global.fakeWx;
const ids = {};
let comp;
let facility; // the shelter the fake server holds

const all = (selector) => allText(comp, selector);
const q = (selector) => comp.querySelector(selector);
const puts = () => fake.requests.filter((r) => r.method === 'PUT');

function server(over = {}) {
  return (req) => {
    const path = f.pathOf(req);
    if (over[path]) return over[path](req);
    if (path === '/facilities') {
      return f.ok([
        f.shelter({ id: 588, name: '坊门街社区避灾安置点3号', activated: false, occupancy: 0, available: 177, capacity: 177, occupancy_updated_at: null }),
        f.shelter(),
      ]);
    }
    if (path === '/facilities/496') return f.ok(facility);
    if (req.header.Authorization !== 'Bearer access-1') return f.problem(401, '请先登录。', 'token_missing');
    if (path === '/emergencies') return f.ok([f.emergency(), f.emergency({ id: 2, name: '6月强降雨', hazard: 'flood', hazard_name: '洪涝', region_name: '衢江区' })]);
    if (path === '/emergencies/1/summary') return f.ok(f.summary());
    if (path === '/emergencies/2/summary') return f.problem(404, '没有找到您要的内容。', 'not_found');
    if (path === '/me') return f.ok(f.me());
    if (path === '/facilities/496/occupancy' && req.method === 'GET') return f.ok([f.occupancyRecord()]);
    if (path === '/facilities/496/occupancy' && req.method === 'PUT') {
      const body = req.data;
      if (body.version !== facility.version) return f.problem(409, '这个场所的信息已被他人更新，请刷新后再操作。', 'stale_version', { version: facility.version });
      if (body.occupancy > facility.capacity) return f.fieldProblem({ occupancy: [`超过了容量（${facility.capacity}），请核实人数。`] }, '请检查在住人数：超过了容量（103），请核实人数。');
      facility = Object.assign({}, facility, {
        occupancy: body.occupancy,
        available: facility.capacity - body.occupancy,
        occupancy_groups: body.groups || null,
        version: facility.version + 1,
        occupancy_updated_at: f.iso(0),
      });
      return f.ok(facility);
    }
    return f.problem(404, '没有找到您要的内容。', 'not_found');
  };
}

async function open(page, options = {}) {
  comp = render(ids[page]);
  await comp.instance.onLoad(options);
  await settle(15);
}

beforeAll(() => {
  launchApp();
  ids.emergency = loadFresh('packageWorker/pages/emergency/index', 'worker-emergency');
  ids.occupancy = loadFresh('packageWorker/pages/occupancy/index', 'worker-occupancy');
});

beforeEach(() => {
  fake.reset();
  fake.storage.tokens = f.TOKENS;
  facility = f.shelter();
  fake.respond = server();
  launchApp();
});

afterEach(() => {
  if (comp) comp.detach();
  comp = null;
});

describe('应急：汇总与避灾点', () => {
  test('the emergencies now open, the summary of the first, people by group and the nearly full', async () => {
    await open('emergency');

    expect(all('.emergency-title')).toEqual(['2026年第5号台风（台风）', '6月强降雨（洪涝）']);
    expect(text(q('.people'))).toBe('140');
    expect(text(q('.available-total'))).toBe('31396');
    expect(text(q('.capacity-total'))).toBe('31536');
    expect(text(q('.shelters-activated'))).toBe('184 个');
    expect(text(q('.shelters-in-use'))).toBe('2 个');
    expect(all('.group')).toEqual(['男性 70 人', '女性 70 人', '儿童 15 人', '婴幼儿 3 人', '老年人 40 人', '残疾人 4 人']);
    expect(text(q('.nearly-full-542'))).toContain('坊门街社区避灾安置点2号');
    expect(text(q('.nearly-full-542 .nearly-full-text'))).toBe('100 / 103 人（97%）');
  });

  test('the shelters of the worker area (from /me), those opened for the emergency first, one tap from 更新人数', async () => {
    await open('emergency');

    expect(fake.requestsTo('/facilities')[0].data).toEqual({ type: 'shelter', page: 1, page_size: 50, region_code: '330802001001' });
    expect(all('.shelter-name')).toEqual(['坊门街社区避灾安置点1号', '坊门街社区避灾安置点3号']);
    expect(text(q('.shelter-496 .shelter-figures'))).toBe('在住 40 / 103 人，还可容纳 63 人');
    expect(text(q('.shelter-588 .shelter-updated'))).toBe('还没有上报过人数');

    await tap(q('.shelter-496'));
    await tap(q('.nearly-full-542 .update-nearly-full'));
    expect(fake.navigations.map((n) => n.url)).toEqual([
      '/packageWorker/pages/occupancy/index?id=496',
      '/packageWorker/pages/occupancy/index?id=542',
    ]);
  });

  test('an emergency wider than the worker area: the summary is the county, the shelters stay', async () => {
    await open('emergency', { id: '2' });

    expect(q('.emergency-2').dom.className).toMatch(/option-on/);
    expect(text(q('.summary-error'))).toContain('汇总由上级民政部门查看');
    expect(comp.querySelectorAll('.shelter')).toHaveLength(2);

    await tap(q('.emergency-1'));
    expect(text(q('.people'))).toBe('140');
  });

  test('no emergency: says so, and the shelters can still be updated', async () => {
    fake.respond = server({ '/emergencies': () => f.ok([]) });
    await open('emergency');
    expect(text(q('.no-emergency'))).toContain('目前没有进行中的应急响应');
    expect(fake.requestsTo('/summary')).toHaveLength(0);
    expect(comp.querySelectorAll('.shelter')).toHaveLength(2);
  });

  test('查找 asks for shelters by name', async () => {
    await open('emergency');
    await type(q('.search-input'), '坊门街');
    await tap(q('.search-btn'));
    expect(fake.requestsTo('/facilities')[1].data.q).toBe('坊门街');
  });

  test('not a worker: the server 403 message, plainly', async () => {
    fake.respond = server({ '/emergencies': () => f.FORBIDDEN });
    await open('emergency');
    expect(text(q('.gate').querySelector('.gate-message'))).toBe('您没有权限进行此操作。');
    expect(fake.requestsTo('/facilities')).toHaveLength(0);
  });
});

describe('更新避灾点人数', () => {
  test('the shelter, its last report and its groups filled in', async () => {
    await open('occupancy', { id: '496' });

    expect(text(q('.shelter-name'))).toBe('坊门街社区避灾安置点1号');
    expect(text(q('.capacity'))).toBe('103 人');
    expect(text(q('.current'))).toBe('40 人');
    expect(text(q('.updated'))).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(comp.instance.data.form).toEqual({ occupancy: '40', men: '20', women: '20', children: '5', infants: '1', elderly: '12', disabled: '2' });
  });

  test('加 / 减 buttons move the numbers (never below 0), and the update carries the version', async () => {
    await open('occupancy', { id: '496' });

    await tap(q('.total-plus-10'));
    await tap(q('.total-plus-1'));
    await tap(q('.total-minus-1'));
    await tap(q('.total-plus-1'));
    await tap(q('.group-men .group-plus'));
    await tap(q('.group-infants .group-minus'));
    await tap(q('.group-infants .group-minus'));
    expect(comp.instance.data.form.occupancy).toBe('51');
    expect(comp.instance.data.form.infants).toBe('0');

    await tap(q('.submit-btn'), 15);

    expect(puts()[0].url).toMatch(/\/facilities\/496\/occupancy$/);
    expect(puts()[0].data).toEqual({
      occupancy: 51,
      version: 2,
      groups: { men: 21, women: 20, children: 5, infants: 0, elderly: 12, disabled: 2 },
    });
    expect(text(q('.page-notice'))).toBe('已更新现有 51 人，还可容纳 52 人。');
    expect(comp.instance.data.facility.version).toBe(3);

    // the next update carries the new version
    await tap(q('.total-minus-1'));
    await tap(q('.submit-btn'), 15);
    expect(puts()[1].data.version).toBe(3);
  });

  test('a stale version (409): the latest figures are loaded and the worker is told, with what they typed', async () => {
    await open('occupancy', { id: '496' });
    // another worker reports meanwhile
    facility = Object.assign({}, facility, { occupancy: 60, available: 43, version: 3 });
    fake.respond = server({ '/facilities/496/occupancy': (req) => (req.method === 'GET' ? f.ok([f.occupancyRecord({ occupancy: 60, groups: { men: 30, women: 30 } })]) : server()(req)) });

    await type(q('.total-input'), '45');
    await tap(q('.submit-btn'), 20);

    expect(puts()).toHaveLength(1);
    expect(puts()[0].data.version).toBe(2);
    expect(text(q('.page-notice'))).toBe('人数刚被其他工作人员更新过已载入最新数字：现在是 60 人。您刚才填写的是 45 人，请核对后再提交。');
    expect(comp.instance.data.form.occupancy).toBe('60');
    expect(comp.instance.data.form.men).toBe('30');
    expect(comp.instance.data.facility.version).toBe(3);

    await tap(q('.submit-btn'), 15);
    expect(puts()[1].data.version).toBe(3);
  });

  test('above the capacity is caught on the phone; the server 422 lands on the field too', async () => {
    await open('occupancy', { id: '496' });
    await type(q('.total-input'), '200');
    await tap(q('.submit-btn'));
    expect(text(q('.error-occupancy'))).toBe('超过了容量（103 人），请核实人数');
    expect(puts()).toHaveLength(0);

    // the phone knew an old capacity: the server's word wins
    comp.instance.setData({ 'facility.capacity': 500 });
    await tap(q('.submit-btn'), 15);
    expect(text(q('.error-occupancy'))).toBe('超过了容量（103），请核实人数。');
  });

  test('a group above the total, and men and women above the total, are refused on the field', async () => {
    await open('occupancy', { id: '496' });
    await type(q('.total-input'), '10');
    await tap(q('.submit-btn'));
    expect(text(q('.group-men .error-group'))).toBe('男性人数不能超过总人数');
    expect(text(q('.group-elderly .error-group'))).toBe('老年人人数不能超过总人数');

    await type(q('.group-men .group-input'), '6');
    await type(q('.group-women .group-input'), '6');
    await type(q('.group-elderly .group-input'), '');
    await tap(q('.submit-btn'));
    expect(text(q('.group-women .error-group'))).toBe('男女人数之和不能超过总人数');
    expect(puts()).toHaveLength(0);
  });

  test('not a worker: the server 403 message, plainly', async () => {
    fake.respond = server({ '/emergencies': () => f.FORBIDDEN });
    await open('occupancy', { id: '496' });
    expect(text(q('.gate').querySelector('.gate-message'))).toBe('您没有权限进行此操作。');
  });
});
