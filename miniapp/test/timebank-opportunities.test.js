const { settle, text, tap: tapAndSettle, usePage } = require('./helpers/pages');
const { opportunity, REGIONS, problem, ok, TOKENS } = require('./fixtures/timebank');

const fake = global.fakeWx;
let comp;

const NEARBY = [
  opportunity({ id: 1, distance_m: 148 }),
  opportunity({ id: 2, title: '助餐送餐', facility_id: null, facility_name: null, lat: null, lng: null, places_left: 0, places: 4, minutes: 180, skills: ['meal_help'], skill_names: ['助餐送餐'], startsIn: 50 }),
];

function server({ list = NEARBY } = {}) {
  return (req) => {
    if (req.url.endsWith('/timebank/opportunities')) return ok(typeof list === 'function' ? list(req) : list);
    if (req.url.endsWith('/regions')) return ok(REGIONS[req.data.parent || 'top'] || []);
    return problem(404, '没有找到您要的内容。', 'not_found');
  };
}

const page = usePage('packageTimebank/pages/opportunities/index', 'timebank-opportunities', {
  before() {
    fake.storage.tokens = TOKENS;
    fake.respond = server();
  },
});

async function open() {
  comp = await page.open({}, 15);
}

const all = (selector) => comp.querySelectorAll(selector).map(text);
const tap = (node, rounds = 15) => tapAndSettle(node, rounds);
const searches = () => fake.requestsTo('/timebank/opportunities');
const last = () => searches().slice(-1)[0];
const chip = (selector, label) => comp.querySelectorAll(selector).find((c) => text(c).replace('✓ ', '') === label);

describe('找志愿服务 near me', () => {
  test('asks for the gcj02 position and lists the nearest slots with time, place, distance and places left', async () => {
    await open();

    expect(fake.locationCalls).toEqual([{ type: 'gcj02' }]);
    expect(last().data).toEqual({ lat: 28.969, lng: 118.873, coord_type: 'gcj02', page: 1, page_size: 20 });
    expect(last().header.Authorization).toBe('Bearer access-1');

    expect(all('.opp-title')).toEqual(['陪老人聊天', '助餐送餐']);
    expect(all('.opp-distance')).toEqual(['148 米']);
    const cards = comp.querySelectorAll('.opportunity').map(text);
    expect(all('.opp-when')[0]).toMatch(/^(今天|明天) \d+月\d+日（周.） \d\d:\d\d–\d\d:\d\d$/);
    expect(all('.opp-place')[0]).toBe('书院社区避灾安置点4号');
    expect(comp.querySelectorAll('.opp-tags').map(text)[0]).toBe('还剩 3 个名额服务 2 小时陪伴聊天');
    expect(cards[1]).toContain('无固定地点（到场后凭签到码签到）');
    expect(cards[1]).toContain('已约满');
    expect(cards[1]).toContain('服务 3 小时');
    expect(text(comp.querySelectorAll('.places')[1])).toBe('已约满');
    expect(comp.querySelectorAll('.opportunity')[1].dom.className).toMatch(/opportunity-full/);
  });

  test('the service and time chips filter the search, and ✓ marks the chosen one', async () => {
    await open();

    await tap(chip('.skill-chip', '陪同就医'));
    expect(last().data.skill).toBe('medical_escort');
    expect(text(chip('.skill-chip', '陪同就医'))).toBe('✓ 陪同就医');

    await tap(chip('.when-chip', '今天'));
    const { from, to } = last().data;
    expect(last().data.skill).toBe('medical_escort');
    expect(from).toMatch(/Z$/);
    expect(Date.parse(to) - Date.parse(from)).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect(Date.parse(to)).toBeGreaterThan(Date.now());

    await tap(chip('.when-chip', '全部时间'));
    expect(last().data.from).toBeUndefined();
  });

  test('tapping a slot opens its detail page', async () => {
    await open();

    await tap(comp.querySelectorAll('.opportunity')[1]);

    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageTimebank/pages/opportunity/index?id=2']);
  });

  test('nothing found says so and suggests other filters', async () => {
    fake.respond = server({ list: [] });
    await open();

    expect(text(comp.querySelector('.empty'))).toContain('暂时没有可预约的志愿服务');
  });

  test('a failed search says why and can be retried', async () => {
    fake.respond = () => ({ fail: 'request:fail timeout' });
    await open();

    expect(text(comp.querySelector('.notice-error'))).toContain('请求超时');
    fake.respond = server();
    await tap(comp.querySelector('.retry-btn'));
    expect(all('.opp-title')).toHaveLength(2);
  });
});

describe('找志愿服务 without the position', () => {
  test('a refused permission is not asked again: the region picker searches the city, then the tapped county', async () => {
    fake.authSetting['scope.userLocation'] = false;
    fake.respond = server({ list: (req) => (req.data.region_code === '330802' ? [NEARBY[1]] : NEARBY) });
    await open();

    expect(fake.locationCalls).toHaveLength(0);
    expect(text(comp.querySelector('.no-location-text'))).toContain('没有允许');
    expect(comp.querySelector('.settings-btn')).toBeTruthy();
    expect(last().data).toEqual({ region_code: '3308', page: 1, page_size: 20 });
    expect(text(comp.querySelector('.list-head'))).toBe('衢州市的志愿服务，按时间先后');

    const county = comp.querySelector('.regions').querySelectorAll('.picker-option').find((o) => text(o) === '柯城区');
    await tap(county);

    expect(last().data.region_code).toBe('330802');
    expect(all('.opp-title')).toEqual(['助餐送餐']);
    expect(comp.querySelectorAll('.opp-distance')).toHaveLength(0);
  });

  test('a phone with location switched off falls back to regions, and 重新定位 tries again', async () => {
    fake.locationError = 'getLocation:fail:ERROR_NOCELL&WIFI_LOCATIONSWITCHOFF';
    await open();

    expect(text(comp.querySelector('.no-location-text'))).toContain('定位服务没有打开');
    fake.locationError = null;
    await tap(comp.querySelector('.relocate-btn'));

    expect(last().data.lat).toBe(28.969);
    expect(comp.querySelector('.regions')).toBeFalsy();
  });

  test('the privacy guide is asked before the first position; refusing it leads to regions', async () => {
    fake.locationNeedsPrivacy = true;
    comp = page.render();
    const loading = comp.instance.onLoad({});
    await settle(5);

    const sheet = comp.querySelector('.privacy');
    expect(sheet).toBeTruthy();
    sheet.querySelector('.privacy-disagree').dispatchEvent('tap');
    await loading;
    await settle(15);

    expect(comp.querySelector('.privacy')).toBeFalsy();
    expect(text(comp.querySelector('.no-location-text'))).toContain('隐私保护指引');
    expect(last().data.region_code).toBe('3308');
  });
});
