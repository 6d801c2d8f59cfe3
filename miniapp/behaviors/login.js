// Login when it is needed: say why, show the privacy guide first when WeChat still needs the user's agreement,
// then wx.login → /auth/wechat, then carry on with what the user was doing (the page's afterLogin()). What was
// typed stays in the form. Shared by 场所详情 (纠错), the 救助, 慈善 and 实名信息 subpackages, and by the login
// cards of 时间银行 and 工作台 (<login-gate>, <worker-gate>: 微信登录 taps startLogin).
// afterPrivacy(next) is the same privacy step on its own, for a page that sends personal data while already
// logged in (the real-name form): WeChat asks for the agreement again when the guide has changed.
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
      this._afterAgree = null; // what waits for the privacy guide to be agreed: {next, refusal}
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
      this.afterPrivacy(() => this.login(), '需要同意隐私保护指引后才能登录');
    },

    /**
     * Runs next() once WeChat's privacy guide is agreed: at once when it already is (or WeChat cannot say),
     * else after 同意 on the sheet. 不同意 runs nothing and says `refusal`.
     */
    afterPrivacy(next, refusal = '需要同意隐私保护指引后才能继续') {
      if (typeof wx.getPrivacySetting !== 'function') {
        next();
        return;
      }
      wx.getPrivacySetting({
        success: (res) => {
          if (res && res.needAuthorization) {
            this._afterAgree = { next, refusal };
            this.setData({ privacyVisible: true });
          } else {
            next();
          }
        },
        fail: () => next(),
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
      const waiting = this._afterAgree;
      this._afterAgree = null;
      if (waiting) waiting.next();
    },

    onDisagreePrivacy() {
      this.setData({ privacyVisible: false });
      const waiting = this._afterAgree;
      this._afterAgree = null;
      if (waiting) wx.showToast({ title: waiting.refusal, icon: 'none', duration: 3000 });
    },
  },
});
