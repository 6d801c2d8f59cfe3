// The only caller of wx.request (and of wx.downloadFile / wx.uploadFile, through download() / upload()). Adds the
// base URL and the Bearer token, refreshes the token once on 401, and turns every failure into an Error whose
// message a resident can read.
//
// WeChat calls `success` for every HTTP status, so success here means statusCode 2xx; everything else is
// unwrapped from the server's error shape {code, status, message, error, errors}.
const config = require('../config');

const TOKENS_KEY = 'tokens';

const MESSAGES = {
  fallback: '服务暂时不可用，请稍后再试',
  sessionExpired: '登录已过期，请重新登录',
  offline: '网络未连接，请检查网络后重试',
  unstable: '网络不稳定，请稍后再试',
  timeout: '请求超时，请稍后再试',
};

const HAS_CHINESE = /[\u4e00-\u9fff]/;

// ---- tokens ----

function getTokens() {
  const tokens = wx.getStorageSync(TOKENS_KEY);
  return tokens && tokens.access_token ? tokens : null;
}

function setTokens({ access_token, refresh_token }) {
  wx.setStorageSync(TOKENS_KEY, { access_token, refresh_token });
}

function clearTokens() {
  wx.removeStorageSync(TOKENS_KEY);
}

function isLoggedIn() {
  return getTokens() !== null;
}

// ---- errors ----

function makeError(message, fields) {
  return Object.assign(new Error(message), { statusCode: 0, error: null, errors: null, data: null }, fields);
}

function httpError(res) {
  const body = res.data && typeof res.data === 'object' ? res.data : {};
  // A message without Chinese in it (a proxy's HTML page, a framework default) is not for a resident.
  const message = typeof body.message === 'string' && HAS_CHINESE.test(body.message) ? body.message : MESSAGES.fallback;
  return makeError(message, {
    statusCode: res.statusCode,
    error: body.error || null,
    errors: body.errors || null,
    // The whole body, for the extra keys some errors carry (409 `missing`, `available_minutes`).
    data: body,
  });
}

function sessionExpiredError() {
  return makeError(MESSAGES.sessionExpired, { statusCode: 401, error: 'session_expired' });
}

function networkError(errMsg) {
  return new Promise((resolve) => {
    const decide = (networkType) => {
      if (networkType === 'none') resolve(makeError(MESSAGES.offline, { error: 'network_offline' }));
      else if (/timeout/i.test(errMsg || '')) resolve(makeError(MESSAGES.timeout, { error: 'network_timeout' }));
      else resolve(makeError(MESSAGES.unstable, { error: 'network_error' }));
    };
    wx.getNetworkType({
      success: (res) => decide(res.networkType),
      fail: () => decide('unknown'),
    });
  });
}

// ---- transport ----

function fullUrl(url) {
  return /^https?:\/\//.test(url) ? url : config.baseUrl + url;
}

/** One wx.request; resolves with {statusCode, data, header} for any status, rejects only on network failure. */
function send({ url, method = 'GET', data, header = {}, accessToken }) {
  const headers = Object.assign({ 'content-type': 'application/json' }, header);
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  if (method === 'PATCH') {
    // wx.request has no PATCH ("request:fail method is invalid"): the server reads this header.
    headers['X-HTTP-Method-Override'] = 'PATCH';
    method = 'POST';
  }
  return new Promise((resolve, reject) => {
    wx.request({
      url: fullUrl(url),
      method,
      data,
      header: headers,
      timeout: config.timeoutMs,
      success: resolve,
      fail: (err) => networkError(err && err.errMsg).then(reject),
    });
  });
}

const isOk = (statusCode) => statusCode >= 200 && statusCode < 300;

// Concurrent 401s share one refresh: the server rotates the refresh token, so a second refresh with the
// old one would be treated as reuse and revoke the session.
let refreshing = null;

async function doRefresh() {
  const tokens = getTokens();
  if (!tokens || !tokens.refresh_token) {
    clearTokens();
    throw sessionExpiredError();
  }
  const res = await send({ url: '/auth/refresh', method: 'POST', data: { refresh_token: tokens.refresh_token } });
  if (isOk(res.statusCode) && res.data && res.data.access_token) {
    setTokens(res.data);
    return res.data.access_token;
  }
  // The server refused the refresh token: the session is over. A busy server (429, 5xx) is not a logout.
  if (res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429) {
    clearTokens();
    throw sessionExpiredError();
  }
  throw httpError(res);
}

function refreshTokens() {
  if (!refreshing) {
    refreshing = doRefresh().then(
      (accessToken) => {
        refreshing = null;
        return accessToken;
      },
      (err) => {
        refreshing = null;
        throw err;
      },
    );
  }
  return refreshing;
}

/**
 * request({url, method, data, header, auth}) → Promise of the response body.
 * url is relative to config.baseUrl (e.g. '/me'). auth=false sends no token and never refreshes.
 */
