// 登记现场捐赠: a worker logs a gift handed in at the counter, in the donor's name; it is recorded as 已收到
// and confirmed later like any other. The Idempotency-Key is made once per form and sent with every attempt,
// so a double tap or a retry after a lost answer never logs the gift twice; only 再登记一笔 makes a new one.
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const charity = require('../../services/charity');
const publicCharity = require('../../../services/charity');
const gift = require('../../utils/counter-gift');
const fmt = require('../../utils/format');
const { fieldErrors } = require('../../utils/errors');
const { newIdempotencyKey } = require('../../utils/idempotency');
const { showError } = require('../../../utils/request');

const FIX_FIELDS = '请按标红的提示修改后再提交。';
const NETWORK_RETRY = '这笔捐赠可能还没有登记上。请检查网络后点“重新提交”，不会重复登记。';

Component({
  behaviors: [careMode, workbench],

  data: {
    loading: true,
    errorText: '',
    campaigns: [],
    campaignId: null,
    kinds: gift.KINDS,
    channels: gift.CHANNELS,
    limits: gift.LIMITS,
    kind: 'money',
    form: Object.assign({}, gift.EMPTY_FORM),
    fieldErrors: {},
    formError: '',
    retryable: false,
    submitting: false,
    done: null,
  },

  lifetimes: {
    created() {
      this._key = newIdempotencyKey('counter');
      this._inFlight = false;
    },
  },

  methods: {
    onLoad() {
      return this.start();
    },

    /** The campaigns that take gifts now (public). */
    async load() {
      this.setData({ loading: true, errorText: '' });
      try {
        if (!(await this.requireWorker())) {
          this.setData({ loading: false });
          return;
        }
        const rows = await publicCharity.listCampaigns({ pageSize: 50 });
        const campaigns = (rows || []).filter((c) => c.open).map((c) => ({ id: c.id, name: c.name, period: `${c.starts_on} 至 ${c.ends_on}` }));
        this.setData({
          loading: false,
          campaigns,
          campaignId: this.data.campaignId || (campaigns.length === 1 ? campaigns[0].id : null),
        });
      } catch (err) {
        this.setData({ loading: false });
        if (!this.gateOn(err)) this.setData({ errorText: err.message });
      }
    },

    onCampaignTap(e) {
      this.setData({ campaignId: e.currentTarget.dataset.id, 'fieldErrors.campaign_id': '' });
    },

    onKindTap(e) {
      const kind = e.currentTarget.dataset.key;
      if (kind !== this.data.kind) this.setData({ kind, fieldErrors: {}, formError: '' });
    },

    onChannelTap(e) {
      this.setData({ 'form.channel': e.currentTarget.dataset.key, 'fieldErrors.channel': '' });
    },

    onInput(e) {
      const field = e.currentTarget.dataset.field;
      const errorKey = gift.ERROR_KEY[field] || field;
      this.setData({ [`form.${field}`]: e.detail.value, [`fieldErrors.${errorKey}`]: '' });
    },

    onAnonymousChange(e) {
      const value = e && e.detail && typeof e.detail.value === 'boolean' ? e.detail.value : !this.data.form.anonymous;
      this.setData({ 'form.anonymous': value });
    },

    noop() {},

    async submit() {
      if (this._inFlight || this.data.done) return;
      const { errors, body } = gift.buildCounterGift({ campaignId: this.data.campaignId, kind: this.data.kind, form: this.data.form });
      if (errors) {
        this.setData({ fieldErrors: errors, formError: FIX_FIELDS });
        return;
      }
      this._inFlight = true;
      this.setData({ submitting: true, formError: '', fieldErrors: {} });
      try {
        const saved = await charity.logCounterGift(body, this._key);
        this._key = newIdempotencyKey('counter'); // logged: the next gift is another one
        this.setData({
          done: { id: saved.id, what: saved.amount_text || fmt.yuan(saved.amount_fen), donor: saved.donor_name, status_name: saved.status_name },
          retryable: false,
        });
        wx.showToast({ title: '登记成功', icon: 'success' });
      } catch (err) {
        this.failed(err);
      } finally {
        this._inFlight = false;
        this.setData({ submitting: false });
      }
    },

    failed(err) {
      if (err.statusCode === 401) {
        this.gateOn(err);
        return;
      }
      if (err.statusCode === 0) {
        this.setData({ retryable: true, formError: `${err.message}。${NETWORK_RETRY}` });
      } else if (err.statusCode === 422 && err.error === 'idempotency_key_reused') {
        this._key = newIdempotencyKey('counter');
        this.setData({ retryable: false, formError: '这份表单已经登记过一笔不同的捐赠。为避免重复，请先到“捐赠确认”里查看；确认没有后再提交。' });
      } else if (err.statusCode === 422) {
        const mapped = fieldErrors(err, { shown: gift.SHOWN });
        this.setData({ fieldErrors: mapped.fields, retryable: false, formError: mapped.other || FIX_FIELDS });
      } else {
        this.setData({ retryable: err.statusCode >= 500 || err.statusCode === 429, formError: err.message });
      }
      showError(err);
    },

    again() {
      this.setData({
        done: null,
        form: Object.assign({}, gift.EMPTY_FORM),
        fieldErrors: {},
        formError: '',
        retryable: false,
      });
    },

    openGifts() {
      wx.navigateBack({ fail: () => wx.redirectTo({ url: '/packageWorker/pages/gifts/index?status=received' }) });
    },
  },
});
