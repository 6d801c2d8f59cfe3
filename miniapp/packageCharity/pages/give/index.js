// 登记捐赠: log a gift of money or goods to a campaign. This page does not take payment: it records the gift
// as 已登记 (pledged); a worker confirms it when the money arrives or the goods are taken in, and the receipt
// follows (我的捐赠).
//
// No gift is ever logged twice: the Idempotency-Key is made ONCE, when the form opens, and sent with every
// attempt — a double tap is ignored while a request is in flight, and 重新提交 after a lost answer sends the
// same key, so the server returns the gift it already has. Only after a success does the next gift get a new key.
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');
const charity = require('../../../services/charity');
const { isLoggedIn, showError } = require('../../../utils/request');
const { decorateCampaign, decorateGift } = require('../../utils/format');
const { newIdempotencyKey } = require('../../utils/idempotency');
const form = require('../../utils/gift-form');

const GIFT_URL = '/packageCharity/pages/gift/index';
const GIFTS_URL = '/packageCharity/pages/gifts/index';
const UNIT_SEARCH_DELAY_MS = 300;

const LOGIN_REASON = '登记捐赠需要先用微信登录，以便向您出具收据。登录后会自动提交，您填写的内容会保留。';
const FIX_FIELDS = '请按标红的提示修改后再提交。';
const NETWORK_RETRY = '捐赠可能还没有登记上。请检查网络后点“重新提交”，不会重复登记。';