async function request({ url, method = 'GET', data, header, auth = true }) {
  const tokens = auth ? getTokens() : null;
  const usedToken = tokens ? tokens.access_token : null;
  let res = await send({ url, method, data, header, accessToken: usedToken });

  if (res.statusCode === 401 && usedToken) {
    const current = getTokens();
    // Another request may already have refreshed while this one was in flight.
    const freshToken = current && current.access_token !== usedToken ? current.access_token : await refreshTokens();
    res = await send({ url, method, data, header, accessToken: freshToken });
    if (res.statusCode === 401) {
      clearTokens();
      throw sessionExpiredError();
    }
  }

  if (isOk(res.statusCode)) return res.data;
  throw httpError(res);
}

// ---- files ----

/** One wx.downloadFile; resolves with {statusCode, tempFilePath} for any status, rejects on network failure. */
function sendDownload({ url, accessToken }) {
  const header = accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url: fullUrl(url),
      header,
      timeout: config.timeoutMs,
      success: resolve,
      fail: (err) => networkError(err && err.errMsg).then(reject),
    });
  });
}

/** A non-2xx download holds the server's JSON error in the file: read it for the message when we can. */
function downloadError(res) {
  let data = null;
  try {
    if (res.tempFilePath && typeof wx.getFileSystemManager === 'function') {
      data = JSON.parse(wx.getFileSystemManager().readFileSync(res.tempFilePath, 'utf8'));
    }
  } catch (e) {
    data = null;
  }
  return httpError({ statusCode: res.statusCode, data });
}

/**
 * download({url, auth}) → Promise of the temp file path of a 2xx answer (e.g. a receipt PDF for
 * wx.openDocument). The same token handling as request(): Bearer, one refresh on 401, readable errors.
 */
async function download({ url, auth = true }) {
  const tokens = auth ? getTokens() : null;
  const usedToken = tokens ? tokens.access_token : null;
  let res = await sendDownload({ url, accessToken: usedToken });

  if (res.statusCode === 401 && usedToken) {
    const current = getTokens();
    const freshToken = current && current.access_token !== usedToken ? current.access_token : await refreshTokens();
    res = await sendDownload({ url, accessToken: freshToken });
    if (res.statusCode === 401) {
      clearTokens();
      throw sessionExpiredError();
    }
  }

  if (isOk(res.statusCode)) return res.tempFilePath;
  throw downloadError(res);
}

// ---- uploads ----

// A photo of a document over a weak mobile network takes longer than a JSON call.
const UPLOAD_TIMEOUT_MS = 60000;

/** wx.uploadFile hands back the body as a string: JSON when it is JSON, else the text (or null). */
function parseUploadBody(data) {
  if (typeof data !== 'string') return data === undefined ? null : data;
  try {
    return JSON.parse(data);
  } catch (e) {
    return data || null;
  }
}

/**
 * One wx.uploadFile (multipart, the file under `name`); resolves with {statusCode, data} for any status, data
 * parsed from the string WeChat gives; rejects on network failure. Progress goes to onProgress(percent, res).
 */
function sendUpload({ url, filePath, name, formData, accessToken, onProgress }) {
  const header = accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
  return new Promise((resolve, reject) => {
    const task = wx.uploadFile({
      url: fullUrl(url),
      filePath,
      name,
      formData: formData || {},
      header,
      timeout: UPLOAD_TIMEOUT_MS,
      success: (res) => resolve({ statusCode: res.statusCode, data: parseUploadBody(res.data) }),
      fail: (err) => networkError(err && err.errMsg).then(reject),
    });
    if (onProgress && task && typeof task.onProgressUpdate === 'function') {
      task.onProgressUpdate((res) => onProgress(res.progress, res));
    }
  });
}

/**
 * upload({url, filePath, name, formData, onProgress, auth}) → Promise of the parsed body of a 2xx answer
 * (e.g. a document photo for an application). The same token handling as request(): Bearer, one refresh on 401,
 * the server's error shape unwrapped into a readable Error.
 */
async function upload({ url, filePath, name = 'file', formData, onProgress, auth = true }) {
  const tokens = auth ? getTokens() : null;
  const usedToken = tokens ? tokens.access_token : null;
  let res = await sendUpload({ url, filePath, name, formData, accessToken: usedToken, onProgress });

  if (res.statusCode === 401 && usedToken) {
    const current = getTokens();
    const freshToken = current && current.access_token !== usedToken ? current.access_token : await refreshTokens();
    res = await sendUpload({ url, filePath, name, formData, accessToken: freshToken, onProgress });
    if (res.statusCode === 401) {
      clearTokens();
      throw sessionExpiredError();
    }
  }

  if (isOk(res.statusCode)) return res.data;
  throw httpError(res);
}

/** Shows an error from request() (or any Error with a Chinese message) as a toast. */
function showError(err) {
  wx.showToast({
    title: (err && err.message) || MESSAGES.fallback,
    icon: 'none',
    duration: 3000,
  });
}

module.exports = {
  request,
  download,
  upload,
  showError,
  getTokens,
  setTokens,
  clearTokens,
  isLoggedIn,
  MESSAGES,
};
