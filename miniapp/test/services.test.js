const auth = require('../services/auth');
const { listRegions, pickerRoot } = require('../services/regions');

const fake = global.fakeWx;

beforeEach(() => fake.reset());

describe('services', () => {
  test('loginWithWechat stores both tokens and returns the user', async () => {
    fake.respond = () => ({
      statusCode: 200,
      data: { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 7200, user: { id: 1 } },
    });

    await expect(auth.loginWithWechat()).resolves.toEqual({ id: 1 });
    expect(fake.storage.tokens).toEqual({ access_token: 'a', refresh_token: 'r' });
  });

  test('a refused login leaves no tokens and passes the server’s message on', async () => {
    fake.respond = () => ({ statusCode: 400, data: { code: 400, message: '微信登录凭证无效，请重试', error: 'invalid_code' } });

    await expect(auth.loginWithWechat()).rejects.toThrow('微信登录凭证无效，请重试');
    expect(fake.storage.tokens).toBeUndefined();
  });

  test('logout forgets the tokens even when the network is down', async () => {
    fake.storage.tokens = { access_token: 'a', refresh_token: 'r' };
    fake.networkType = 'none';
    fake.respond = () => ({ fail: 'request:fail' });

    await auth.logout();

    expect(fake.requestsTo('/auth/logout')[0].data).toEqual({ refresh_token: 'r' });
    expect(fake.storage.tokens).toBeUndefined();
  });

  test('getMe and updateMe call GET and PATCH /me', async () => {
    fake.storage.tokens = { access_token: 'a', refresh_token: 'r' };
    fake.respond = (req) => ({ statusCode: 200, data: { method: req.method } });

    await expect(auth.getMe()).resolves.toEqual({ method: 'GET' });
    await expect(auth.updateMe({ name: '张三' })).resolves.toEqual({ method: 'PATCH' });
    expect(fake.requests[1].data).toEqual({ name: '张三' });
    // wx.request has no PATCH: it goes as a POST the server reads as PATCH.
    expect(fake.requests[1].wireMethod).toBe('POST');
    expect(fake.requests[1].header['X-HTTP-Method-Override']).toBe('PATCH');
  });

  test('listRegions asks for the children of a region, and sends no parent when there is none', async () => {
    fake.respond = () => ({ statusCode: 200, data: [{ code: '330802000000', name: '柯城区' }] });

    await expect(listRegions('330800000000')).resolves.toEqual([{ code: '330802000000', name: '柯城区' }]);
    await listRegions();

    expect(fake.requests[0].url).toMatch(/\/regions$/);
    expect(fake.requests[0].data).toEqual({ parent: '330800000000' });
    expect(fake.requests[1].data).toEqual({});
  });

  test('pickerRoot passes through the levels that hold one region, at most three, to the first real choice', async () => {
    const one = (code) => [{ code, name: code }];
    const answers = { '': one('33'), 33: one('3308'), 3308: [...one('330802'), ...one('330803')] };
    fake.respond = (req) => ({ statusCode: 200, data: answers[req.data.parent || ''] });
    await expect(pickerRoot()).resolves.toEqual({ path: [one('33')[0], one('3308')[0]], children: answers['3308'] });

    fake.respond = (req) => ({ statusCode: 200, data: one(`${req.data.parent || ''}9`) });
    const { path, children } = await pickerRoot();
    expect(path.map((r) => r.code)).toEqual(['9', '99', '999']);
    expect(children).toEqual(one('9999'));
  });
});
