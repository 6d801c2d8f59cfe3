const { request, showError } = require('../utils/request');
const config = require('../config');

const fake = global.fakeWx;

const ok = (data) => ({ statusCode: 200, data });
const problem = (statusCode, message, error, errors) => ({
  statusCode,
  data: { code: statusCode, status: 'Error', message, error, errors },
});
const bearer = (req) => req.header.Authorization;

beforeEach(() => fake.reset());

describe('request', () => {
  test('a 2xx answer resolves with the body, sent to the base URL with the stored Bearer token', async () => {
    fake.storage.tokens = { access_token: 'access-1', refresh_token: 'refresh-1' };
    fake.respond = () => ok({ id: 7, name: '张*明' });

    const body = await request({ url: '/me' });

    expect(body).toEqual({ id: 7, name: '张*明' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].url).toBe(`${config.baseUrl}/me`);
    expect(fake.requests[0].method).toBe('GET');
    expect(bearer(fake.requests[0])).toBe('Bearer access-1');
  });

  test('auth: false sends no Authorization header even when logged in', async () => {
    fake.storage.tokens = { access_token: 'access-1', refresh_token: 'refresh-1' };
    fake.respond = () => ok({ items: [] });

    await request({ url: '/public/notices', auth: false });

    expect(bearer(fake.requests[0])).toBeUndefined();
  });

  test('a 4xx answer rejects with the server’s Chinese message, status, error and errors', async () => {
    fake.respond = () =>
      problem(422, '身份证号码校验位不正确', 'validation_failed', { json: { id_number: ['校验位不正确'] } });

    const err = await request({ url: '/applications', method: 'POST', data: { id_number: 'x' } }).catch((e) => e);

    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('身份证号码校验位不正确');
    expect(err.statusCode).toBe(422);
    expect(err.error).toBe('validation_failed');
    expect(err.errors).toEqual({ json: { id_number: ['校验位不正确'] } });
  });

  test('an error without a Chinese message (a proxy page, a framework default) gets the fallback sentence', async () => {
    fake.respond = () => ({ statusCode: 502, data: '<html>Bad Gateway</html>' });
    const err = await request({ url: '/me', auth: false }).catch((e) => e);
    expect(err.message).toBe('服务暂时不可用，请稍后再试');
    expect(err.statusCode).toBe(502);

    fake.respond = () => problem(404, 'Not Found', 'not_found');
    const err2 = await request({ url: '/nothing', auth: false }).catch((e) => e);
    expect(err2.message).toBe('服务暂时不可用，请稍后再试');
  });

  test('a 401 refreshes the tokens once, stores them and retries the request', async () => {
    fake.storage.tokens = { access_token: 'old-access', refresh_token: 'old-refresh' };
    fake.respond = (req) => {
      if (req.url.endsWith('/auth/refresh')) {
        return ok({ access_token: 'new-access', refresh_token: 'new-refresh', token_type: 'Bearer', expires_in: 7200 });
      }
      return bearer(req) === 'Bearer new-access' ? ok({ id: 7 }) : problem(401, '请先登录', 'token_expired');
    };

    const body = await request({ url: '/me' });

    expect(body).toEqual({ id: 7 });
    const refreshes = fake.requestsTo('/auth/refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].method).toBe('POST');
    expect(refreshes[0].data).toEqual({ refresh_token: 'old-refresh' });
    expect(bearer(refreshes[0])).toBeUndefined();
    expect(fake.requestsTo('/me').map(bearer)).toEqual(['Bearer old-access', 'Bearer new-access']);
    expect(fake.storage.tokens).toEqual({ access_token: 'new-access', refresh_token: 'new-refresh' });
  });

  test('a 401 whose refresh is refused clears the tokens and asks the user to log in again', async () => {
    fake.storage.tokens = { access_token: 'old-access', refresh_token: 'revoked' };
    fake.respond = (req) =>
      req.url.endsWith('/auth/refresh')
        ? problem(401, '登录凭证已失效', 'refresh_token_revoked')
        : problem(401, '请先登录', 'token_expired');

    const err = await request({ url: '/me' }).catch((e) => e);

    expect(err.message).toBe('登录已过期，请重新登录');
    expect(err.statusCode).toBe(401);
    expect(fake.storage.tokens).toBeUndefined();
    expect(fake.requestsTo('/me')).toHaveLength(1); // no retry without a fresh token
  });

  test('two concurrent 401s share one refresh and both succeed', async () => {
    fake.storage.tokens = { access_token: 'old-access', refresh_token: 'old-refresh' };
    fake.respond = (req) => {
      if (req.url.endsWith('/auth/refresh')) return ok({ access_token: 'new-access', refresh_token: 'new-refresh' });
      if (bearer(req) !== 'Bearer new-access') return problem(401, '请先登录', 'token_expired');
      return ok({ url: req.url });
    };

    const [a, b] = await Promise.all([request({ url: '/me' }), request({ url: '/applications' })]);

    expect(a).toEqual({ url: `${config.baseUrl}/me` });
    expect(b).toEqual({ url: `${config.baseUrl}/applications` });
    expect(fake.requestsTo('/auth/refresh')).toHaveLength(1);
    expect(fake.requestsTo('/me')).toHaveLength(2);
    expect(fake.requestsTo('/applications')).toHaveLength(2);
  });

  test('a 401 for a token another request has already replaced retries without a second refresh', async () => {
    fake.storage.tokens = { access_token: 'old-access', refresh_token: 'old-refresh' };
    fake.respond = (req) => {
      if (bearer(req) === 'Bearer old-access') {
        // while this request was in flight, someone else refreshed
        fake.storage.tokens = { access_token: 'new-access', refresh_token: 'new-refresh' };
        return problem(401, '请先登录', 'token_expired');
      }
      return ok({ fine: true });
    };

    await expect(request({ url: '/me' })).resolves.toEqual({ fine: true });
    expect(fake.requestsTo('/auth/refresh')).toHaveLength(0);
  });

  test('a busy server during refresh (503) keeps the tokens and passes its message on', async () => {
    fake.storage.tokens = { access_token: 'old-access', refresh_token: 'old-refresh' };
    fake.respond = (req) =>
      req.url.endsWith('/auth/refresh')
        ? problem(503, '系统繁忙，请稍后再试', 'unavailable')
        : problem(401, '请先登录', 'token_expired');

    const err = await request({ url: '/me' }).catch((e) => e);

    expect(err.message).toBe('系统繁忙，请稍后再试');
    expect(err.statusCode).toBe(503);
    expect(fake.storage.tokens).toEqual({ access_token: 'old-access', refresh_token: 'old-refresh' });
  });

  test('a network failure with no network at all says the phone is offline', async () => {
    fake.networkType = 'none';
    fake.respond = () => ({ fail: 'request:fail net::ERR_INTERNET_DISCONNECTED' });

    const err = await request({ url: '/facilities/nearby' }).catch((e) => e);

    expect(err.message).toBe('网络未连接，请检查网络后重试');
    expect(err.statusCode).toBe(0);
    expect(err.error).toBe('network_offline');
  });

  test('a timeout says so', async () => {
    fake.respond = () => ({ fail: 'request:fail timeout' });
    const err = await request({ url: '/me' }).catch((e) => e);
    expect(err.message).toBe('请求超时，请稍后再试');
  });

  test('another network failure on a working network says the network is unstable', async () => {
    fake.networkType = '4g';
    fake.respond = () => ({ fail: 'request:fail ssl hand shake error' });
    const err = await request({ url: '/me' }).catch((e) => e);
    expect(err.message).toBe('网络不稳定，请稍后再试');
  });

  test('showError puts the message in a toast without an icon', () => {
    showError(new Error('身份证号码校验位不正确'));
    expect(fake.toasts).toHaveLength(1);
    expect(fake.toasts[0]).toMatchObject({ title: '身份证号码校验位不正确', icon: 'none' });
  });
});
