// The card a 工作台 page shows instead of its content: 微信登录 when nobody is logged in (after the privacy
// guide, as 我的 does it: behaviors/login), or the server's 403 message, plainly, when the account is not a
// worker's. Emits `loggedin` once the tokens are stored.
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');

Component({
  behaviors: [careMode, login],

  properties: {
    mode: { type: String, value: 'login' }, // 'login' | 'forbidden'
    message: { type: String, value: '' },
  },

  methods: {
    afterLogin() {
      this.triggerEvent('loggedin', {});
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.switchTab({ url: '/pages/me/index' }) });
    },
  },
});
