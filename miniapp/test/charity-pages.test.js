// The 慈善 pages other than the form (packageCharity/pages/*): campaigns with their progress, a campaign,
// my gifts with their state, one gift with its receipt (shown, and saved as a PDF), and the public ledger.
const { launchApp, loadPage, render, settle, text } = require('./helpers/pages');
const { campaign, campaign2013, gift, confirmedGift, receipt, report, problem } = require('./fixtures/charity');

const fake = global.fakeWx;
const ok = (data) => ({ statusCode: 200, data });
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };
const ids = {};
let comp;

const all = (selector) => comp.querySelectorAll(selector).map(text);
const tap = async (node, rounds = 10) => {
  node.dispatchEvent('tap');
  await settle(rounds);
};
const needsToken = (req, answer) =>
  req.header.Authorization === 'Bearer access-1' ? answer : problem(401, '请先登录。', 'token_missing');

/** The charity API as the demo server answers it; `over` replaces answers by URL suffix. */
function server(over = {}) {
  return (req) => {
    const path = req.url.replace(/^https?:\/\/[^/]+\/api\/v1/, '');
    if (over[path]) return over[path](req);
    if (path === '/charity/campaigns') return ok([campaign(), campaign2013()]);
    if (path === '/charity/campaigns/2') return ok(campaign());
    if (path === '/charity/campaigns/1') return ok(campaign2013());
    if (path === '/public/charity/campaigns/1/report') return ok(report());
    if (path === '/charity/donations') return needsToken(req, ok([gift()]));
    if (path === '/charity/donations/441') return needsToken(req, ok(confirmedGift()));
    if (path === '/charity/donations/441/receipt') return needsToken(req, ok(receipt()));
    if (path === '/auth/wechat') {
      return ok({ access_token: 'access-1', refresh_token: 'refresh-1', token_type: 'Bearer', expires_in: 7200, user: { id: 3 } });
    }
    return problem(404, '没有找到这个募捐活动。', 'campaign_not_found');
  };
}

async function open(page, options = {}, { show = false } = {}) {
  comp = render(ids[page]);
  await comp.instance.onLoad(options);
  if (show) await comp.instance.onShow();
  await settle(10);
}

beforeAll(() => {
  launchApp();
  ['campaigns', 'campaign', 'gifts', 'gift', 'ledger'].forEach((page) => {
    ids[page] = loadPage(`packageCharity/pages/${page}/index`, `charity-${page}`);
  });
});

beforeEach(() => {
  fake.reset();
  fake.respond = server();
  launchApp();
});

afterEach(() => {
  if (comp) comp.detach();
  comp = null;
});

