// Login when it is needed, as pages/facility does it: say why, show the privacy guide first when WeChat still
// needs the user's agreement, then wx.login → /auth/wechat, then carry on with what the user was doing
// (the page's afterLogin()). What was typed stays in the form. Shared by the 救助 and 慈善 subpackages.
// The page puts <privacy-sheet wx:if="{{privacyVisible}}" bindagree="onAgreePrivacy" binddisagree="onDisagreePrivacy" />.
const auth = require('../services/auth');
const { showError } = require('../utils/request');

module.exports = Behavior({
  data: {
    privacyVisible: false,
    loggingIn: false,
  },

  lifetimes: {
    created() {
      this._loginAfterAgree = false;
    },
  },

  methods: {
    /** A modal that says why login is needed; 微信登录 starts it. */
    askLogin(content) {
      if (this.data.loggingIn) return;
      wx.showModal({
        title: '需要登录',
        content,
        confirmText: '微信登录',
        cancelText: '取消',
        success: (res) => {
          if (res.confirm) this.startLogin();
        },
      });
    },

    startLogin() {
      if (this.data.loggingIn) return;
      if (typeof wx.getPrivacySetting !== 'function') {
        this.login();
        return;
      }
      wx.getPrivacySetting({
        success: (res) => {
          if (res.needAuthorization) {
            this._loginAfterAgree = true;
            this.setData({ privacyVisible: true });
          } else {
            this.login();
          }
        },
        fail: () => this.login(),
      });
    },

    async login() {
      this.setData({ loggingIn: true });
      try {
        await auth.loginWithWechat();
      } catch (err) {
        this.setData({ loggingIn: false });
        showError(err);
        return;
      }
      this.setData({ loggingIn: false });
      if (typeof this.afterLogin === 'function') await this.afterLogin();
    },

    onAgreePrivacy() {
      this.setData({ privacyVisible: false });
      if (this._loginAfterAgree) {
        this._loginAfterAgree = false;
        this.login();
      }
    },

    onDisagreePrivacy() {
      this.setData({ privacyVisible: false });
      if (this._loginAfterAgree) {
        this._loginAfterAgree = false;
        wx.showToast({ title: '需要同意隐私保护指引后才能登录', icon: 'none', duration: 3000 });
      }
    },
  },
});
