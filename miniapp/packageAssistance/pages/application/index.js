// 申请详情: where the application stands (the six stages in words), what to do next, the whole timeline of
// events (who did what, when, and what they said), the documents, and the resident's own actions as the server
// allows them (allowed_actions): 继续填写 / 补充材料 (submit), 撤回 (withdraw, with the version; a stale one
// reloads and says so).
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');
const assistance = require('../../../services/assistance');
const { isLoggedIn, showError } = require('../../../utils/request');
const f = require('../../utils/format');

const APPLY_URL = '/packageAssistance/pages/apply/index';
const STALE = '这份申请刚刚有了新的办理进展，已刷新。请看清现在的状态后再决定是否撤回。';

Component({
  behaviors: [careMode, login],

  data: {
    id: null,
    loading: true,
    errorText: '',
    needLogin: false,
    app: null,
    stages: [],
    timeline: [],
    canEdit: false,
    canWithdraw: false,
    withdrawing: false,
    notice: '',
    hotline: f.HOTLINE,
  },

  lifetimes: {
    created() {
      this._shownOnce = false;
    },
  },

  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id ? Number(options.id) : null });
      return this.load();
    },

    /** Back from the form: the application may have changed. The first show is onLoad's. */
    onShow() {
      if (!this._shownOnce) {
        this._shownOnce = true;
        return null;
      }
      return this.data.app ? this.load() : null;
    },

    async load() {
      if (!this.data.id) {
        this.setData({ loading: false, errorText: '没有找到这份申请。' });
        return;
      }
      if (!isLoggedIn()) {
        this.setData({ needLogin: true, loading: false });
        return;
      }
      this.setData({ needLogin: false, loading: true, errorText: '' });
      try {
        const app = await assistance.getApplication(this.data.id);
        this.show(app);
      } catch (err) {
        if (err.statusCode === 401) {
          this.setData({ needLogin: true, loading: false });
          return;
        }
        this.setData({ loading: false, errorText: err.message });
      }
    },

    show(app) {
      const allowed = app.allowed_actions || [];
      this.setData({
        loading: false,
        app: f.decorateApplication(app),
        stages: f.stages(app),
        timeline: f.timeline(app.events),
        canEdit: allowed.indexOf('submit') >= 0,
        canWithdraw: allowed.indexOf('withdraw') >= 0,
      });
    },

    afterLogin() {
      return this.load();
    },

    openForm() {
      wx.navigateTo({ url: `${APPLY_URL}?id=${this.data.id}` });
    },

    callHotline() {
      wx.makePhoneCall({ phoneNumber: f.HOTLINE, fail() {} });
    },

    /** 撤回: said plainly first; the version the resident saw goes with it. */
    askWithdraw() {
      if (this.data.withdrawing) return;
      wx.showModal({
        title: '撤回这份申请？',
        content: '撤回后这份申请就办结了，不能恢复；如有需要可以重新申请。',
        confirmText: '撤回',
        cancelText: '不撤回',
        success: (res) => {
          if (res.confirm) this.withdraw();
        },
      });
    },

    async withdraw() {
      this.setData({ withdrawing: true, notice: '' });
      try {
        const app = await assistance.withdrawApplication(this.data.id, this.data.app.version);
        wx.showToast({ title: '已撤回', icon: 'success' });
        await this.load();
        if (!this.data.app) this.show(app);
      } catch (err) {
        if (err.statusCode === 409 && err.error === 'stale_version') {
          await this.load();
          this.setData({ notice: STALE });
        } else if (err.statusCode === 409) {
          await this.load();
          this.setData({ notice: err.message });
        } else if (err.statusCode === 401) {
          this.setData({ needLogin: true });
        } else {
          showError(err);
        }
      } finally {
        this.setData({ withdrawing: false });
      }
    },
  },
});
