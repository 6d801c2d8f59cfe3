// 我的申请: my applications (and those a worker filed for me), the newest first, each with its state and what
// happens next; a tap opens the timeline. Needs login: without it, a login card (the privacy guide first).
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');
const assistance = require('../../../services/assistance');
const { isLoggedIn } = require('../../../utils/request');
const { decorateApplication } = require('../../utils/format');

const DETAIL_URL = '/packageAssistance/pages/application/index';
const PROGRAMS_URL = '/packageAssistance/pages/programs/index';
const PAGE_SIZE = 50; // a household has a handful; the list is one page

Component({
  behaviors: [careMode, login],

  data: {
    loading: false,
    errorText: '',
    needLogin: false,
    applications: [],
    loaded: false,
  },

  methods: {
    onLoad() {},

    /** Every time the page shows: coming back from the form or a withdrawal, the states have changed. */
    onShow() {
      return this.load();
    },

    async load() {
      if (!isLoggedIn()) {
        this.setData({ needLogin: true, loading: false });
        return;
      }
      this.setData({ needLogin: false, loading: true, errorText: '' });
      try {
        const list = await assistance.myApplications({ pageSize: PAGE_SIZE });
        this.setData({ applications: (list || []).map((a) => decorateApplication(a)), loading: false, loaded: true });
      } catch (err) {
        if (err.statusCode === 401) {
          this.setData({ needLogin: true, loading: false });
          return;
        }
        this.setData({ loading: false, errorText: err.message });
      }
    },

    afterLogin() {
      return this.load();
    },

    openApplication(e) {
      wx.navigateTo({ url: `${DETAIL_URL}?id=${e.currentTarget.dataset.id}` });
    },

    openPrograms() {
      wx.navigateTo({ url: PROGRAMS_URL });
    },
  },
});
