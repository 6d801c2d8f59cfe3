// A `wx` that behaves like WeChat's where it matters to our code:
// - request calls `success` with {statusCode, data, header, errMsg} for EVERY HTTP status, and `fail` with
//   {errMsg} only when the network fails; answers arrive asynchronously;
// - getStorageSync returns '' for a missing key;
// - getLocation asks like WeChat: a permission refused before fails at once ('auth deny'), one never asked is
//   answered with fake.locationPrompt ('allow' | 'deny'), and the privacy guide is asked first when
//   fake.locationNeedsPrivacy (through the listener registered with onNeedPrivacyAuthorization);
// - the other APIs record their calls so tests can assert on them.
// Answers are given by `fake.respond = (req) => ({statusCode, data}) | {fail: 'request:fail ...'}`.
// downloadFile is answered the same way through `fake.respondDownload = (req) => ({statusCode, data}) |
// {fail}`: like WeChat, `success` for every status with a tempFilePath whose content readFileSync returns.
// uploadFile (救助 documents) is answered through `fake.respondUpload = (req) => ({statusCode, data, progress}) |
// {fail}`: like WeChat, `success` for every status with res.data as a STRING, after the UploadTask's
// onProgressUpdate listeners got each of `progress` (default [30, 70, 100]); `hold: true` keeps the answer back
// until the test calls fake.heldUploads.shift()(). chooseMedia / chooseMessageFile give
// fake.chosenMedia / fake.chosenFiles ({cancel: true} to cancel); requestSubscribeMessage answers every template
// with fake.subscribeAnswer ('accept' | 'reject', or {fail: errMsg}).

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
    authSetting: {},
    location: { latitude: 28.969, longitude: 118.873 },
    locationError: null, // e.g. 'getLocation:fail:ERROR_NOCELL&WIFI_LOCATIONSWITCHOFF'
    locationPrompt: 'allow',
    locationNeedsPrivacy: false,
    locationCalls: [],
    settingChoice: {}, // what the user switches on in wx.openSetting
    settingsOpened: 0,
    openedLocations: [],
    switchedTabs: [],
    downloads: [],
    respondDownload: notFound,
    files: {}, // tempFilePath → content
    openedDocuments: [],
    openDocumentFails: false,
    uploads: [],
    heldUploads: [],
    respondUpload: notFound,
    chosenMedia: [],
    chosenFiles: [],
    mediaRequests: [],
    subscribeAnswer: 'accept',
    subscribeRequests: [],
    previewedImages: [], // wx.previewImage calls (工作台 documents)

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
      this.authSetting = {};
      this.location = { latitude: 28.969, longitude: 118.873 };
      this.locationError = null;
      this.locationPrompt = 'allow';
      this.locationNeedsPrivacy = false;
      this.locationCalls = [];
      this.settingChoice = {};
      this.settingsOpened = 0;
      this.openedLocations = [];
      this.switchedTabs = [];
      this.downloads = [];
      this.respondDownload = notFound;
      this.files = {};
      this.openedDocuments = [];
      this.openDocumentFails = false;
      this.uploads = [];
      this.heldUploads = [];
      this.respondUpload = notFound;
      this.chosenMedia = [];
      this.chosenFiles = [];
      this.mediaRequests = [];
      this.subscribeAnswer = 'accept';
      this.subscribeRequests = [];
      this.previewedImages = [];
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
      const wireMethod = options.method || 'GET';
      if (!['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'].includes(wireMethod)) {
        // As on a phone: wx.request knows no other method (PATCH included).
        later(() => options.fail && options.fail({ errMsg: 'request:fail method is invalid' }));
        return { abort() {} };
      }
      const header = Object.assign({}, options.header);
      const override = wireMethod === 'POST' && header['X-HTTP-Method-Override'];
      const req = {
        url: options.url,
        // The method the server acts on (it reads X-HTTP-Method-Override on a POST), and the one
        // that went over the wire.
        method: override || wireMethod,
        wireMethod,
        data: clone(options.data),
        header,
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
    navigateBack: (o) => {
      fake.navigations.push(Object.assign({ back: true }, o));
    },
    redirectTo: (o) => {
      fake.navigations.push(Object.assign({ redirect: true }, o));
    },
    switchTab: (o) => {
      fake.switchedTabs.push(o);
    },

    getSetting: (o) =>
      later(() => o.success && o.success({ authSetting: Object.assign({}, fake.authSetting), errMsg: 'getSetting:ok' })),
    openSetting: (o) => {
      fake.settingsOpened += 1;
      Object.assign(fake.authSetting, fake.settingChoice);
      later(() => o.success && o.success({ authSetting: Object.assign({}, fake.authSetting), errMsg: 'openSetting:ok' }));
    },
    getLocation: (o) => {
      fake.locationCalls.push({ type: o.type });
      const fail = (errMsg) => later(() => o.fail && o.fail({ errMsg }));
      const answer = () => {
        const scope = fake.authSetting['scope.userLocation'];
        if (scope === false) return fail('getLocation:fail auth deny');
        if (scope === undefined) {
          fake.authSetting['scope.userLocation'] = fake.locationPrompt === 'allow';
          if (fake.locationPrompt !== 'allow') return fail('getLocation:fail auth deny');
        }
        if (fake.locationError) return fail(fake.locationError);
        return later(() =>
          o.success && o.success(Object.assign({ speed: -1, accuracy: 30, errMsg: 'getLocation:ok' }, fake.location)),
        );
      };
      if (fake.locationNeedsPrivacy && fake.privacyListener) {
        fake.privacyListener(
          (res) => {
            if (res && res.event === 'agree') {
              fake.locationNeedsPrivacy = false;
              answer();
            } else {
              fail('getLocation:fail privacy permission is not authorized');
            }
          },
          { referrer: 'wx.getLocation' },
        );
        return;
      }
      answer();
    },
    openLocation: (o) => {
      fake.openedLocations.push(o);
      later(() => o.success && o.success({ errMsg: 'openLocation:ok' }));
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

    downloadFile(options) {
      const req = { url: options.url, header: Object.assign({}, options.header) };
      fake.downloads.push(req);
      later(() => {
        const answer = fake.respondDownload(req);
        if (answer && answer.fail) {
          if (options.fail) options.fail({ errMsg: answer.fail });
          return;
        }
        const tempFilePath = `wxfile://tmp_${fake.downloads.length}`;
        fake.files[tempFilePath] = typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data);
        if (options.success) options.success({ statusCode: answer.statusCode, tempFilePath, errMsg: 'downloadFile:ok' });
      });
      return { abort() {}, onProgressUpdate() {} };
    },
    getFileSystemManager: () => ({
      readFileSync: (filePath) => {
        if (!Object.prototype.hasOwnProperty.call(fake.files, filePath)) throw new Error('readFileSync:fail no such file');
        return fake.files[filePath];
      },
    }),
    uploadFile(options) {
      const req = {
        url: options.url,
        filePath: options.filePath,
        name: options.name,
        formData: clone(options.formData),
        header: Object.assign({}, options.header),
      };
      fake.uploads.push(req);
      const listeners = [];
      later(() => {
        const answer = fake.respondUpload(req);
        if (answer && answer.fail) {
          if (options.fail) options.fail({ errMsg: answer.fail });
          return;
        }
        (answer.progress || [30, 70, 100]).forEach((progress) =>
          listeners.forEach((fn) => fn({ progress, totalBytesSent: progress, totalBytesExpectedToSend: 100 })),
        );
        const data = typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data === undefined ? '' : answer.data);
        const finish = () => options.success && options.success({ statusCode: answer.statusCode, data, errMsg: 'uploadFile:ok' });
        // hold: the answer waits (mid-upload, after the progress) until the test calls fake.heldUploads.shift()().
        if (answer.hold) fake.heldUploads.push(finish);
        else finish();
      });
      return { abort() {}, onProgressUpdate: (fn) => listeners.push(fn), offProgressUpdate() {} };
    },
    chooseMedia: (o) => {
      fake.mediaRequests.push({ api: 'chooseMedia', count: o.count, mediaType: o.mediaType, sourceType: o.sourceType });
      later(() => {
        if (fake.chosenMedia && fake.chosenMedia.cancel) return o.fail && o.fail({ errMsg: 'chooseMedia:fail cancel' });
        return o.success && o.success({ type: 'image', tempFiles: clone(fake.chosenMedia), errMsg: 'chooseMedia:ok' });
      });
    },
    chooseMessageFile: (o) => {
      fake.mediaRequests.push({ api: 'chooseMessageFile', count: o.count, type: o.type, extension: o.extension });
      later(() => {
        if (fake.chosenFiles && fake.chosenFiles.cancel) return o.fail && o.fail({ errMsg: 'chooseMessageFile:fail cancel' });
        return o.success && o.success({ tempFiles: clone(fake.chosenFiles), errMsg: 'chooseMessageFile:ok' });
      });
    },
    requestSubscribeMessage: (o) => {
      fake.subscribeRequests.push({ tmplIds: (o.tmplIds || []).slice() });
      later(() => {
        const answer = fake.subscribeAnswer;
        if (answer && answer.fail) {
          const res = { errMsg: answer.fail, errCode: 20004 };
          if (o.fail) o.fail(res);
          if (o.complete) o.complete(res);
          return;
        }
        const res = { errMsg: 'requestSubscribeMessage:ok' };
        (o.tmplIds || []).forEach((id) => {
          res[id] = answer;
        });
        if (o.success) o.success(res);
        if (o.complete) o.complete(res);
      });
    },
    previewImage: (o) => {
      fake.previewedImages.push({ urls: (o.urls || []).slice(), current: o.current });
      later(() => o.success && o.success({ errMsg: 'previewImage:ok' }));
    },
    openDocument: (o) => {
      fake.openedDocuments.push(o);
      later(() => {
        if (fake.openDocumentFails) {
          if (o.fail) o.fail({ errMsg: 'openDocument:fail filetype not supported' });
        } else if (o.success) {
          o.success({ errMsg: 'openDocument:ok' });
        }
      });
    },
  };

  return { fake, wx };
}

module.exports = { createFakeWx };
