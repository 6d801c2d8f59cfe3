// The card a 工作台 page shows instead of its content: 微信登录 when nobody is logged in (after the privacy
// guide, as 我的 does it), or the server's 403 message, plainly, when the account is not a worker's.
// Emits `loggedin` once the tokens are stored.
const careMode = require('../../../behaviors/care-mode');
const auth = require('../../../services/auth');
const { showError } = require('../../../utils/request');

Component({
  behaviors: [careMode],

  properties: {
    mode: { type: String, value: 'login' }, // 'login' | 'forbidden'
    message: { type: String, value: '' },
  },

  data: {
    busy: false,
    privacyVisible: false,
  },

  methods: {
    onLoginTap() {
      if (this.data.busy) return;
      if (typeof wx.getPrivacySetting !== 'function') {
        this.login();
        return;
      }
      wx.getPrivacySetting({
        success: (res) => (res && res.needAuthorization ? this.setData({ privacyVisible: true }) : this.login()),
        fail: () => this.login(),
      });
    },

    onAgreePrivacy() {
      this.setData({ privacyVisible: false });
      this.login();
    },

    onDisagreePrivacy() {
      this.setData({ privacyVisible: false });
      wx.showToast({ title: '需要同意隐私保护指引后才能登录', icon: 'none', duration: 3000 });
    },

    async login() {
      this.setData({ busy: true });
      try {
        await auth.loginWithWechat();
      } catch (err) {
        this.setData({ busy: false });
        showError(err);
        return;
      }
      this.setData({ busy: false });
      this.triggerEvent('loggedin', {});
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.switchTab({ url: '/pages/me/index' }) });
    },
  },
});