describe('慈善捐赠: the campaigns', () => {
  test('each campaign with its state and progress in words beside the bar, fetched without a token', async () => {
    fake.storage.tokens = TOKENS;
    await open('campaigns');

    const req = fake.requestsTo('/charity/campaigns')[0];
    expect(req.header.Authorization).toBeUndefined();
    expect(req.data).toEqual({ page: 1, page_size: 20 });
    expect(all('.campaign-name')).toEqual(['2026年慈善一日捐', '2013年慈善一日捐']);
    expect(all('.campaign-state')).toEqual(['进行中', '已结束']);
    expect(all('.progress-percent')).toEqual(['完成 12.6%', '完成 101.5%']);
    expect(all('.campaign-raised')).toEqual(['已筹 1,264,567 元', '已筹 9,138,900 元']);
    expect(all('.campaign-target')).toEqual(['目标 10,000,000 元 · 58 人次捐赠', '目标 9,000,000 元 · 267 人次捐赠']);
    // The bar's width is the percentage, held at 100 when a campaign passes its target.
    const widths = comp.querySelectorAll('.progress-fill').map((n) => n.dom.getAttribute('style'));
    expect(widths[0]).toMatch(/width: ?12\.6%/);
    expect(widths[1]).toMatch(/width: ?100%/);
  });

  test('a campaign opens its detail; 我的捐赠 is one tap away', async () => {
    await open('campaigns');

    await tap(comp.querySelectorAll('.campaign')[1]);
    await tap(comp.querySelector('.gifts-btn'));

    expect(fake.navigations.map((n) => n.url)).toEqual([
      '/packageCharity/pages/campaign/index?id=1',
      '/packageCharity/pages/gifts/index',
    ]);
  });

  test('no network: says so, and 重新加载 tries again', async () => {
    fake.networkType = 'none';
    fake.respond = () => ({ fail: 'request:fail' });
    await open('campaigns');

    expect(text(comp.querySelector('.error-box'))).toContain('网络未连接，请检查网络后重试');

    fake.networkType = 'wifi';
    fake.respond = server();
    await tap(comp.querySelector('.retry-btn'));
    expect(comp.querySelectorAll('.campaign')).toHaveLength(2);
  });

  test('a full page offers 加载更多, which fetches the next page', async () => {
    const many = (start) => Array.from({ length: 20 }, (_, i) => campaign({ id: start + i, name: `活动${start + i}` }));
    fake.respond = server({
      '/charity/campaigns': (req) => ok(req.data.page === 1 ? many(1) : [campaign({ id: 99, name: '最后一个' })]),
    });
    await open('campaigns');
    expect(comp.querySelectorAll('.campaign')).toHaveLength(20);

    await tap(comp.querySelector('.more-btn'));

    expect(fake.requestsTo('/charity/campaigns')[1].data.page).toBe(2);
    expect(comp.querySelectorAll('.campaign')).toHaveLength(21);
    expect(comp.querySelector('.more-btn')).toBeFalsy();
  });
});

describe('活动详情', () => {
  test('every total in words and figures, the purposes, and 我要捐赠 while it is open', async () => {
    await open('campaign', { id: '2' });

    expect(text(comp.querySelector('.name'))).toBe('2026年慈善一日捐');
    expect(text(comp.querySelector('.state'))).toBe('进行中');
    expect(all('.purpose-tag')).toEqual(['助学', '助困', '助医', '助老']);
    expect(text(comp.querySelector('.progress-percent'))).toBe('完成 12.6%');
    const rows = comp.querySelectorAll('.totals .row').map(text);
    expect(rows).toEqual([
      '已到账善款1,234,567 元',
      '已收物资（估价）30,000 元',
      '已登记待确认100.50 元',
      '捐赠人次58 人次',
      '已支出善款200,000 元',
      '善款结余1,034,567 元',
    ]);

    await tap(comp.querySelector('.give-btn'));
    await tap(comp.querySelector('.ledger-btn'));
    await tap(comp.querySelector('.gifts-btn'));
    expect(fake.navigations.map((n) => n.url)).toEqual([
      '/packageCharity/pages/give/index?campaign_id=2',
      '/packageCharity/pages/ledger/index?id=2',
      '/packageCharity/pages/gifts/index',
    ]);
  });

  test('a closed campaign says so in words, offers no 我要捐赠, and still shows where the money went', async () => {
    await open('campaign', { id: '1' });

    expect(text(comp.querySelector('.state'))).toBe('已结束');
    expect(comp.querySelector('.give-btn')).toBeFalsy();
    expect(text(comp.querySelector('.closed-note'))).toContain('暂不能登记新的捐赠');
    expect(comp.querySelector('.ledger-btn')).toBeTruthy();
  });

  test('an unknown campaign says so', async () => {
    await open('campaign', { id: '999' });
    expect(text(comp.querySelector('.error-box'))).toContain('没有找到这个募捐活动。');
  });
});

