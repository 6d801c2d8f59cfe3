// 我的时间: the balance in hours, what is held for care asked for, the star level (★ marks and words) and how
// far the next one is, the ledger with each entry's kind in Chinese, and the certificate-ready summary of
// verified service (charity law: volunteer certificates are free).
const careMode = require('../../../behaviors/care-mode');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');

const PAGE_SIZE = 20;

function summary(account) {
  const cert = account.certificate || {};
  const first = cert.first_served_on ? tb.dayText(cert.first_served_on) : '';
  const last = cert.last_served_on ? tb.dayText(cert.last_served_on) : '';
  return {
    balance: tb.hoursNumber(account.balance_minutes),
    rows: [
      { key: 'held', label: '申请服务已预留', value: tb.hoursText(account.held_minutes) },
      { key: 'earned', label: '累计志愿服务（已审核）', value: tb.hoursText(account.earned_minutes) },
      { key: 'spent', label: '已兑换养老服务', value: tb.hoursText(account.spent_minutes) },
      { key: 'received', label: '家人转赠和公益赠送', value: tb.hoursText(account.received_minutes) },
      { key: 'given', label: '转赠给家人', value: tb.hoursText(account.given_minutes) },
      { key: 'fund', label: '超出上限转入公益基金', value: tb.hoursText(account.to_fund_minutes) },
    ].filter((row) => row.key === 'held' || row.key === 'earned' || row.value !== '0 小时'),
    starMarks: tb.starMarks(account.star_level),
    starWords: tb.starWords(account.star_level),
    nextStar: tb.nextStarText(account),
    certificate: {
      name: cert.name || '',
      hours: tb.hoursText(cert.verified_minutes),
      services: cert.services || 0,
      first,
      last,
      starWords: tb.starWords(cert.star_level),
      years: (cert.by_year || []).map((y) => ({ year: y.year, hours: tb.hoursText(y.minutes) })),
    },
  };
}

Component({
  behaviors: [careMode, needsLogin],

  data: {
    loading: false,
    loaded: false,
    errorText: '',
    view: null,
    entries: [],
    entriesTotal: 0,
    more: false,
    moreLoading: false,
  },

  lifetimes: {
    created() {
      this._page = 1;
    },
  },

  methods: {
    onLoad() {
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    async load() {
      this.setData({ loading: true, errorText: '' });
      try {
        const account = await timebank.getAccount({ page: 1, pageSize: PAGE_SIZE });
        this._page = 1;
        this.setData({
          view: summary(account),
          entries: (account.entries || []).map(tb.entryView),
          entriesTotal: account.entries_total || 0,
          more: (account.entries || []).length < (account.entries_total || 0),
          loaded: true,
        });
      } catch (err) {
        if (!this.sessionEnded(err)) this.setData({ errorText: err.message });
      } finally {
        this.setData({ loading: false });
      }
    },

    async loadMore() {
      if (this.data.moreLoading) return;
      this.setData({ moreLoading: true });
      try {
        const account = await timebank.getAccount({ page: this._page + 1, pageSize: PAGE_SIZE });
        this._page += 1;
        const entries = this.data.entries.concat((account.entries || []).map(tb.entryView));
        this.setData({ entries, more: entries.length < (account.entries_total || 0) });
      } catch (err) {
        if (!this.sessionEnded(err)) this.setData({ errorText: err.message });
      } finally {
        this.setData({ moreLoading: false });
      }
    },

    go(e) {
      wx.navigateTo({ url: `/packageTimebank/pages/${e.currentTarget.dataset.page}/index` });
    },
  },
});
