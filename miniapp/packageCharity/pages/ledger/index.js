// 阳光民政: a campaign's public ledger, for anyone, without login — money and goods in, money out, the
// balance; spending by purpose; month by month; recent gifts (surname only, or 爱心人士 for anonymous donors);
// work units' totals; recent disbursements with the recipients masked. The server masks; this page only shows.
const careMode = require('../../../behaviors/care-mode');
const charity = require('../../../services/charity');
const { decorateCampaign, localDate } = require('../../utils/format');

// The long lists start short, for the elderly reader; 展开全部 shows the rest the server sent.
const SHORT = 5;

Component({
  behaviors: [careMode],

  data: {
    id: null,
    loading: true,
    errorText: '',
    campaign: null,
    byPurpose: [],
    byMonth: [],
    donations: [],
    units: [],
    disbursements: [],
    shortCount: SHORT,
    expanded: { donations: false, units: false, disbursements: false },
  },

  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id || null });
      return this.load();
    },

    async load() {
      const { id } = this.data;
      if (!id) {
        this.setData({ loading: false, errorText: '没有找到这个募捐活动。' });
        return;
      }
      this.setData({ loading: true, errorText: '' });
      try {
        const report = await charity.campaignReport(id);
        const byPurpose = report.by_purpose || [];
        this.setData({
          campaign: decorateCampaign(report.campaign),
          byPurpose,
          byMonth: (report.by_month || []).slice().reverse(), // the latest month first
          // Public gifts carry no id: their place in the list is their key.
          donations: (report.recent_donations || []).map((d, k) => Object.assign({ k }, d)),
          units: report.units || [],
          disbursements: (report.recent_disbursements || []).map((d) =>
            Object.assign({}, d, { date_text: localDate(d.created_at) }),
          ),
          loading: false,
        });
      } catch (err) {
        this.setData({ loading: false, errorText: err.message });
      }
    },

    toggle(e) {
      const key = e.currentTarget.dataset.key;
      this.setData({ [`expanded.${key}`]: !this.data.expanded[key] });
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.redirectTo({ url: '/packageCharity/pages/campaigns/index' }) });
    },
  },
});