describe('我的捐赠', () => {
  test('not logged in: a login card and no request for gifts; after login the list appears', async () => {
    await open('gifts', {}, { show: true });

    expect(text(comp.querySelector('.login-card'))).toContain('登录后查看您的捐赠');
    expect(fake.requestsTo('/charity/donations')).toHaveLength(0);

    await tap(comp.querySelector('.login-btn'), 20);

    expect(fake.requestsTo('/auth/wechat')).toHaveLength(1);
    expect(comp.querySelectorAll('.gift')).toHaveLength(1);
  });

  test('each gift with its state in words, its campaign, and the receipt number once confirmed', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      '/charity/donations': (req) =>
        needsToken(
          req,
          ok([
            gift({ id: 445, kind: 'goods', description: '大米', quantity: 10, unit: '袋', amount_fen: 50000 }),
            gift({ id: 444, status: 'received', status_name: '已收到' }),
            confirmedGift({ id: 443 }),
            gift({ id: 442, status: 'voided', status_name: '已作废', void_reason: '重复登记', campaign_id: 1 }),
          ]),
        ),
    });
    await open('gifts', {}, { show: true });

    const req = fake.requestsTo('/charity/donations')[0];
    expect(req.data).toEqual({ mine: 1, page: 1, page_size: 20 });
    expect(req.header.Authorization).toBe('Bearer access-1');
    expect(all('.gift-status')).toEqual(['已登记', '已收到', '已确认', '已作废']);
    expect(all('.gift-what')).toEqual(['大米 10 袋（估价 500 元）', '100.50 元', '100.50 元', '100.50 元']);
    expect(all('.gift-campaign')).toEqual(['2026年慈善一日捐', '2026年慈善一日捐', '2026年慈善一日捐', '2013年慈善一日捐']);
    expect(all('.gift-date')[0]).toBe('登记于 2026-11-30 15:40'); // 07:40 UTC is 15:40 in China
    expect(all('.gift-receipt')).toEqual(['收据编号 CS-2026-000001，点此查看和保存']);
    expect(all('.gift-void')).toEqual(['已作废：重复登记']);

    await tap(comp.querySelectorAll('.gift')[2]);
    expect(fake.navigations[0].url).toBe('/packageCharity/pages/gift/index?id=443');
  });

  test('no gifts yet: says so and points to the campaigns', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ '/charity/donations': () => ok([]) });
    await open('gifts', {}, { show: true });

    expect(text(comp.querySelector('.empty'))).toContain('您还没有登记过捐赠。');
    await tap(comp.querySelector('.campaigns-btn'));
    expect(fake.navigations[0].url).toBe('/packageCharity/pages/campaigns/index');
  });

  test('the gifts still show when the campaign names cannot be fetched', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ '/charity/campaigns': () => problem(503, '系统繁忙', 'service_unavailable') });
    await open('gifts', {}, { show: true });

    expect(comp.querySelectorAll('.gift')).toHaveLength(1);
    expect(comp.querySelector('.gift-campaign')).toBeFalsy();
  });
});

