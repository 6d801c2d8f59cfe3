// 捐赠详情: one of my gifts, what happens next in its state, and — once a worker has confirmed it — the
// receipt (慈善法 Art. 38): number, donor, amount in figures and in capital numerals (壹佰元整), campaign, date.
// 保存收据 downloads the receipt PDF with the token and opens it with WeChat's menu, to save or forward it.
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');
const charity = require('../../../services/charity');
const { isLoggedIn, showError } = require('../../../utils/request');
const { decorateGift } = require('../../utils/format');

const NEXT_STEP = {
  pledged: '已登记：请按您选的方式把捐款或物品交给民政部门。工作人员确认收到后开具捐赠收据。',
  received: '已收到：工作人员已经收到，核对确认后开具捐赠收据。',
  confirmed: '已确认：捐赠已入账，收据已开具。',
  voided: '已作废：这笔捐赠不计入任何合计。',
};

function openDocument(filePath) {
  return new Promise((resolve, reject) => {
    wx.openDocument({
      filePath,
      fileType: 'pdf',
      showMenu: true, // the ··· menu: 保存到手机, 转发给朋友
      success: resolve,
      fail: () => reject(new Error('收据已下载，但暂时无法打开，请稍后再试')),
    });
  });
}

Component({
  behaviors: [careMode, login],

  data: {
    id: null,
    loggedIn: false,
    loading: true,
    errorText: '',
    gift: null,
    nextStep: '',
    receipt: null,
    receiptError: '',
    saving: false,
  },

  lifetimes: {
    created() {
      this._saving = false;
    },
  },

  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id || null });
      return this.load();
    },

    afterLogin() {
      return this.load();
    },

    onLoginTap() {
      this.startLogin();
    },

    async load() {
      const { id } = this.data;
      if (!id) {
        this.setData({ loading: false, errorText: '没有找到这笔捐赠。' });
        return;
      }
      if (!isLoggedIn()) {
        this.setData({ loading: false, loggedIn: false });
        return;
      }
      this.setData({ loggedIn: true, loading: true, errorText: '' });
      let gift;
      try {
        gift = await charity.getDonation(id);
      } catch (err) {
        this.setData({ loading: false, loggedIn: isLoggedIn(), errorText: err.message });
        return;
      }
      this.setData({ gift: decorateGift(gift), nextStep: NEXT_STEP[gift.status] || '', loading: false });
      if (gift.status === 'confirmed') await this.loadReceipt();
    },

    async loadReceipt() {
      this.setData({ receiptError: '' });
      try {
        const receipt = await charity.getReceipt(this.data.id);
        this.setData({ receipt });
      } catch (err) {
        this.setData({ receipt: null, receiptError: err.message });
      }
    },

    /** 保存收据: wx.downloadFile (with the Bearer token) → wx.openDocument with the menu to save or forward. */
    async saveReceipt() {
      if (this._saving) return; // one download at a time
      this._saving = true;
      this.setData({ saving: true });
      try {
        const filePath = await charity.downloadReceiptPdf(this.data.id);
        await openDocument(filePath);
      } catch (err) {
        if (err.statusCode === 401) this.askLogin('保存收据需要重新登录。');
        else showError(err);
      } finally {
        this._saving = false;
        this.setData({ saving: false });
      }
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.redirectTo({ url: '/packageCharity/pages/gifts/index' }) });
    },
  },
});
