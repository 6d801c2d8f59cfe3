// Login and the current user: one function per endpoint.
const { request, getTokens, setTokens, clearTokens } = require('../utils/request');

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    const failed = () => reject(new Error('微信登录失败，请稍后再试'));
    wx.login({
      success: (res) => (res && res.code ? resolve(res.code) : failed()),
      fail: failed,
    });
  });
}

/** wx.login → POST /auth/wechat {code}; stores the tokens and returns the user. */
async function loginWithWechat() {
  const code = await wxLoginCode();
  const res = await request({ url: '/auth/wechat', method: 'POST', data: { code }, auth: false });
  setTokens(res);
  return res.user;
}

/** POST /auth/logout {refresh_token}; the phone forgets the tokens even when the server cannot be reached. */
async function logout() {
  const tokens = getTokens();
  try {
    if (tokens) await request({ url: '/auth/logout', method: 'POST', data: { refresh_token: tokens.refresh_token } });
  } catch (e) {
    // The tokens are dropped below either way; the access token expires on its own.
  } finally {
    clearTokens();
  }
}

/** GET /me: the current user, with name, ID number and phone already masked by the server. */
function getMe() {
  return request({ url: '/me' });
}

/** PATCH /me with the changed fields only. */
function updateMe(fields) {
  return request({ url: '/me', method: 'PATCH', data: fields });
}

/**
 * POST /me/phone {code}: the mobile number WeChat verified becomes the profile's. `code` is e.detail.code of a
 * <button open-type="getPhoneNumber"> tap (single use, five minutes); only the server can exchange it at WeChat.
 * Answers the profile as GET /me does (the number masked: 139****2345).
 */
function phoneFromWeChat(code) {
  return request({ url: '/me/phone', method: 'POST', data: { code } });
}

module.exports = {
  loginWithWechat,
  logout,
  getMe,
  updateMe,
  phoneFromWeChat,
};