describe('捐赠详情 and the receipt', () => {
  const PDF = '%PDF-1.4 receipt';

  test('a confirmed gift shows its receipt with the amount in capital numerals', async () => {
    fake.storage.tokens = TOKENS;
    await open('gift', { id: '441' });

    expect(text(comp.querySelector('.status'))).toBe('已确认');
    expect(text(comp.querySelector('.receipt-number'))).toBe('No. CS-2026-000001');
    expect(text(comp.querySelector('.receipt-words'))).toBe('壹佰元伍角整');
    expect(text(comp.querySelector('.receipt-figures'))).toBe('100.50 元');
    expect(text(comp.querySelector('.receipt-donor'))).toBe('王秀英');
    expect(text(comp.querySelector('.receipt-campaign'))).toBe('2026年慈善一日捐');
    expect(text(comp.querySelector('.receipt-issuer'))).toBe('衢州市民政局');
    expect(fake.requestsTo('/charity/donations/441/receipt')[0].header.Authorization).toBe('Bearer access-1');
  });

  test('保存收据 downloads the PDF with the token and opens it with the menu to save or forward', async () => {
    fake.storage.tokens = TOKENS;
    fake.respondDownload = () => ({ statusCode: 200, data: PDF });
    await open('gift', { id: '441' });

    await tap(comp.querySelector('.save-btn'));

    expect(fake.downloads).toHaveLength(1);
    expect(fake.downloads[0].url).toMatch(/\/api\/v1\/charity\/donations\/441\/receipt\?format=pdf$/);
    expect(fake.downloads[0].header.Authorization).toBe('Bearer access-1');
    expect(fake.openedDocuments).toHaveLength(1);
    expect(fake.openedDocuments[0]).toMatchObject({ filePath: 'wxfile://tmp_1', fileType: 'pdf', showMenu: true });
    expect(fake.toasts).toHaveLength(0);
  });

  test('a double tap on 保存收据 downloads once', async () => {
    fake.storage.tokens = TOKENS;
    fake.respondDownload = () => ({ statusCode: 200, data: PDF });
    await open('gift', { id: '441' });

    const button = comp.querySelector('.save-btn');
    button.dispatchEvent('tap');
    button.dispatchEvent('tap');
    await settle(10);

    expect(fake.downloads).toHaveLength(1);
    expect(fake.openedDocuments).toHaveLength(1);
  });

  test('an expired token is refreshed once and the download retried with the new one', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      '/auth/refresh': (req) =>
        req.data.refresh_token === 'refresh-1'
          ? ok({ access_token: 'access-1', refresh_token: 'refresh-2' })
          : problem(401, '登录已失效', 'refresh_token_revoked'),
    });
    fake.respondDownload = (req) =>
      req.header.Authorization === 'Bearer access-1' ? { statusCode: 200, data: PDF } : problem(401, '登录已过期', 'token_expired');
    await open('gift', { id: '441' });
    fake.storage.tokens = { access_token: 'expired', refresh_token: 'refresh-1' }; // the access token ran out meanwhile

    await tap(comp.querySelector('.save-btn'), 20);

    expect(fake.downloads.map((d) => d.header.Authorization)).toEqual(['Bearer expired', 'Bearer access-1']);
    expect(fake.requestsTo('/auth/refresh')).toHaveLength(1);
    expect(fake.storage.tokens).toEqual({ access_token: 'access-1', refresh_token: 'refresh-2' });
    expect(fake.openedDocuments).toHaveLength(1);
  });

  test('a session that cannot be refreshed asks to log in again', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ '/auth/refresh': () => problem(401, '登录已失效', 'refresh_token_revoked') });
    fake.respondDownload = () => problem(401, '登录已过期', 'token_expired');
    await open('gift', { id: '441' });
    fake.storage.tokens = { access_token: 'expired', refresh_token: 'revoked' };

    await tap(comp.querySelector('.save-btn'), 20);

    expect(fake.modals[0].title).toBe('需要登录');
    expect(fake.openedDocuments).toHaveLength(0);
  });

  test('a refused download says the server’s message; nothing is opened', async () => {
    fake.storage.tokens = TOKENS;
    fake.respondDownload = () => problem(409, '捐赠确认后才能开具收据。', 'not_confirmed');
    await open('gift', { id: '441' });

    await tap(comp.querySelector('.save-btn'));

    expect(fake.openedDocuments).toHaveLength(0);
    expect(fake.toasts.map((t) => t.title)).toEqual(['捐赠确认后才能开具收据。']);
  });

  test('a download lost to the network, and a PDF WeChat cannot open, each say so', async () => {
    fake.storage.tokens = TOKENS;
    fake.respondDownload = () => ({ fail: 'downloadFile:fail timeout' });
    await open('gift', { id: '441' });

    await tap(comp.querySelector('.save-btn'));
    fake.respondDownload = () => ({ statusCode: 200, data: PDF });
    fake.openDocumentFails = true;
    await tap(comp.querySelector('.save-btn'));

    expect(fake.toasts.map((t) => t.title)).toEqual(['请求超时，请稍后再试', '收据已下载，但暂时无法打开，请稍后再试']);
    expect(comp.data.saving).toBe(false);
  });

  test('a gift not yet confirmed says what happens next and asks for no receipt', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ '/charity/donations/441': () => ok(gift({ anonymous: true })) });
    await open('gift', { id: '441' });

    expect(text(comp.querySelector('.status'))).toBe('已登记');
    expect(text(comp.querySelector('.next-step'))).toContain('工作人员确认收到后开具捐赠收据');
    expect(text(comp.querySelector('.donor'))).toBe('王秀英（匿名公示）');
    expect(text(comp.querySelector('.channel'))).toBe('微信');
    expect(comp.querySelector('.receipt')).toBeFalsy();
    expect(fake.requestsTo('/receipt')).toHaveLength(0);
  });

  test('a voided gift says 已作废 and why', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      '/charity/donations/441': () =>
        ok(gift({ status: 'voided', status_name: '已作废', void_reason: '重复登记', voided_at: '2026-11-30T08:00:00+00:00' })),
    });
    await open('gift', { id: '441' });

    expect(text(comp.querySelector('.status'))).toBe('已作废');
    expect(text(comp.querySelector('.void-reason'))).toBe('作废原因：重复登记');
    expect(text(comp.querySelector('.voided'))).toBe('2026-11-30 16:00');
  });

  test('a receipt that cannot be had yet (409) says so, with a way to try again', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ '/charity/donations/441/receipt': () => problem(409, '捐赠确认后才能开具收据。', 'not_confirmed') });
    await open('gift', { id: '441' });

    expect(text(comp.querySelector('.receipt-error'))).toBe('捐赠确认后才能开具收据。');
    expect(comp.querySelector('.save-btn')).toBeFalsy();
    fake.respond = server();
    await tap(comp.querySelector('.receipt-retry'));
    expect(text(comp.querySelector('.receipt-words'))).toBe('壹佰元伍角整');
  });

  test('someone else’s gift (404) says it was not found', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ '/charity/donations/441': () => problem(404, '没有找到这笔捐赠。', 'donation_not_found') });
    await open('gift', { id: '441' });
    expect(text(comp.querySelector('.error-box'))).toContain('没有找到这笔捐赠。');
  });

  test('not logged in: a login button, then the gift', async () => {
    await open('gift', { id: '441' });
    expect(comp.querySelector('.login-card')).toBeTruthy();
    expect(fake.requestsTo('/charity/donations/441')).toHaveLength(0);

    await tap(comp.querySelector('.login-btn'), 20);
    expect(text(comp.querySelector('.status'))).toBe('已确认');
  });
});

