// 慈善捐赠: the campaigns with how far each has come (a bar and the percentage in words), the latest first.
// Public: no login needed to look. A campaign opens its detail; 我的捐赠 is one tap away.
const careMode = require('../../../behaviors/care-mode');
const charity = require('../../../services/charity');
const { decorateCampaign } = require('../../utils/format');

const PAGE_SIZE = 20;
const DETAIL_URL = '/packageCharity/pages/campaign/index';
const GIFTS_URL = '/packageCharity/pages/gifts/index';

Component({
  behaviors: [careMode],

  data: {
    loading: true,
    errorText: '',
    campaigns: [],
    page: 1,
    hasMore: false,
    loadingMore: false,
  },

  methods: {
    onLoad() {
      return this.load();
    },

    async load() {
      this.setData({ loading: true, errorText: '' });
      try {
        const rows = await charity.listCampaigns({ page: 1, pageSize: PAGE_SIZE });
        const list = Array.isArray(rows) ? rows : [];
        this.setData({
          campaigns: list.map((c) => decorateCampaign(c)),
          page: 1,
          hasMore: list.length === PAGE_SIZE,
          loading: false,
        });
      } catch (err) {
        this.setData({ loading: false, errorText: err.message });
      }
    },

    async loadMore() {
      if (this.data.loadingMore || !this.data.hasMore) return;
      const page = this.data.page + 1;
      this.setData({ loadingMore: true });
      try {
        const rows = await charity.listCampaigns({ page, pageSize: PAGE_SIZE });
        const list = Array.isArray(rows) ? rows : [];
        this.setData({
          campaigns: this.data.campaigns.concat(list.map((c) => decorateCampaign(c))),
          page,
          hasMore: list.length === PAGE_SIZE,
        });
      } catch (err) {
        wx.showToast({ title: err.message, icon: 'none', duration: 3000 });
      } finally {
        this.setData({ loadingMore: false });
      }
    },

    openCampaign(e) {
      wx.navigateTo({ url: `${DETAIL_URL}?id=${e.currentTarget.dataset.id}` });
    },

    openGifts() {
      wx.navigateTo({ url: GIFTS_URL });
    },
  },
});
