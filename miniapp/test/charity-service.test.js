// services/charity.js: one function per endpoint, each with the path, method, query, headers and token the
// API expects (server/api/charity.py). Public reads go without a token; gifts go with it.
const charity = require('../services/charity');
const config = require('../config');

const fake = global.fakeWx;
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };

beforeEach(() => {
  fake.reset();
  fake.storage.tokens = TOKENS;
  fake.respond = () => ({ statusCode: 200, data: {} });
});

const last = () => fake.requests[fake.requests.length - 1];

test.each([
  ['listCampaigns', 'GET', '/charity/campaigns', () => charity.listCampaigns(), { page: 1, page_size: 20 }, false],
  ['getCampaign', 'GET', '/charity/campaigns/2', () => charity.getCampaign(2), undefined, false],
  ['searchUnits', 'GET', '/charity/units', () => charity.searchUnits('教育'), { q: '教育', page_size: 8 }, false],
  ['myDonations', 'GET', '/charity/donations', () => charity.myDonations({ page: 2 }), { mine: 1, page: 2, page_size: 20 }, true],
  ['getDonation', 'GET', '/charity/donations/441', () => charity.getDonation(441), undefined, true],
  ['getReceipt', 'GET', '/charity/donations/441/receipt', () => charity.getReceipt(441), undefined, true],
  ['campaignReport', 'GET', '/public/charity/campaigns/1/report', () => charity.campaignReport(1), undefined, false],
])('%s → %s %s', async (name, method, path, call, data, withToken) => {
  await call();
  expect(last().url).toBe(`${config.baseUrl}${path}`);
  expect(last().method).toBe(method);
  expect(last().data).toEqual(data);
  expect(last().header.Authorization).toBe(withToken ? 'Bearer access-1' : undefined);
});

test('logDonation posts the body with the Idempotency-Key header and the token', async () => {
  const body = { campaign_id: 2, kind: 'money', amount_fen: 10050, channel: 'wechat', anonymous: false };
  await charity.logDonation(body, 'gift-abc');
  expect(last()).toMatchObject({
    url: `${config.baseUrl}/charity/donations`,
    method: 'POST',
    data: body,
    header: { 'Idempotency-Key': 'gift-abc', Authorization: 'Bearer access-1', 'content-type': 'application/json' },
  });
});

test('downloadReceiptPdf downloads ?format=pdf with the token and resolves with the file path', async () => {
  fake.respondDownload = () => ({ statusCode: 200, data: '%PDF-1.4' });
  const filePath = await charity.downloadReceiptPdf(441);
  expect(filePath).toBe('wxfile://tmp_1');
  expect(fake.downloads[0]).toEqual({
    url: `${config.baseUrl}/charity/donations/441/receipt?format=pdf`,
    header: { Authorization: 'Bearer access-1' },
  });
});

test('a download error that is not JSON gets the fallback sentence and keeps its status', async () => {
  fake.respondDownload = () => ({ statusCode: 502, data: '<html>Bad Gateway</html>' });
  const err = await charity.downloadReceiptPdf(441).catch((e) => e);
  expect(err.message).toBe('服务暂时不可用，请稍后再试');
  expect(err.statusCode).toBe(502);
});

test('a download with no network says so plainly', async () => {
  fake.networkType = 'none';
  fake.respondDownload = () => ({ fail: 'downloadFile:fail' });
  const err = await charity.downloadReceiptPdf(441).catch((e) => e);
  expect(err.message).toBe('网络未连接，请检查网络后重试');
  expect(err.statusCode).toBe(0);
});
