// 服务详情: one facility — hours by weekday, services, accessibility, room and how old that figure is, phone
// (tap to call), 导航 (wx.openLocation), and 纠错: a resident's correction, which needs login.
const careMode = require('../../behaviors/care-mode');
const login = require('../../behaviors/login');
const facilities = require('../../services/facilities');
const { isLoggedIn, showError } = require('../../utils/request');
const shelterCache = require('../../utils/shelter-cache');

const WEEKDAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MESSAGE_MAX = 500; // as SuggestionCreateSchema
const LOGIN_REASON = '提交纠错需要先用微信登录。登录后会自动提交，您填写的内容会保留。';

const KINDS = [
  { key: 'wrong_phone', label: '电话不对' },
  { key: 'closed', label: '已经关闭了' },
  { key: 'moved', label: '搬到别处了' },
  { key: 'wrong_hours', label: '开放时间不对' },
  { key: 'other', label: '其他问题' },
];

/** The same rules as the server: a kind from the list, a message of at most 500 characters. */
function validate({ kind, message }) {
  const errors = {};
  if (!KINDS.some((k) => k.key === kind)) errors.kind = '请选择哪里不对';
  if (message && message.length > MESSAGE_MAX) errors.message = `说明最多 ${MESSAGE_MAX} 个字`;
  return errors;
}

/** A 422's field errors ({json: {kind: [...], message: [...]}}) onto the form's fields. */
function fieldErrorsOf(err) {
  const fields = (err && err.errors && err.errors.json) || {};
  const out = {};
  Object.keys(fields).forEach((name) => {
    const list = fields[name];
    out[name] = Array.isArray(list) ? list.join('') : String(list);
  });
  return out;
}

Component({
  behaviors: [careMode, login],

  data: {
    id: null,
    loading: true,
    facility: null,
    errorText: '',
    offlineAt: '',
    today: WEEKDAY_KEYS[new Date().getDay()],
    // 纠错
    kinds: KINDS,
    messageMax: MESSAGE_MAX,
    formOpen: false,
    kind: '',
    message: '',
    fieldErrors: {},
    submitting: false,
    submitted: false,
  },

  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id || null, today: WEEKDAY_KEYS[new Date().getDay()] });
      return this.load();
    },

    async load() {
      const { id } = this.data;
      if (!id) {
        this.setData({ loading: false, errorText: '没有找到这个服务场所。' });
        return;
      }
      this.setData({ loading: true, errorText: '' });
      try {
        const facility = await facilities.getFacility(id);
        this.setData({ facility, loading: false, offlineAt: '' });
      } catch (err) {
        const saved = err.statusCode === 0 ? shelterCache.find(id) : null;
        if (saved) {
          this.setData({ facility: saved.item, loading: false, offlineAt: shelterCache.fetchedText(saved.fetched_at) });
        } else {
          this.setData({ loading: false, errorText: err.message });
        }
      }
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.redirectTo({ url: '/pages/services/index' }) });
    },

    call() {
      const phone = this.data.facility && this.data.facility.phone;
      if (phone) wx.makePhoneCall({ phoneNumber: phone, fail() {} }); // fail: the user pressed 取消
    },

    navigate() {
      const f = this.data.facility;
      if (!f) return;
      wx.openLocation({
        latitude: f.lat,
        longitude: f.lng,
        name: f.name,
        address: f.address || '',
        scale: 16,
        fail: () => wx.showToast({ title: '暂时无法打开地图，请稍后再试', icon: 'none' }),
      });
    },

    // ---- 纠错 ----

    openForm() {
      this.setData({ formOpen: true, submitted: false, fieldErrors: {} });
    },

    closeForm() {
      this.setData({ formOpen: false, fieldErrors: {} });
    },

    onKindTap(e) {
      this.setData({ kind: e.currentTarget.dataset.key, 'fieldErrors.kind': '' });
    },

    onMessageInput(e) {
      this.setData({ message: e.detail.value, 'fieldErrors.message': '' });
    },

    async submitSuggestion() {
      if (this.data.submitting || this.data.loggingIn) return;
      const { kind } = this.data;
      const message = (this.data.message || '').trim();
      const errors = validate({ kind, message });
      if (Object.keys(errors).length) {
        this.setData({ fieldErrors: errors });
        return;
      }
      if (!isLoggedIn()) {
        this.askLogin(LOGIN_REASON);
        return;
      }
      this.setData({ submitting: true, fieldErrors: {} });
      try {
        await facilities.suggestCorrection(this.data.facility.id, { kind, message });
        this.setData({ submitted: true, formOpen: false, kind: '', message: '' });
        wx.showToast({ title: '已提交，谢谢您', icon: 'success' });
      } catch (err) {
        if (err.statusCode === 401) {
          this.askLogin(LOGIN_REASON);
        } else {
          if (err.statusCode === 422) this.setData({ fieldErrors: fieldErrorsOf(err) });
          showError(err);
        }
      } finally {
        this.setData({ submitting: false });
      }
    },

    /** After login (behaviors/login): the correction that needed it, with what was typed. */
    afterLogin() {
      return this.submitSuggestion();
    },
  },
});
