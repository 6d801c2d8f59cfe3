// 活动详情: one campaign — what it is for, how far it has come (bar + percentage in words), every total in
// words and figures, and three ways on: 我要捐赠 (only while it is open), 阳光民政 (where the money went), 我的捐赠.
const careMode = require('../../../behaviors/care-mode');
const charity = require('../../../services/charity');
const { decorateCampaign } = require('../../utils/format');

const GIVE_URL = '/packageCharity/pages/give/index';
const LEDGER_URL = '/packageCharity/pages/ledger/index';
const GIFTS_URL = '/packageCharity/pages/gifts/index';

Component({
  behaviors: [careMode],

  data: {
    id: null,
    loading: true,
    errorText: '',
    campaign: null,
  },

  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id || null });
      return this.load();
    },

    onShow() {
      // Back from 登记捐赠: the pledged total has changed.
      if (this._shown && this.data.campaign) this.load();
      this._shown = true;
    },

    async load() {
      const { id } = this.data;
      if (!id) {
        this.setData({ loading: false, errorText: '没有找到这个募捐活动。' });
        return;
      }
      this.setData({ loading: true, errorText: '' });
      try {
        const campaign = await charity.getCampaign(id);
        this.setData({ campaign: decorateCampaign(campaign), loading: false });
        if (campaign && campaign.name && typeof wx.setNavigationBarTitle === 'function') {
          wx.setNavigationBarTitle({ title: campaign.name });
        }
      } catch (err) {
        this.setData({ loading: false, errorText: err.message });
      }
    },

    give() {
      if (!this.data.campaign || !this.data.campaign.open) return;
      wx.navigateTo({ url: `${GIVE_URL}?campaign_id=${this.data.campaign.id}` });
    },

    openLedger() {
      wx.navigateTo({ url: `${LEDGER_URL}?id=${this.data.id}` });
    },

    openGifts() {
      wx.navigateTo({ url: GIFTS_URL });
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.redirectTo({ url: '/packageCharity/pages/campaigns/index' }) });
    },
  },
});
