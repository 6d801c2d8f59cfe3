// services/assistance.js: one function per /assistance endpoint, the public ones without a token; and
// utils/request.upload(), the only caller of wx.uploadFile: the token, one refresh on 401, progress from the
// UploadTask, and res.data — a STRING, as WeChat gives it — parsed or turned into a readable error.
const assistance = require('../services/assistance');
const { upload } = require('../utils/request');
const config = require('../config');
const fx = require('./fixtures/assistance');

const fake = global.fakeWx;
const ok = (data, statusCode = 200) => ({ statusCode, data });
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };

beforeEach(() => fake.reset());

describe('services/assistance', () => {
  test('the programs and the self-check are public: no token goes with them even when logged in', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = (req) => (req.url.endsWith('/programs') ? ok(fx.programs()) : ok(fx.eligible()));

    await assistance.listPrograms('330800');
    const body = { program: 'dibao', region_code: '330802', is_urban: true, members: [], assets: {} };
    const result = await assistance.checkEligibility(body);

    const [programs, check] = fake.requests;
    expect(programs.url).toBe(`${config.baseUrl}/assistance/programs`);
    expect(programs.data).toEqual({ region_code: '330800' });
    expect(programs.header.Authorization).toBeUndefined();
    expect(check.method).toBe('POST');
    expect(check.url).toBe(`${config.baseUrl}/assistance/eligibility`);
    expect(check.data).toEqual(body);
    expect(check.header.Authorization).toBeUndefined();
    expect(result.amount_fen).toBe(66000);
  });

  test('drafts, edits, submits and withdrawals carry the token, the version, and the keys of retried writes', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = () => ok(fx.application());

    await assistance.createApplication({ program: 'dibao' }, 'asst-new-1');
    await assistance.updateApplication(13, { version: 1, reason: '困难' });
    await assistance.submitApplication(13, 2, 'asst-submit-1');
    await assistance.withdrawApplication(13, 3);
    await assistance.myApplications();
    await assistance.getApplication(13);
    await assistance.deleteAttachment(13, 'abc');

    const seen = fake.requests.map((r) => [r.method, r.url.replace(config.baseUrl, ''), r.data, r.header['Idempotency-Key']]);
    expect(seen).toEqual([
      ['POST', '/assistance/applications', { program: 'dibao' }, 'asst-new-1'],
      ['PATCH', '/assistance/applications/13', { version: 1, reason: '困难' }, undefined],
      ['POST', '/assistance/applications/13/submit', { version: 2 }, 'asst-submit-1'],
      ['POST', '/assistance/applications/13/withdraw', { version: 3 }, undefined],
      ['GET', '/assistance/applications', { mine: 1, page: 1, page_size: 20 }, undefined],
      ['GET', '/assistance/applications/13', undefined, undefined],
      ['DELETE', '/assistance/applications/13/attachments/abc', undefined, undefined],
    ]);
    expect(fake.requests.every((r) => r.header.Authorization === 'Bearer access-1')).toBe(true);
  });
});

describe('upload (wx.uploadFile)', () => {
  test('sends the file as multipart "file" with its kind and the token, follows the progress, and parses the string body', async () => {
    fake.storage.tokens = TOKENS;
    fake.respondUpload = () => ({ statusCode: 201, data: JSON.stringify(fx.attachment()), progress: [12, 58, 100] });
    const progress = [];

    const attachment = await assistance.uploadAttachment(13, {
      filePath: 'wxfile://tmp_hukou.jpg',
      kind: '户口簿',
      onProgress: (p) => progress.push(p),
    });

    expect(attachment).toEqual(fx.attachment());
    expect(progress).toEqual([12, 58, 100]);
    expect(fake.uploads).toEqual([
      {
        url: `${config.baseUrl}/assistance/applications/13/attachments`,
        filePath: 'wxfile://tmp_hukou.jpg',
        name: 'file',
        formData: { kind: '户口簿' },
        header: { Authorization: 'Bearer access-1' },
      },
    ]);
  });

  test('401 → one refresh → the same file again with the new token', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = (req) => (req.url.endsWith('/auth/refresh') ? ok({ access_token: 'access-2', refresh_token: 'refresh-2' }) : ok({}));
    fake.respondUpload = (req) =>
      req.header.Authorization === 'Bearer access-2'
        ? { statusCode: 201, data: JSON.stringify(fx.attachment()) }
        : { statusCode: 401, data: JSON.stringify({ code: 401, message: '登录已过期', error: 'token_expired' }) };

    const attachment = await upload({ url: '/assistance/applications/13/attachments', filePath: 'wxfile://a.jpg' });

    expect(attachment.id).toBe(fx.attachment().id);
    expect(fake.uploads.map((u) => u.header.Authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(fake.requestsTo('/auth/refresh')[0].data).toEqual({ refresh_token: 'refresh-1' });
    expect(fake.storage.tokens.access_token).toBe('access-2');
  });

  test("a refused file is an Error with the server's Chinese message, parsed from the string", async () => {
    fake.storage.tokens = TOKENS;
    fake.respondUpload = () => ({
      statusCode: 413,
      data: JSON.stringify({ code: 413, status: 'Payload Too Large', message: '文件不能超过 5 MB。', error: 'file_too_large' }),
    });

    const err = await upload({ url: '/assistance/applications/13/attachments', filePath: 'wxfile://big.jpg' }).catch((e) => e);

    expect(err).toBeInstanceOf(Error);
    expect(err.statusCode).toBe(413);
    expect(err.message).toBe('文件不能超过 5 MB。');
    expect(err.error).toBe('file_too_large');
  });

  test('a body that is not JSON (a proxy page) gives the fallback sentence, not a crash', async () => {
    fake.respondUpload = () => ({ statusCode: 502, data: '<html>Bad Gateway</html>' });
    const err = await upload({ url: '/x', filePath: 'wxfile://a.jpg', auth: false }).catch((e) => e);
    expect(err.statusCode).toBe(502);
    expect(err.message).toBe('服务暂时不可用，请稍后再试');
  });

  test('no network: said plainly', async () => {
    fake.networkType = 'none';
    fake.respondUpload = () => ({ fail: 'uploadFile:fail' });
    const err = await upload({ url: '/x', filePath: 'wxfile://a.jpg' }).catch((e) => e);
    expect(err.statusCode).toBe(0);
    expect(err.message).toBe('网络未连接，请检查网络后重试');
  });
});
