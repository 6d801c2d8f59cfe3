// 救助申请 (from 首页): the programs, each with what it is for, who may apply, the standard and the documents to
// bring; from each, 自测 (public, nothing stored) or 申请 (needs login). 我的申请 is one tap away.
// Public: GET /assistance/programs without a token, with the city's standards (衢州市 330800).
const careMode = require('../../../behaviors/care-mode');
const assistance = require('../../../services/assistance');
const { decorateProgram } = require('../../utils/format');

const CITY_CODE = '330800';
const CHECK_URL = '/packageAssistance/pages/check/index';
const APPLY_URL = '/packageAssistance/pages/apply/index';
const MINE_URL = '/packageAssistance/pages/applications/index';

Component({
  behaviors: [careMode],

  data: {
    loading: true,
    errorText: '',
    programs: [],
  },

  methods: {
    onLoad() {
      return this.load();
    },

    async load() {
      this.setData({ loading: true, errorText: '' });
      try {
        const programs = await assistance.listPrograms(CITY_CODE);
        this.setData({ programs: (programs || []).map(decorateProgram), loading: false });
      } catch (err) {
        this.setData({ loading: false, errorText: err.message });
      }
    },

    openCheck(e) {
      const code = e && e.currentTarget && e.currentTarget.dataset.code;
      wx.navigateTo({ url: code ? `${CHECK_URL}?program=${code}` : CHECK_URL });
    },

    openApply(e) {
      wx.navigateTo({ url: `${APPLY_URL}?program=${e.currentTarget.dataset.code}` });
    },

    openMine() {
      wx.navigateTo({ url: MINE_URL });
    },
  },
});
