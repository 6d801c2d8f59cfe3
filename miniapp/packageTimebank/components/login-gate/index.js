// The card a 时间银行 page shows instead of its content when nobody is logged in: why login is needed, and
// 微信登录 — after the privacy guide is agreed, as 我的 does it. Emits `loggedin` when the tokens are stored.
const careMode = require('../../../behaviors/care-mode');
const auth = require('../../../services/auth');
const { showError } = require('../../../utils/request');

Component({
  behaviors: [careMode],

  properties: {
    // What the page offers once logged in, e.g. 预约志愿服务.
    purpose: { type: String, value: '使用时间银行' },
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
  },
});
