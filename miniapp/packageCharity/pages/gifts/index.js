// 我的捐赠: every gift I logged, the latest first, each with its state in words (已登记 / 已收到 / 已确认 /
// 已作废) and, once confirmed, its receipt number. Needs login; the campaigns' names come from the public list.
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');
const charity = require('../../../services/charity');
const { isLoggedIn } = require('../../../utils/request');
const { decorateGift } = require('../../utils/format');

const PAGE_SIZE = 20;
const GIFT_URL = '/packageCharity/pages/gift/index';
const CAMPAIGNS_URL = '/packageCharity/pages/campaigns/index';

Component({
  behaviors: [careMode, login],

  data: {
    loggedIn: false,
    loading: false,
    errorText: '',
    gifts: [],
    page: 1,
    hasMore: false,
    loadingMore: false,
  },

  lifetimes: {
    created() {
      this._campaignNames = {};
    },
  },

  methods: {
    onLoad() {},

    onShow() {
      return this.load();
    },

    afterLogin() {
      return this.load();
    },

    /** Campaign names by id, for the list (a failure only leaves the names out). */
    async campaignNames() {
      try {
        const rows = await charity.listCampaigns({ page: 1, pageSize: 50 });
        (Array.isArray(rows) ? rows : []).forEach((c) => {
          this._campaignNames[c.id] = c.name;
        });
      } catch (e) {
        // names are a help; the gifts still show
      }
      return this._campaignNames;
    },

    async load() {
      if (!isLoggedIn()) {
        this.setData({ loggedIn: false, gifts: [], loading: false, errorText: '' });
        return;
      }
      this.setData({ loggedIn: true, loading: true, errorText: '' });
      try {
        const [rows, names] = await Promise.all([
          charity.myDonations({ page: 1, pageSize: PAGE_SIZE }),
          this.campaignNames(),
        ]);
        const list = Array.isArray(rows) ? rows : [];
        this.setData({
          gifts: list.map((g) => decorateGift(g, names)),
          page: 1,
          hasMore: list.length === PAGE_SIZE,
          loading: false,
        });
      } catch (err) {
        // A refused refresh has dropped the tokens: show the login card again.
        this.setData({ loading: false, loggedIn: isLoggedIn(), errorText: isLoggedIn() ? err.message : '' });
      }
    },

    async loadMore() {
      if (this.data.loadingMore || !this.data.hasMore) return;
      const page = this.data.page + 1;
      this.setData({ loadingMore: true });
      try {
        const rows = await charity.myDonations({ page, pageSize: PAGE_SIZE });
        const list = Array.isArray(rows) ? rows : [];
        this.setData({
          gifts: this.data.gifts.concat(list.map((g) => decorateGift(g, this._campaignNames))),
          page,
          hasMore: list.length === PAGE_SIZE,
        });
      } catch (err) {
        wx.showToast({ title: err.message, icon: 'none', duration: 3000 });
      } finally {
        this.setData({ loadingMore: false });
      }
    },

    onLoginTap() {
      this.startLogin();
    },

    openGift(e) {
      wx.navigateTo({ url: `${GIFT_URL}?id=${e.currentTarget.dataset.id}` });
    },

    openCampaigns() {
      wx.navigateTo({ url: CAMPAIGNS_URL });
    },
  },
});
