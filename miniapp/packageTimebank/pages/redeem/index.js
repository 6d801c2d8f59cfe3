// 申请养老服务: use banked hours for care — which service, when, where, how many hours, for me or a family
// member. The hours are held at once; more than the balance is a 409 that says how much is available, shown
// in a box with the available hours updated. The form is checked on the phone with the server's rules and
// sent with an Idempotency-Key made once per form. Below it: my requests, which I can cancel while held.
const careMode = require('../../../behaviors/care-mode');
const hoursForm = require('../../behaviors/hours-form');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');
const auth = require('../../../services/auth');
const { getRegion } = require('../../../services/regions');
const { showError } = require('../../../utils/request');

// Server field → form field.
const FIELDS = {
  service: 'service',
  wanted_on: 'wantedOn',
  place: 'place',
  region_code: 'region',
  minutes: 'hours',
  recipient_name: 'recipientName',
  recipient_relation: 'recipientRelation',
  note: 'note',
};
const EMPTY_FORM = { service: '', wantedOn: '', hours: '', forFamily: false, recipientName: '', recipientRelation: '', note: '' };

Component({
  behaviors: [careMode, needsLogin, hoursForm],

  data: Object.assign(
    {
      availableText: '',
      services: tb.SKILLS,
      relations: tb.RELATIONS,
      limits: tb.LIMITS,
      today: tb.todayText(),
      place: '',
      regionCode: '',
      regionName: '',
      regionOpen: false,
      requests: [],
      requestNotices: {},
    },
    EMPTY_FORM,
  ),

  methods: {
    onLoad() {
      this.setData({ today: tb.todayText() });
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    load() {
      return Promise.all([this.loadBalance(), this.loadRequests(), this.loadRegion()]);
    },

    async loadBalance() {
      try {
        const account = await timebank.getAccount({ pageSize: 1 });
        this.setData({ availableText: tb.hoursText(account.balance_minutes) });
      } catch (err) {
        this.sessionEnded(err);
      }
    },

    async loadRequests() {
      try {
        const list = (await timebank.myRedemptions()) || [];
        this.setData({ requests: list.map(tb.redemptionView) });
      } catch (err) {
        this.sessionEnded(err);
      }
    },

    /** Where I live (from my profile) is where care is usually wanted; the user can change it. */
    async loadRegion() {
      if (this.data.regionCode) return;
      try {
        const me = await auth.getMe();
        if (!me || !me.region_code) return;
        this.setData({ regionCode: me.region_code });
        const region = await getRegion(me.region_code);
        this.setData({ regionName: region.name });
      } catch (err) {
        this.sessionEnded(err);
      }
    },

    // ---- the form ----

    onServiceTap(e) {
      this.setData({ service: e.currentTarget.dataset.key, 'fieldErrors.service': '' });
    },

    onDateChange(e) {
      this.setData({ wantedOn: e.detail.value, 'fieldErrors.wantedOn': '' });
    },

    onForTap(e) {
      this.setData({ forFamily: e.currentTarget.dataset.family === 'yes', 'fieldErrors.recipientName': '' });
    },

    onRelationTap(e) {
      const relation = e.currentTarget.dataset.relation;
      this.setData({ recipientRelation: this.data.recipientRelation === relation ? '' : relation });
    },

    openRegion() {
      this.setData({ regionOpen: true });
    },

    closeRegion() {
      this.setData({ regionOpen: false });
    },

    onRegionChange(e) {
      this.setData({ regionCode: e.detail.code, regionName: e.detail.name, 'fieldErrors.region': '' });
    },

    async submit() {
      if (this._busy) return;
      const form = {
        service: this.data.service,
        wantedOn: this.data.wantedOn,
        place: (this.data.place || '').trim(),
        regionCode: this.data.regionCode,
        hours: this.data.hours,
        forFamily: this.data.forFamily,
        recipientName: (this.data.recipientName || '').trim(),
        recipientRelation: this.data.recipientRelation,
        note: (this.data.note || '').trim(),
      };
      const { errors, minutes } = tb.validateRedemption(form);
      if (Object.keys(errors).length) {
        this.setData({ fieldErrors: errors, notice: null });
        return;
      }
      if (!form.forFamily) Object.assign(form, { recipientName: '', recipientRelation: '' });
      form.minutes = minutes;
      await this.sendForm({
        send: (key) => timebank.redeem(form, key),
        emptyForm: EMPTY_FORM,
        title: '申请已提交',
        text: `已为您预留 ${tb.hoursText(minutes)}。工作人员安排好后会联系您；服务完成后才会扣除，取消申请时间会退回。`,
        then: () => {
          this.loadBalance();
          this.loadRequests();
        },
      });
    },

    failed(err) {
      if (this.sessionEnded(err) || this.showFieldErrors(err, FIELDS)) return;
      if (err.statusCode === 409) {
        const available = err.data && err.data.available_minutes;
        if (typeof available === 'number') this.setData({ availableText: tb.hoursText(available) });
        this.setData({ notice: { kind: 'error', title: '时间不够', text: err.message } });
        return;
      }
      showError(err);
    },

    // ---- my requests ----

    cancelRequest(e) {
      const id = e.currentTarget.dataset.id;
      wx.showModal({
        title: '取消申请',
        content: '确定取消这次服务申请吗？预留的时间会退回您的账户。',
        confirmText: '取消申请',
        cancelText: '不取消',
        success: (res) => {
          if (res.confirm) this.doCancelRequest(id);
        },
      });
    },

    async doCancelRequest(id) {
      try {
        await timebank.cancelRedemption(id);
        wx.showToast({ title: '已取消，时间已退回', icon: 'none' });
        await Promise.all([this.loadRequests(), this.loadBalance()]);
      } catch (err) {
        if (this.sessionEnded(err)) return;
        if (err.statusCode === 409) this.setData({ [`requestNotices.${id}`]: err.message });
        else showError(err);
      }
    },
  },
});
