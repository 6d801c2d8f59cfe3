// A `wx` that behaves like WeChat's where it matters to our code:
// - request calls `success` with {statusCode, data, header, errMsg} for EVERY HTTP status, and `fail` with
//   {errMsg} only when the network fails; answers arrive asynchronously;
// - getStorageSync returns '' for a missing key;
// - the other APIs record their calls so tests can assert on them.
// Answers are given by `fake.respond = (req) => ({statusCode, data}) | {fail: 'request:fail ...'}`.

const notFound = () => ({
  statusCode: 404,
  data: { code: 404, status: 'Not Found', message: '没有找到您要的内容', error: 'not_found' },
});

function createFakeWx() {
  const fake = {
    storage: {},
    requests: [],
    toasts: [],
    phoneCalls: [],
    navigations: [],
    modals: [],
    networkType: 'wifi',
    fontSizeSetting: 16,
    needPrivacyAuthorization: false,
    privacyListener: null,
    loginCode: 'wx-code-1',
    respond: notFound,

    reset() {
      this.storage = {};
      this.requests = [];
      this.toasts = [];
      this.phoneCalls = [];
      this.navigations = [];
      this.modals = [];
      this.networkType = 'wifi';
      this.fontSizeSetting = 16;
      this.needPrivacyAuthorization = false;
      this.privacyListener = null;
      this.loginCode = 'wx-code-1';
      this.respond = notFound;
    },

    /** Requests whose URL ends with the given path (query strings are not part of wx.request's url here). */
    requestsTo(path) {
      return this.requests.filter((r) => r.url.endsWith(path));
    },
  };

  const later = (fn) => setTimeout(fn, 0);
  const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

  const wx = {
    request(options) {
      const req = {
        url: options.url,
        method: options.method || 'GET',
        data: clone(options.data),
        header: Object.assign({}, options.header),
      };
      fake.requests.push(req);
      later(() => {
        let answer;
        try {
          answer = fake.respond(req);
        } catch (e) {
          answer = { statusCode: 500, data: { code: 500, message: '服务器内部错误' } };
        }
        if (answer && answer.fail) {
          const res = { errMsg: answer.fail };
          if (options.fail) options.fail(res);
          if (options.complete) options.complete(res);
          return;
        }
        const res = {
          statusCode: answer.statusCode,
          data: answer.data === undefined ? '' : clone(answer.data),
          header: answer.header || { 'Content-Type': 'application/json' },
          errMsg: 'request:ok',
        };
        if (options.success) options.success(res);
        if (options.complete) options.complete(res);
      });
      return { abort() {} };
    },

    getStorageSync: (key) => (Object.prototype.hasOwnProperty.call(fake.storage, key) ? clone(fake.storage[key]) : ''),
    setStorageSync: (key, value) => {
      fake.storage[key] = clone(value);
    },
    removeStorageSync: (key) => {
      delete fake.storage[key];
    },
    clearStorageSync: () => {
      fake.storage = {};
    },

    getNetworkType: (o) => later(() => o.success && o.success({ networkType: fake.networkType, errMsg: 'getNetworkType:ok' })),
    getAppBaseInfo: () => ({ SDKVersion: '3.4.0', fontSizeSetting: fake.fontSizeSetting, language: 'zh_CN', theme: 'light' }),

    login: (o) => later(() => o.success && o.success({ code: fake.loginCode, errMsg: 'login:ok' })),

    showToast: (o) => {
      fake.toasts.push(o);
    },
    showModal: (o) => {
      fake.modals.push(o);
      later(() => o.success && o.success({ confirm: true, cancel: false }));
    },
    makePhoneCall: (o) => {
      fake.phoneCalls.push(o);
    },
    navigateTo: (o) => {
      fake.navigations.push(o);
    },

    onNeedPrivacyAuthorization: (listener) => {
      fake.privacyListener = listener;
    },
    getPrivacySetting: (o) =>
      later(() =>
        o.success &&
        o.success({ needAuthorization: fake.needPrivacyAuthorization, privacyContractName: '《衢州民政小程序隐私保护指引》' }),
      ),
    openPrivacyContract: (o) => later(() => o && o.success && o.success({})),
  };

  return { fake, wx };
}

module.exports = { createFakeWx };
