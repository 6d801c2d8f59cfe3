// 实名信息: 姓名, 身份证号码, 手机号码 and 所在社区, sent with PATCH /me. Opened from 我的 (填写 / 修改实名信息) and
// from the pages that need a real name (救助 apply, 时间银行 register); once saved it goes back to where the user
// was (wx.navigateBack), and the page that opened it hears `saved` with the masked profile on its event channel.
//
// - Everything is checked on the phone with the server's rules before it is sent (packageMe/utils/profile-form.js;
//   the ID number with utils/idcard.js, GB 11643), each error next to its field; the server's 422 and the 409s
//   about one field (ID or phone number bound to another account, ID number locked) land on the same fields.
// - Only what is filled in and changes is sent: the server keeps the rest. An ID number already set cannot be
//   changed by its owner (the server answers 409 id_number_locked), so it is shown masked, with whom to ask.
// - Personal data leaves the phone only with a login and after the privacy guide is agreed (behaviors/login:
//   startLogin, afterPrivacy); the top of the page says what is collected and why (个人信息保护法 Art. 17).
// - The mobile number is typed. WeChat's <button open-type="getPhoneNumber"> gives a one-time code that only the
//   server can exchange at WeChat (POLICY.md), and the API has no endpoint that takes such a code.
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');
const auth = require('../../../services/auth');
const { getRegion } = require('../../../services/regions');
const { isLoggedIn, showError } = require('../../../utils/request');
const pf = require('../../utils/profile-form');

const ME_TAB = '/pages/me/index';
const LOGIN_REASON = '保存实名信息需要先用微信登录。登录后会自动保存，您填写的内容会保留。';
const FIX_FIELDS = '请按标红的提示修改后再保存。';
const PRIVACY_REFUSED = '需要同意隐私保护指引后才能保存实名信息';
const EMPTY_FORM = { real_name: '', id_number: '', phone: '' };
const REGION_LEVELS_SHOWN = ['city', 'county', 'township', 'community']; // as the picker writes its path

