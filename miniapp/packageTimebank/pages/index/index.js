// 时间银行: whether I am a volunteer (and my skills), my hours and star level at a glance, and the way to
// everything else: opportunities, my bookings, my hours, giving hours to family, asking for care, and the
// service other volunteers logged for me that waits for my word.
const careMode = require('../../../behaviors/care-mode');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');

const ROOT = '/packageTimebank/pages';

Component({
  behaviors: [careMode, needsLogin],

  data: {
    loading: false,
    loaded: false,
    errorText: '',
    volunteer: null,
    notVolunteer: false,
    skillsText: '',
    balanceText: '',
    starMarks: '',
    starWords: '',
    toConfirm: 0,
  },

  methods: {
    onLoad() {},

    onShow() {
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    async load() {
      this.setData({ loading: true, errorText: '' });
      const volunteer = timebank.myVolunteer().catch((err) => {
        if (err.statusCode === 404) return null; // not registered yet
        throw err;
      });
      try {
        const [me, account, logs] = await Promise.all([volunteer, timebank.getAccount({ pageSize: 1 }), timebank.logsToConfirm()]);
        this.setData({
          loading: false,
          loaded: true,
          volunteer: me,
          notVolunteer: !me,
          skillsText: me ? (me.skill_names || []).join('、') : '',
          balanceText: tb.hoursNumber(account.balance_minutes),
          starMarks: tb.starMarks(account.star_level),
          starWords: tb.starWords(account.star_level),
          toConfirm: (logs || []).length,
        });
      } catch (err) {
        if (this.sessionEnded(err)) return;
        this.setData({ loading: false, errorText: err.message });
      }
    },

    go(e) {
      wx.navigateTo({ url: `${ROOT}/${e.currentTarget.dataset.page}/index` });
    },
  },
});
