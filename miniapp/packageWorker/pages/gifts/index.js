// 捐赠确认: the gifts logged in this worker's scope. 确认收到 when the money has arrived or the goods were taken
// in (the receipt is issued and the gift counts in the campaign's totals); 作废 with a reason for a gift logged
// by mistake. 登记现场捐赠 opens the counter form.
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const charity = require('../../services/charity');
const publicCharity = require('../../../services/charity');
const fmt = require('../../utils/format');
const { fieldErrors } = require('../../utils/errors');
const { showError } = require('../../../utils/request');

const PAGE_SIZE = 20;
const REASON_MAX = 500;
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
  behaviors: [careMode, workbench],

  data: {
    filters: FILTERS,
    filter: 'pledged',
    items: [],
    page: 1,
    hasMore: false,
    loading: true,
    loadingMore: false,
    errorText: '',
    notice: null,
    voiding: null,
    reason: '',
    reasonError: '',
    busyId: null,
    reasonMax: REASON_MAX,
  },

  lifetimes: {
    created() {
      this._seq = 0;
      this._campaignNames = null;
      this._loaded = false;
    },
  },

  methods: {
    onLoad(options = {}) {
      if (FILTERS.some((f) => f.key === options.status)) this.setData({ filter: options.status });
      if (!this.ensureLogin()) {
        this.setData({ loading: false });
        return null;
      }
      return this.load();
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

    async load() {
      const seq = ++this._seq;
      this.setData({ loading: true, errorText: '', voiding: null, reason: '', reasonError: '' });
      try {
        if (!(await this.requireWorker())) {
          this.setData({ loading: false });
          return;
        }
        const [rows, names] = await Promise.all([
          charity.listGifts({ status: this.status(), page: 1, pageSize: PAGE_SIZE }),
          this.campaignNames(),
        ]);
        if (seq !== this._seq) return;
        this._loaded = true;
        this.setData({
          items: (rows || []).map((g) => decorate(g, names)),
          page: 1,
          hasMore: (rows || []).length === PAGE_SIZE,
          loading: false,
        });
      } catch (err) {
        if (seq !== this._seq) return;
        this.setData({ loading: false, items: [] });
        if (!this.gateOn(err)) this.setData({ errorText: err.message });
      }
    },

    async loadMore() {
      if (this.data.loadingMore || !this.data.hasMore) return;
      const seq = this._seq;
      const page = this.data.page + 1;
      this.setData({ loadingMore: true });
      try {
        const rows = await charity.listGifts({ status: this.status(), page, pageSize: PAGE_SIZE });
        if (seq !== this._seq) return;
        const names = await this.campaignNames();
        this.setData({
          items: this.data.items.concat((rows || []).map((g) => decorate(g, names))),
          page,
          hasMore: (rows || []).length === PAGE_SIZE,
        });
      } catch (err) {
        showError(err);
      } finally {
        this.setData({ loadingMore: false });
      }
    },

    onFilterTap(e) {
      const filter = e.currentTarget.dataset.key;
      if (filter === this.data.filter) return null;
      this.setData({ filter, items: [], notice: null });
      return this.load();
    },

    openCounter() {
      wx.navigateTo({ url: '/packageWorker/pages/counter/index' });
    },

    indexOf(id) {
      return this.data.items.findIndex((item) => String(item.id) === String(id));
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

    async confirm(id) {
      this.setData({ busyId: id });
      try {
        const gift = await charity.confirmGift(id);
        this.replaceItem(gift);
        wx.showToast({ title: '已确认', icon: 'success' });
      } catch (err) {
        this.failed(id, err);
      } finally {
        this.setData({ busyId: null });
      }
    },

    // ---- 作废 ----

    onVoidTap(e) {
      const item = this.data.items[this.indexOf(e.currentTarget.dataset.id)];
      if (!item) return;
      this.setData({ voiding: item.id, reason: '', reasonError: '' });
    },

    cancelVoid() {
      this.setData({ voiding: null, reason: '', reasonError: '' });
    },

    onReasonInput(e) {
      this.setData({ reason: e.detail.value, reasonError: '' });
    },

    async voidGift() {
      const id = this.data.voiding;
      if (id === null || this.data.busyId) return;
      const reason = String(this.data.reason || '').trim();
      if (!reason) {
        this.setData({ reasonError: '请写明作废的原因，会记入捐赠记录' });
        return;
      }
      if (Array.from(reason).length > REASON_MAX) {
        this.setData({ reasonError: `原因最多 ${REASON_MAX} 个字` });
        return;
      }
      this.setData({ busyId: id });
      try {
        const gift = await charity.voidGift(id, reason);
        this.setData({ voiding: null, reason: '' });
        this.replaceItem(gift);
        wx.showToast({ title: '已作废', icon: 'none' });
      } catch (err) {
        if (err.statusCode === 422) {
          const mapped = fieldErrors(err, { shown: ['reason'] });
          this.setData({ reasonError: mapped.fields.reason || mapped.other || err.message });
        } else {
          this.failed(id, err);
        }
      } finally {
        this.setData({ busyId: null });
      }
    },

    /** 409: the gift changed meanwhile (or was already given out) — say so; 403 and the rest as the server says. */
    async failed(id, err) {
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