Component({
  behaviors: [careMode, login],

  data: {
    needLogin: false,
    loading: true,
    errorText: '',
    contractName: '《隐私保护指引》',
    limits: pf.LIMITS,
    profile: null, // GET /me: masked, and what is already set
    form: Object.assign({}, EMPTY_FORM),
    region: null, // the community: {code, name, level, pathText}, the profile's own until another is chosen
    regionOpen: false,
    fieldErrors: {},
    formError: '',
    submitting: false,
  },

  lifetimes: {
    created() {
      this._inFlight = false;
      this._submitAfterLogin = false;
    },
    attached() {
      if (typeof wx.getPrivacySetting !== 'function') return;
      wx.getPrivacySetting({
        success: (res) => res && res.privacyContractName && this.setData({ contractName: res.privacyContractName }),
      });
    },
  },

  methods: {
    onLoad() {
      if (!isLoggedIn()) {
        this.setData({ needLogin: true, loading: false });
        return null;
      }
      return this.load();
    },

    /** The profile as it is: what is set already need not be typed again. */
    async load() {
      this.setData({ loading: true, errorText: '', needLogin: false });
      let profile;
      try {
        profile = await auth.getMe();
      } catch (err) {
        if (err.statusCode === 401) this.setData({ needLogin: true, loading: false });
        else this.setData({ errorText: err.message, loading: false });
        return;
      }
      this.setData({ profile, regionOpen: !profile.region_code });
      if (profile.region_code) await this.loadRegion(profile.region_code);
      this.setData({ loading: false });
    },

    /** The profile's region, named as the picker names it: 衢州市 › 柯城区 › 府山街道 › 坊门街社区. */
    async loadRegion(code) {
      const fallback = { code, name: code, level: pf.levelOf({ code }), pathText: code };
      try {
        const region = await getRegion(code);
        const names = [region.name];
        let parent = region.parent_code;
        let level = region.level;
        while (parent && level !== 'city' && REGION_LEVELS_SHOWN.indexOf(level) >= 0) {
          const up = await getRegion(parent);
          names.unshift(up.name);
          parent = up.parent_code;
          level = up.level;
        }
        this.setData({ region: { code: region.code, name: region.name, level: region.level, pathText: names.join(' › ') } });
      } catch (err) {
        this.setData({ region: fallback }); // the code is still right; only its name is missing
      }
    },

    openPrivacyContract() {
      wx.openPrivacyContract({
        fail: () => wx.showToast({ title: '暂时无法打开，请稍后再试', icon: 'none' }),
      });
    },

    // ---- the fields ----

    onInput(e) {
      const field = e.currentTarget.dataset.field;
      this.setData({ [`form.${field}`]: e.detail.value, [`fieldErrors.${field}`]: '', formError: '' });
    },

    openRegion() {
      this.setData({ regionOpen: true });
    },

    closeRegion() {
      this.setData({ regionOpen: false });
    },

    /**
     * The <region-picker> reports the level passed through first (the city), then every tap; only a community is
     * an answer (the picker shows the way there itself), and it closes the picker. Closing it before that keeps
     * the region there was.
     */
    onRegionChange(e) {
      const { code, name, level, pathText } = e.detail;
      if (level !== 'community') return;
      this.setData({ region: { code, name, level, pathText }, regionOpen: false, 'fieldErrors.region_code': '', formError: '' });
    },

    // ---- saving ----

    submit() {
      if (this._inFlight) return null;
      const { errors, body } = pf.buildUpdate({ form: this.data.form, profile: this.data.profile || {}, region: this.data.region });
      if (errors) {
        this.setData({ fieldErrors: errors, formError: FIX_FIELDS, regionOpen: this.data.regionOpen || Boolean(errors.region_code) });
        return null;
      }
      if (!isLoggedIn()) {
        this._submitAfterLogin = true;
        this.askLogin(LOGIN_REASON);
        return null;
      }
      if (!Object.keys(body).length) {
        wx.showToast({ title: '没有需要保存的修改', icon: 'none' });
        this.goBack();
        return null;
      }
      this.afterPrivacy(() => this.send(body), PRIVACY_REFUSED);
      return null;
    },

    async send(body) {
      if (this._inFlight) return;
      this._inFlight = true;
      this.setData({ submitting: true, fieldErrors: {}, formError: '' });
      try {
        const profile = await auth.updateMe(body);
        this.saved(profile);
      } catch (err) {
        this.onSendError(err);
      } finally {
        this._inFlight = false;
        this.setData({ submitting: false });
      }
    },

    onSendError(err) {
      if (err.statusCode === 401) {
        this._submitAfterLogin = true;
        this.askLogin(LOGIN_REASON);
        return;
      }
      const { fields, other } = pf.serverErrors(err);
      if (Object.keys(fields).length || other) {
        this.setData({
          fieldErrors: fields,
          formError: other || FIX_FIELDS,
          regionOpen: this.data.regionOpen || Boolean(fields.region_code),
        });
        return;
      }
      this.setData({ formError: err.message });
      showError(err);
    },

    /** Saved: the form is done with; back to what the user was doing, which is told (event channel `saved`). */
    saved(profile) {
      this.setData({ profile, form: Object.assign({}, EMPTY_FORM) });
      wx.showToast({ title: '已保存', icon: 'success' });
      const channel = typeof this.getOpenerEventChannel === 'function' ? this.getOpenerEventChannel() : null;
      if (channel && typeof channel.emit === 'function') channel.emit('saved', profile);
      this.goBack();
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.switchTab({ url: ME_TAB }) });
    },

    /** After login (behaviors/login): the profile as the server has it, then the save that needed the login. */
    async afterLogin() {
      const { form, region } = this.data;
      await this.load();
      // What was typed or chosen before the login stays.
      this.setData({ form });
      if (region && region.level === 'community') this.setData({ region, regionOpen: false });
      if (this._submitAfterLogin && !this.data.needLogin && !this.data.errorText) {
        this._submitAfterLogin = false;
        this.submit();
      }
    },
  },
});
