// 捐赠确认: the gifts logged in this worker's scope. 确认收到 when the money has arrived or the goods were taken
// in (the receipt is issued and the gift counts in the campaign's totals); 作废 with a reason for a gift logged
// by mistake. 登记现场捐赠 opens the counter form.
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const pagedList = require('../../behaviors/paged-list');
const decisions = require('../../behaviors/decisions');
const charity = require('../../services/charity');
const publicCharity = require('../../../services/charity');
const fmt = require('../../utils/format');
const { showError } = require('../../../utils/request');

const FILTERS = [
  { key: 'pledged', label: '已登记待确认' },
  { key: 'received', label: '已收到待确认' },
  { key: 'confirmed', label: '已确认' },
  { key: 'voided', label: '已作废' },
  { key: 'all', label: '全部' },
];
const STATUS_NAMES = { pledged: '已登记', received: '已收到', confirmed: '已确认', voided: '已作废' };
const STATUS_TAG = { pledged: 'tag-plain', received: 'tag-info', confirmed: 'tag-ok', voided: 'tag-bad' };
const CHANNEL_NAMES = { wechat: '微信', bank: '银行转账', cash: '现金' };

function giftWhat(gift) {
  if (gift.kind === 'goods') {
    const qty = gift.quantity ? ` ${gift.quantity} ${gift.unit || ''}` : '';
    return `${gift.description || '物品'}${qty}（估价 ${fmt.yuan(gift.amount_fen)}）`;
  }
  const channel = CHANNEL_NAMES[gift.channel];
  return `${fmt.yuan(gift.amount_fen)}${channel ? `（${channel}）` : ''}`;
}

function decorate(gift, campaignNames) {
  const donor = [gift.donor_name, gift.unit_name, gift.department].filter(Boolean).join(' · ');
  return {
    id: gift.id,
    what: giftWhat(gift),
    donor: `${donor}${gift.anonymous ? '（匿名公示）' : ''}`,
    campaign: campaignNames[gift.campaign_id] || '',
    created: fmt.localDateTime(gift.created_at),
    status: gift.status,
    status_name: gift.status_name || STATUS_NAMES[gift.status] || gift.status,
    status_tag: STATUS_TAG[gift.status] || 'tag-plain',
    can_confirm: gift.status === 'pledged' || gift.status === 'received',
    can_void: gift.status !== 'voided',
    receipt_number: gift.receipt_number || '',
    void_reason: gift.void_reason || '',
    message: gift.message || '',
    error: '',
  };
}

Component({
  behaviors: [careMode, workbench, pagedList, decisions],

  data: {
    filters: FILTERS,
    filter: 'pledged',
    notice: null,
  },

  lifetimes: {
    created() {
      this._campaignNames = null;
    },
  },

  methods: {
    onLoad(options = {}) {
      if (FILTERS.some((f) => f.key === options.status)) this.setData({ filter: options.status });
      return this.start();
    },

    /** Back from the counter form: a new gift may be in the list. */
    onShow() {
      if (this._loaded && !this.data.gate) return this.load();
      return null;
    },

    /** Campaign names, for the words on each gift (public; a failure only leaves the names out). */
    async campaignNames() {
      if (this._campaignNames) return this._campaignNames;
      try {
        const campaigns = await publicCharity.listCampaigns({ pageSize: 50 });
        this._campaignNames = {};
        (campaigns || []).forEach((c) => {
          this._campaignNames[c.id] = c.name;
        });
        return this._campaignNames;
      } catch (e) {
        return {};
      }
    },

    status() {
      return this.data.filter === 'all' ? null : this.data.filter;
    },

    async fetchPage(page, pageSize) {
      const [rows, names] = await Promise.all([charity.listGifts({ status: this.status(), page, pageSize }), this.campaignNames()]);
      return (rows || []).map((g) => decorate(g, names));
    },

    openCounter() {
      wx.navigateTo({ url: '/packageWorker/pages/counter/index' });
    },

    replaceItem(gift) {
      const i = this.indexOf(gift.id);
      if (i >= 0) this.setData({ [`items[${i}]`]: decorate(gift, this._campaignNames || {}) });
    },

    // ---- 确认收到 ----

    onConfirmTap(e) {
      const item = this.data.items[this.indexOf(e.currentTarget.dataset.id)];
      if (!item || this.data.busyId) return;
      wx.showModal({
        title: '确认收到这笔捐赠',
        content: `${item.donor}：${item.what}。确认已经到账或收到物资吗？确认后开具捐赠收据，并计入募捐合计。`,
        confirmText: '确认收到',
        cancelText: '再想想',
        success: (res) => {
          if (res.confirm) this.confirm(item.id);
        },
      });
    },

    confirm(id) {
      return this.decide(id, async () => {
        const gift = await charity.confirmGift(id);
        this.replaceItem(gift);
        wx.showToast({ title: '已确认', icon: 'success' });
      });
    },

    // ---- 作废 (the reason box of the decisions behaviour) ----

    voidGift() {
      const sending = this.reasonToSend('请写明作废的原因，会记入捐赠记录');
      if (!sending) return null;
      return this.decide(
        sending.id,
        async () => {
          const gift = await charity.voidGift(sending.id, sending.reason);
          this.setData({ reasonFor: null, reason: '' });
          this.replaceItem(gift);
          wx.showToast({ title: '已作废', icon: 'none' });
        },
        { withReason: true },
      );
    },

    /** 409: the gift changed meanwhile (or was already given out) — say so; 403 and the rest as the server says. */
    async decisionFailed(id, err) {
      if (err.statusCode === 401) {
        this.gateOn(err);
        return;
      }
      if (err.statusCode === 409 && err.error !== 'already_disbursed') {
        this.setData({ notice: { kind: 'info', title: '捐赠已有变化', text: `${err.message}已刷新列表。` } });
        await this.load();
        return;
      }
      const i = this.indexOf(id);
      if (i >= 0) this.setData({ [`items[${i}].error`]: err.message });
      showError(err);
    },
  },
});
