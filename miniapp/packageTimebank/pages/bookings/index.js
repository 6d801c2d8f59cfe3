// 我的预约: my bookings, latest first, with 签到 / 签退 and 取消预约.
// Checking in or out proves presence by the phone's position first (wx.getLocation gcj02, within the radius
// the server checks). When the position cannot be had (permission refused, location off, privacy guide not
// agreed) or the server finds the phone too far (422 errors.json.lat), the page asks for the 6-digit code
// the site's worker shows instead, with the reason in words.
const careMode = require('../../../behaviors/care-mode');
const locationPrivacy = require('../../../behaviors/location-privacy');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');
const location = require('../../../utils/location');
const { showError } = require('../../../utils/request');

const PAGE_SIZE = 20;
const ASK_CODE = '请输入现场工作人员出示的 6 位签到码。';
const NO_POSITION = {
  denied: `您没有允许本小程序使用位置信息。${ASK_CODE}`,
  system: `手机的定位服务没有打开，或微信没有定位权限。${ASK_CODE}`,
  privacy: `您没有同意隐私保护指引，暂时不能使用位置信息。${ASK_CODE}`,
  unavailable: `暂时没有获取到您的位置。${ASK_CODE}`,
};
const ACTION_WORDS = { in: '签到', out: '签退' };

Component({
  behaviors: [careMode, needsLogin, locationPrivacy],

  data: {
    loading: false,
    loaded: false,
    errorText: '',
    items: [],
    more: false,
    busyId: null,
    notices: {}, // booking id → {kind: 'ok' | 'error', text}
    // the code panel, under one booking at a time
    codeFor: null,
    codeAction: 'in',
    codeActionText: '签到',
    codeReason: '',
    code: '',
    codeError: '',
  },

  lifetimes: {
    created() {
      this._page = 1;
      this._busy = false;
    },
  },

  methods: {
    onLoad() {
      this.listenForPrivacy();
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    onShow() {
      this.listenForPrivacy();
    },

    load() {
      return this.fetch(true);
    },

    async fetch(reset) {
      const page = reset ? 1 : this._page + 1;
      this.setData({ loading: true, errorText: '' });
      try {
        const list = (await timebank.myBookings({ page, pageSize: PAGE_SIZE })) || [];
        this._page = page;
        const now = Date.now();
        const views = list.map((b) => tb.bookingView(b, now));
        this.setData({
          items: reset ? views : this.data.items.concat(views),
          more: list.length === PAGE_SIZE,
          loaded: true,
        });
      } catch (err) {
        if (!this.sessionEnded(err)) this.setData({ errorText: err.message });
      } finally {
        this.setData({ loading: false });
      }
    },

    loadMore() {
      return this.fetch(false);
    },

    openOpportunities() {
      wx.navigateTo({ url: '/packageTimebank/pages/opportunities/index' });
    },

    // ---- 签到 / 签退 ----

    checkIn(e) {
      return this.byLocation(e.currentTarget.dataset.id, 'in');
    },

    checkOut(e) {
      return this.byLocation(e.currentTarget.dataset.id, 'out');
    },

    retryLocation() {
      return this.byLocation(this.data.codeFor, this.data.codeAction);
    },

    /** The position first; the code panel when there is none. */
    async byLocation(id, action) {
      if (this._busy) return;
      this._busy = true;
      this.setNotice(id, null);
      this.setData({ busyId: id });
      try {
        if ((await location.permission()) === 'denied') {
          this.openCode(id, action, NO_POSITION.denied);
          return;
        }
        let position;
        try {
          position = await location.getLocation();
        } catch (err) {
          this.openCode(id, action, NO_POSITION[err.reason] || NO_POSITION.unavailable);
          return;
        }
        await this.send(id, action, position);
      } finally {
        this._busy = false;
        this.setData({ busyId: null });
      }
    },

    onCodeInput(e) {
      this.setData({ code: e.detail.value, codeError: '' });
    },

    async submitCode() {
      if (this._busy) return;
      const code = String(this.data.code || '').trim();
      const problem = tb.validateCode(code);
      if (problem) {
        this.setData({ codeError: problem });
        return;
      }
      const id = this.data.codeFor;
      this._busy = true;
      this.setData({ busyId: id });
      try {
        await this.send(id, this.data.codeAction, { code });
      } finally {
        this._busy = false;
        this.setData({ busyId: null });
      }
    },

    closeCode() {
      this.setData({ codeFor: null, code: '', codeError: '', codeReason: '' });
    },

    openCode(id, action, reason) {
      this.setData({
        codeFor: id,
        codeAction: action,
        codeActionText: ACTION_WORDS[action],
        codeReason: reason,
        code: '',
        codeError: '',
      });
    },

    /** POST check-in / check-out with a position or a code. */
    async send(id, action, proof) {
      const call = action === 'in' ? timebank.checkIn : timebank.checkOut;
      try {
        const res = await call(id, proof);
        this.done(id, action, res);
      } catch (err) {
        if (this.sessionEnded(err)) return;
        if (err.statusCode === 422) {
          const fields = tb.fieldErrorsOf(err).fields;
          const far = fields.lat || fields.lng;
          if (proof.code !== undefined && fields.code) this.setData({ codeError: fields.code });
          else if (far || fields.code) this.openCode(id, action, far || fields.code);
          else showError(err);
          return;
        }
        if (err.statusCode === 409) {
          this.closeCode();
          this.setNotice(id, { kind: 'error', text: err.message });
          return;
        }
        showError(err);
      }
    },

    done(id, action, res) {
      this.replaceItem(id, res);
      this.closeCode();
      let text = '签到成功，服务开始了。结束时请回到这里签退。';
      if (action === 'out') {
        text = res.served_minutes > 0
          ? `签退成功，本次服务 ${tb.hoursText(res.served_minutes)}，审核通过后存入时间银行。`
          : '签退成功。本次服务不足半小时，不计入服务时长。';
      }
      this.setNotice(id, { kind: 'ok', text });
      wx.showToast({ title: `${ACTION_WORDS[action]}成功`, icon: 'success' });
    },

    replaceItem(id, booking) {
      const items = this.data.items.map((b) => (String(b.id) === String(id) ? tb.bookingView(booking) : b));
      this.setData({ items });
    },

    setNotice(id, notice) {
      if (id === null || id === undefined) return;
      this.setData({ [`notices.${id}`]: notice });
    },

    // ---- 取消预约 ----

    cancel(e) {
      const id = e.currentTarget.dataset.id;
      if (this._busy) return;
      wx.showModal({
        title: '取消预约',
        content: '确定取消这次志愿服务的预约吗？名额会让给其他志愿者。',
        confirmText: '取消预约',
        cancelText: '不取消',
        success: (res) => {
          if (res.confirm) this.doCancel(id);
        },
      });
    },

    async doCancel(id) {
      if (this._busy) return;
      this._busy = true;
      this.setNotice(id, null);
      this.setData({ busyId: id });
      try {
        const res = await timebank.cancelBooking(id);
        this.replaceItem(id, res);
        this.setNotice(id, { kind: 'ok', text: '已取消预约，名额已让给其他志愿者。' });
      } catch (err) {
        if (this.sessionEnded(err)) return;
        if (err.statusCode === 409) this.setNotice(id, { kind: 'error', text: err.message });
        else showError(err);
      } finally {
        this._busy = false;
        this.setData({ busyId: null });
      }
    },
  },
});
