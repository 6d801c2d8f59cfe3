// A `wx` whose network calls go over real HTTP (node's fetch), answering the way WeChat's do, for the contract
// test (test/contract.test.js):
// - request: the methods WeChat accepts (OPTIONS GET HEAD POST PUT DELETE TRACE CONNECT; anything else, PATCH
//   included, fails with 'request:fail method is invalid' as on a phone); GET data becomes the query string
//   (encodeURIComponent(k)=encodeURIComponent(v)&…), other methods send JSON (content-type application/json);
//   `success` with {statusCode, data, header, errMsg} for EVERY HTTP status, data JSON.parse'd when it parses
//   (dataType 'json'), else the text; `fail` with {errMsg} only when no answer came (network, timeout).
// - uploadFile: multipart/form-data, the file under `name` plus formData; `success` for every status with res.data
//   as a STRING, and an UploadTask whose onProgressUpdate listeners hear 100 before the answer.
// - downloadFile: `success` for every status with the body written to a temp file (tempFilePath), which
//   getFileSystemManager().readFileSync reads.
// - storage (getStorageSync '' for a missing key), getNetworkType, login (a code from `codes`), showToast.
// Every call is recorded in `log` ({api, method, url, statusCode | errMsg}).
const fs = require('fs');
const path = require('path');

const METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

function queryString(data) {
  return Object.keys(data)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(data[k])}`)
    .join('&');
}

function withQuery(url, data) {
  if (data === undefined || data === null) return url;
  const qs = typeof data === 'string' ? data : queryString(data);
  if (!qs) return url;
  return url + (url.indexOf('?') >= 0 ? '&' : '?') + qs;
}

function headerObject(headers) {
  const out = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return text;
  }
}

const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

function createLiveWx({ tmpDir, codes = [] }) {
  const storage = {};
  const log = [];
  const toasts = [];
  let fileSeq = 0;

  /** fetch with WeChat's timeout: resolves with the Response, rejects with an errMsg-shaped error. */
  async function send(api, url, init, timeout) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout || 60000);
    try {
      return await fetch(url, Object.assign({ signal: controller.signal }, init));
    } catch (err) {
      const reason = controller.signal.aborted ? 'timeout' : (err && err.cause && err.cause.code) || err.message;
      throw Object.assign(new Error(reason), { errMsg: `${api}:fail ${reason}` });
    } finally {
      clearTimeout(timer);
    }
  }

  const wx = {
    request(options) {
      const method = String(options.method || 'GET').toUpperCase();
      const header = Object.assign({}, options.header);
      const done = (fn, res) => {
        if (fn) fn(res);
        if (options.complete) options.complete(res);
      };
      if (METHODS.indexOf(method) < 0) {
        log.push({ api: 'request', method, url: options.url, errMsg: 'request:fail method is invalid' });
        setTimeout(() => done(options.fail, { errMsg: 'request:fail method is invalid' }), 0);
        return { abort() {} };
      }
      const contentTypeKey = Object.keys(header).find((k) => k.toLowerCase() === 'content-type');
      if (!contentTypeKey) header['content-type'] = 'application/json';
      const contentType = header[contentTypeKey || 'content-type'];
      let url = options.url;
      let body;
      if (method === 'GET' || method === 'HEAD') {
        url = withQuery(url, options.data);
      } else if (options.data !== undefined && options.data !== null) {
        if (typeof options.data === 'string') body = options.data;
        else if (/x-www-form-urlencoded/.test(contentType)) body = queryString(options.data);
        else body = JSON.stringify(options.data);
      }
      const entry = { api: 'request', method, url };
      log.push(entry);
      send('request', url, { method, headers: header, body }, options.timeout).then(
        async (response) => {
          const text = await response.text();
          const res = {
            statusCode: response.status,
            data: options.dataType && options.dataType !== 'json' ? text : parseJson(text),
            header: headerObject(response.headers),
            errMsg: 'request:ok',
          };
          entry.statusCode = response.status;
          done(options.success, res);
        },
        (err) => {
          entry.errMsg = err.errMsg;
          done(options.fail, { errMsg: err.errMsg });
        },
      );
      return { abort() {} };
    },

    uploadFile(options) {
      const listeners = [];
      const entry = { api: 'uploadFile', method: 'POST', url: options.url };
      log.push(entry);
      (async () => {
        const form = new FormData();
        Object.keys(options.formData || {}).forEach((k) => form.append(k, String(options.formData[k])));
        const bytes = fs.readFileSync(options.filePath);
        form.append(options.name, new Blob([bytes]), path.basename(options.filePath));
        let response;
        try {
          response = await send('uploadFile', options.url, { method: 'POST', headers: Object.assign({}, options.header), body: form }, options.timeout);
        } catch (err) {
          entry.errMsg = err.errMsg;
          if (options.fail) options.fail({ errMsg: err.errMsg });
          return;
        }
        const text = await response.text();
        entry.statusCode = response.status;
        listeners.forEach((fn) => fn({ progress: 100, totalBytesSent: bytes.length, totalBytesExpectedToSend: bytes.length }));
        if (options.success) options.success({ statusCode: response.status, data: text, errMsg: 'uploadFile:ok' });
      })();
      return { abort() {}, onProgressUpdate: (fn) => listeners.push(fn), offProgressUpdate() {} };
    },

    downloadFile(options) {
      const entry = { api: 'downloadFile', method: 'GET', url: options.url };
      log.push(entry);
      (async () => {
        let response;
        try {
          response = await send('downloadFile', options.url, { method: 'GET', headers: Object.assign({}, options.header) }, options.timeout);
        } catch (err) {
          entry.errMsg = err.errMsg;
          if (options.fail) options.fail({ errMsg: err.errMsg });
          return;
        }
        const bytes = Buffer.from(await response.arrayBuffer());
        fileSeq += 1;
        const tempFilePath = path.join(tmpDir, `download-${fileSeq}`);
        fs.writeFileSync(tempFilePath, bytes);
        entry.statusCode = response.status;
        if (options.success) options.success({ statusCode: response.status, tempFilePath, errMsg: 'downloadFile:ok' });
      })();
      return { abort() {}, onProgressUpdate() {}, offProgressUpdate() {} };
    },

    getFileSystemManager: () => ({
      readFileSync: (filePath, encoding) => fs.readFileSync(filePath, encoding),
    }),

    getStorageSync: (key) => (Object.prototype.hasOwnProperty.call(storage, key) ? clone(storage[key]) : ''),
    setStorageSync: (key, value) => {
      storage[key] = clone(value);
    },
    removeStorageSync: (key) => {
      delete storage[key];
    },
    clearStorageSync: () => {
      Object.keys(storage).forEach((k) => delete storage[k]);
    },

    getNetworkType: (o) => setTimeout(() => o.success && o.success({ networkType: 'wifi', errMsg: 'getNetworkType:ok' }), 0),
    login: (o) =>
      setTimeout(() => {
        const code = codes.shift();
        if (code && o.success) o.success({ code, errMsg: 'login:ok' });
        else if (!code && o.fail) o.fail({ errMsg: 'login:fail' });
      }, 0),
    showToast: (o) => {
      toasts.push(o);
    },
  };

  return { wx, storage, log, toasts, codes };
}

module.exports = { createLiveWx, METHODS };