describe('阳光民政: the public ledger', () => {
  test('money in and out, the balance, by purpose and by month, recent gifts, units and disbursements', async () => {
    fake.storage.tokens = TOKENS;
    await open('ledger', { id: '1' });

    const req = fake.requestsTo('/public/charity/campaigns/1/report')[0];
    expect(req.header.Authorization).toBeUndefined(); // public: no token, even when logged in
    expect(text(comp.querySelector('.name'))).toBe('2013年慈善一日捐');
    expect(text(comp.querySelector('.in-money'))).toBe('8,958,900 元');
    expect(text(comp.querySelector('.in-goods'))).toBe('180,000 元');
    expect(text(comp.querySelector('.out-money'))).toBe('7,856,800 元');
    expect(text(comp.querySelector('.balance'))).toBe('1,102,100 元');

    expect(all('.purpose-row')).toEqual(['助学（60 笔）2,620,000 元', '助困（60 笔）3,116,800 元', '助医（60 笔）2,120,000 元']);
    expect(all('.month-name')).toEqual(['2013年12月', '2013年4月', '2013年3月']); // the latest first
    expect(all('.month-in')[1]).toBe('975,870.62 元');
    expect(all('.month-goods')[0]).toBe('33,515.98 元');
    expect(all('.month-out')[0]).toBe('325,020.84 元');

    // The recent gifts: names masked by the server (surname kept) or 爱心人士; five first, then all.
    expect(all('.donor')).toEqual(['王**', '孙**', '爱心人士', '张**', '郭**']);
    expect(all('.donation-row')[1]).toBe('孙**2013-11-24大米（估价）5,586.10 元');
    await tap(comp.querySelector('.toggle-donations'));
    expect(all('.donor')).toHaveLength(6);
    expect(text(comp.querySelector('.toggle-donations'))).toBe('收起');

    expect(all('.unit-row')[0]).toBe('柯城区教育局（演示）（41 笔）904,892.85 元');
    expect(all('.recipient')).toEqual(['助医 · 高**', '助医 · 刘**']);
    expect(all('.disbursement-row .sub')).toEqual(['2013-07-30', '2013-08-09']);
    expect(text(comp.querySelector('.summary .note'))).toContain('匿名捐赠显示为“爱心人士”');
  });

  test('a campaign with nothing yet says so in each part', async () => {
    fake.respond = server({
      '/public/charity/campaigns/2/report': () =>
        ok({ campaign: campaign(), by_purpose: [], by_month: [], recent_donations: [], units: [], recent_disbursements: [] }),
    });
    await open('ledger', { id: '2' });

    expect(text(comp.querySelector('.recent-donations'))).toContain('还没有已确认的捐赠。');
    expect(text(comp.querySelector('.recent-disbursements'))).toContain('还没有支出。');
    expect(comp.querySelector('.toggle-btn')).toBeFalsy();
  });

  test('a purpose with money and goods: the amounts may go under the label, breaking only between money and goods', async () => {
    const withGoods = report();
    withGoods.by_purpose[1] = Object.assign({}, withGoods.by_purpose[1], { goods_fen: 18000000, count: 655 });
    fake.respond = server({ '/public/charity/campaigns/1/report': () => ok(withGoods) });
    await open('ledger', { id: '1' });

    expect(all('.purpose-row')[1]).toBe('助困（655 笔）3,116,800 元，物资 180,000 元');
    expect(all('.purpose-money')).toEqual(['2,620,000 元', '3,116,800 元，', '2,120,000 元']);
    expect(all('.purpose-goods')).toEqual(['物资 180,000 元']); // only where there are goods
    const style = (selector) => getComputedStyle(comp.querySelectorAll(selector)[1].dom);
    expect(style('.purpose-row').flexWrap).toBe('wrap'); // the label keeps its line, the amounts go under it
    expect(style('.purpose-label').flexShrink).toBe('0');
    expect(style('.purpose-money').whiteSpace).toBe('nowrap'); // never inside a figure
    expect(getComputedStyle(comp.querySelector('.purpose-goods').dom).whiteSpace).toBe('nowrap');
  });

  test('an unknown campaign says so', async () => {
    await open('ledger', { id: '999' });
    expect(text(comp.querySelector('.error-box'))).toContain('没有找到这个募捐活动。');
  });
});

describe('关怀模式 on the 慈善 pages', () => {
  test.each(['campaigns', 'ledger'])('%s carries the care class when the mode is on', async (page) => {
    fake.storage.careMode = true;
    launchApp();
    await open(page, { id: '1' });
    expect(comp.querySelector('.page').dom.className).toMatch(/--care\b/);
  });

  // common.wxss: the big figures are 22 px, 26 px only in the care mode; the wide label and the amount keep their
  // normal rules in both modes.
  test.each([
    ['normal', '22px', false],
    ['关怀模式', '26px', true],
  ])('%s: the ledger balance (.big-value) is %s', async (_mode, size, care) => {
    fake.storage.careMode = care;
    launchApp();
    await open('ledger', { id: '1' });
    const style = (selector) => getComputedStyle(comp.querySelector(selector).dom);
    expect(style('.balance').fontSize).toBe(size);
    expect(parseFloat(style('.unit-row .wide').minWidth)).toBe(0);
    expect(style('.unit-row .amount').whiteSpace).toBe('nowrap');
  });
});
