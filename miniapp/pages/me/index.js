// 我的: login (after the privacy guide is agreed), the masked profile from GET /me, the way to the real-name form
// (packageMe: 填写 / 修改实名信息; back here GET /me shows what was saved), and logout.
const careMode = require('../../behaviors/care-mode');
const auth = require('../../services/auth');
const { isLoggedIn, showError } = require('../../utils/request');

const AGREE_BUTTON_ID = 'agree-privacy';
const WORKBENCH_URL = '/packageWorker/pages/index/index';
const PROFILE_URL = '/packageMe/pages/profile/index';

Component({
  behaviors: [careMode],

  data: {
    loggedIn: false,
    loading: false,
    busy: false,
    user: null,
    isWorker: false,
    privacyVisible: false,
    privacyContractName: '《隐私保护指引》',
  },

  lifetimes: {
    created() {
      this._privacyResolves = []; // WeChat's pending privacy API calls, answered together
      this._loginAfterAgree = false;
    },
  },

  methods: {
    onLoad() {},

    onShow() {
      this.listenForPrivacy();
      return this.refresh();
    },

    // ---- privacy guide (WeChat's __usePrivacyCheck__ flow) ----

    /** WeChat asks through this listener when a privacy API is called before the user agreed. */
    listenForPrivacy() {
      if (typeof wx.onNeedPrivacyAuthorization !== 'function') return;
      wx.onNeedPrivacyAuthorization((resolve, eventInfo) => {
        this._privacyResolves.push(resolve);
        this.showPrivacy(eventInfo && eventInfo.referrer);
      });
    },

    showPrivacy() {
      this.setData({ privacyVisible: true });
      if (typeof wx.getPrivacySetting === 'function') {
        wx.getPrivacySetting({
          success: (res) => res.privacyContractName && this.setData({ privacyContractName: res.privacyContractName }),
        });
      }
    },

    openPrivacyContract() {
      wx.openPrivacyContract({
        fail: () => wx.showToast({ title: '暂时无法打开，请稍后再试', icon: 'none' }),
      });
    },

    /** bindagreeprivacyauthorization of the agree button: WeChat has recorded the agreement. */
    onAgreePrivacy() {
      this.settlePrivacy({ buttonId: AGREE_BUTTON_ID, event: 'agree' });
      if (this._loginAfterAgree) {
        this._loginAfterAgree = false;
        this.login();
      }
    },

    onDisagreePrivacy() {
      this.settlePrivacy({ event: 'disagree' });
      if (this._loginAfterAgree) {
        this._loginAfterAgree = false;
        wx.showToast({ title: '需要同意隐私保护指引后才能登录', icon: 'none', duration: 3000 });
      }
    },

    settlePrivacy(answer) {
      const resolves = this._privacyResolves.splice(0);
      resolves.forEach((resolve) => resolve(answer));
      this.setData({ privacyVisible: false });
    },

    // ---- login / profile / logout ----

    onLoginTap() {
      if (this.data.busy) return;
      if (typeof wx.getPrivacySetting !== 'function') {
        this.login();
        return;
      }
      wx.getPrivacySetting({
        success: (res) => {
          if (res.needAuthorization) {
            this._loginAfterAgree = true;
            if (res.privacyContractName) this.setData({ privacyContractName: res.privacyContractName });
            this.setData({ privacyVisible: true });
          } else {
            this.login();
          }
        },
        fail: () => this.login(),
      });
    },

    async login() {
      this.setData({ busy: true });
      try {
        await auth.loginWithWechat();
        await this.refresh();
      } catch (err) {
        showError(err);
      } finally {
        this.setData({ busy: false });
      }
    },

    async refresh() {
      if (!isLoggedIn()) {
        this.setData({ loggedIn: false, user: null, isWorker: false });
        return;
      }
      this.setData({ loggedIn: true, loading: true });
      try {
        const user = await auth.getMe();
        const roles = (user && user.roles) || [];
        this.setData({ user, isWorker: roles.indexOf('worker') >= 0, loading: false });
      } catch (err) {
        // A refused refresh has already dropped the tokens: show the login button again.
        this.setData({ loading: false, loggedIn: isLoggedIn() });
        showError(err);
      }
    },

    openWorkbench() {
      wx.navigateTo({ url: WORKBENCH_URL });
    },

    /** The real-name form; onShow reloads the profile when it comes back. */
    openProfile() {
      wx.navigateTo({ url: PROFILE_URL });
    },

    onLogoutTap() {
      wx.showModal({
        title: '退出登录',
        content: '退出后需要重新登录才能查看办理进度，确定退出吗？',
        confirmText: '退出',
        cancelText: '取消',
        success: (res) => {
          if (res.confirm) this.logout();
        },
      });
    },

    async logout() {
      await auth.logout();
      this.setData({ loggedIn: false, user: null, isWorker: false });
    },
  },
});