Component({
  behaviors: [careMode, login],

  data: {
    campaignId: null,
    campaign: null,
    loading: true,
    errorText: '',
    kinds: form.KINDS,
    channels: form.CHANNELS,
    limits: form.LIMITS,
    kind: 'money',
    form: Object.assign({}, form.EMPTY_FORM),
    fieldErrors: {},
    formError: '',
    retryable: false, // the last attempt was lost on the way: the button says 重新提交
    keyReused: false, // the server already has a different gift under this form's key
    submitting: false,
    unitSuggestions: [],
    done: null, // the gift as logged
  },

  lifetimes: {
    created() {
      this._key = newIdempotencyKey();
      this._inFlight = false;
      this._unitTimer = null;
      this._unitQuery = '';
    },
    detached() {
      if (this._unitTimer) clearTimeout(this._unitTimer);
    },
  },

  methods: {
    onLoad(options = {}) {
      const campaignId = options.campaign_id || options.id || null;
      this.setData({ campaignId });
      return this.loadCampaign();
    },

    async loadCampaign() {
      const { campaignId } = this.data;
      if (!campaignId) {
        this.setData({ loading: false, errorText: '没有找到这个募捐活动。' });
        return;
      }
      this.setData({ loading: true, errorText: '' });
      try {
        const campaign = await charity.getCampaign(campaignId);
        this.setData({ campaign: decorateCampaign(campaign), loading: false });
      } catch (err) {
        this.setData({ loading: false, errorText: err.message });
      }
    },

    // ---- the fields ----

    onKindTap(e) {
      const kind = e.currentTarget.dataset.key;
      if (kind === this.data.kind) return;
      this.setData({ kind, fieldErrors: {}, formError: '' });
    },

    onChannelTap(e) {
      this.setData({ 'form.channel': e.currentTarget.dataset.key, 'fieldErrors.channel': '' });
    },

    /** Every text field: data-field is its name in the form; its error sits under the server's name. */
    onInput(e) {
      const field = e.currentTarget.dataset.field;
      const value = e.detail.value;
      const errorKey = form.ERROR_KEY[field] || field;
      this.setData({ [`form.${field}`]: value, [`fieldErrors.${errorKey}`]: '' });
      if (field === 'unit_name') this.queueUnitSearch(value);
    },

    onAnonymousChange(e) {
      const value = e && e.detail && typeof e.detail.value === 'boolean' ? e.detail.value : !this.data.form.anonymous;
      this.setData({ 'form.anonymous': value });
    },

    noop() {},

    // ---- work units: suggestions as the name is typed (any name may be typed; a new one is registered) ----

    queueUnitSearch(value) {
      if (this._unitTimer) clearTimeout(this._unitTimer);
      const q = String(value || '').trim();
      if (!q) {
        this._unitQuery = '';
        this.setData({ unitSuggestions: [] });
        return;
      }
      this._unitTimer = setTimeout(() => this.searchUnits(q), UNIT_SEARCH_DELAY_MS);
    },

    async searchUnits(q) {
      this._unitQuery = q;
      let rows;
      try {
        rows = await charity.searchUnits(q.slice(0, 50));
      } catch (e) {
        return; // suggestions are a help, not a step: the typed name still goes
      }
      if (this._unitQuery !== q) return; // a later search has started
      const names = (Array.isArray(rows) ? rows : []).map((u) => u.name).filter((name) => name !== q);
      this.setData({ unitSuggestions: names });
    },

    onUnitPick(e) {
      this._unitQuery = '';
      this.setData({ 'form.unit_name': e.currentTarget.dataset.name, unitSuggestions: [], 'fieldErrors.unit_name': '' });
    },

    // ---- sending ----

    async submit() {
      if (this._inFlight || this.data.done) return; // a second tap while the first is on its way
      const { errors, body } = form.buildDonation({
        kind: this.data.kind,
        form: this.data.form,
        campaignId: this.data.campaignId,
      });
      if (errors) {
        this.setData({ fieldErrors: errors, formError: FIX_FIELDS });
        return;
      }
      if (!isLoggedIn()) {
        this.askLogin(LOGIN_REASON);
        return;
      }
      this._inFlight = true;
      this.setData({ submitting: true, formError: '', fieldErrors: {}, keyReused: false });
      try {
        const gift = await charity.logDonation(body, this._key);
        this._key = newIdempotencyKey(); // this gift is logged: the next one is a new gift
        this.setData({ done: decorateGift(gift), retryable: false, unitSuggestions: [] });
        wx.showToast({ title: '登记成功', icon: 'success' });
      } catch (err) {
        this.onSubmitError(err);
      } finally {
        this._inFlight = false;
        this.setData({ submitting: false });
      }
    },

    onSubmitError(err) {
      if (err.statusCode === 0) {
        // Lost on the way: the server may or may not have it. The same key makes 重新提交 safe.
        this.setData({ retryable: true, formError: `${err.message}。${NETWORK_RETRY}` });
      } else if (err.statusCode === 401) {
        this.askLogin(LOGIN_REASON);
        return;
      } else if (err.statusCode === 422 && err.error === 'idempotency_key_reused') {
        this.setData({
          keyReused: true,
          retryable: false,
          formError: '这份表单之前已经提交过一次，但内容和现在不同，那一笔可能已经登记。为避免重复，请先到“我的捐赠”查看。',
        });
      } else if (err.statusCode === 422) {
        const { fields, other } = form.serverErrors(err);
        this.setData({ fieldErrors: fields, retryable: false, formError: other || FIX_FIELDS });
      } else if (err.statusCode === 409 && err.error === 'campaign_closed') {
        this.setData({ 'campaign.open': false, retryable: false, formError: err.message });
      } else {
        this.setData({ retryable: err.statusCode >= 500 || err.statusCode === 429, formError: err.message });
      }
      showError(err);
    },

    /** After login (behaviors/login): send what was typed, with the same key. */
    afterLogin() {
      return this.submit();
    },

    /** The donor has checked 我的捐赠 and wants this form logged as a new gift after all. */
    submitAsNew() {
      if (this._inFlight) return null;
      this._key = newIdempotencyKey();
      this.setData({ keyReused: false, formError: '' });
      return this.submit();
    },

    // ---- after a success ----

    giveAgain() {
      this.setData({
        done: null,
        form: Object.assign({}, form.EMPTY_FORM, {
          // The donor and their unit stay: the next gift is usually from the same person.
          donor_name: this.data.form.donor_name,
          unit_name: this.data.form.unit_name,
          department: this.data.form.department,
        }),
        fieldErrors: {},
        formError: '',
        retryable: false,
        keyReused: false,
      });
    },

    openGift() {
      if (this.data.done) wx.redirectTo({ url: `${GIFT_URL}?id=${this.data.done.id}` });
    },

    openGifts() {
      wx.navigateTo({ url: GIFTS_URL });
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.redirectTo({ url: '/packageCharity/pages/campaigns/index' }) });
    },
  },
});
