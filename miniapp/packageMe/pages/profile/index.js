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
// - The mobile number is typed, or taken from WeChat: 使用微信绑定的手机号 is a <button open-type="getPhoneNumber">
//   whose tap gives a one-time code (e.detail.code) that only the server can exchange at WeChat; after the
//   privacy guide it goes to POST /me/phone (services/auth.js phoneFromWeChat), which saves the verified number
//   at once and answers the profile: the masked number is then shown in place of the typed field. Refusing
//   WeChat's prompt sends nothing and says the number can be typed; the server's 422 (code invalid, used or
//   expired; not a mainland number) and 409 phone_taken are said next to the phone field, a 503 (WeChat busy
//   or unreachable) as the usual toast with the same hint to type it.
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
const PHONE_LOGIN_REASON = '使用微信绑定的手机号需要先用微信登录。登录后请再点一次“使用微信绑定的手机号”。';
const PHONE_PRIVACY_REFUSED = '需要同意隐私保护指引后才能使用微信绑定的手机号';
const PHONE_REFUSED = '没有获取微信绑定的手机号。您可以直接在上面填写手机号码。';
const PHONE_TYPE_INSTEAD = '暂时无法使用微信绑定的手机号，您可以直接在上面填写手机号码。';
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
    phoneVerified: false, // the number WeChat verified is saved: shown masked in place of the typed field
    phoneBusy: false, // POST /me/phone in flight
    phoneNote: '', // a plain hint under the phone field (refused, WeChat unreachable): type the number instead
  },

  lifetimes: {
    created() {
      this._inFlight = false;
      this._phoneInFlight = false;
      this._phoneSaved = false; // POST /me/phone saved a number during this visit
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
      const extra = field === 'phone' ? { phoneNote: '' } : {};
      this.setData(Object.assign({ [`form.${field}`]: e.detail.value, [`fieldErrors.${field}`]: '', formError: '' }, extra));
    },

    // ---- 使用微信绑定的手机号 ----

    /**
     * bindgetphonenumber of the <button open-type="getPhoneNumber">: with a code (the user allowed it), the
     * privacy guide, then POST /me/phone; without one (e.detail.errMsg '…:fail user deny' and the like) nothing
     * is sent and the field stays there to type the number in.
     */
    onPhoneNumber(e) {
      const detail = (e && e.detail) || {};
      if (!detail.code) {
        this.setData({ phoneNote: PHONE_REFUSED, 'fieldErrors.phone': '' });
        return;
      }
      if (this._phoneInFlight) return;
      this.setData({ phoneNote: '', 'fieldErrors.phone': '' });
      this.afterPrivacy(() => this.sendPhoneCode(detail.code), PHONE_PRIVACY_REFUSED);
    },

    async sendPhoneCode(code) {
      if (this._phoneInFlight) return;
      this._phoneInFlight = true;
      this.setData({ phoneBusy: true });
      try {
        const profile = await auth.phoneFromWeChat(code);
        this._phoneSaved = true;
        this.setData({ profile, phoneVerified: true, 'form.phone': '', 'fieldErrors.phone': '', phoneNote: '' });
        wx.showToast({ title: '手机号已验证', icon: 'success' });
      } catch (err) {
        this.onPhoneError(err);
      } finally {
        this._phoneInFlight = false;
        this.setData({ phoneBusy: false });
      }
    },

    onPhoneError(err) {
      if (err.statusCode === 401) {
        this.askLogin(PHONE_LOGIN_REASON);
        return;
      }
      if (err.statusCode === 422 || err.statusCode === 409) {
        const { fields, other } = pf.serverErrors(err, pf.PHONE_CODE_FIELDS);
        this.setData({ 'fieldErrors.phone': fields.phone || other || err.message, phoneNote: '' });
        return;
      }
      showError(err); // 503 wechat_busy / wechat_unavailable, no network: the toast says which
      this.setData({ phoneNote: PHONE_TYPE_INSTEAD });
    },

    /** 换一个号码: the typed field again (the verified number stays saved until another is). */
    typePhone() {
      this.setData({ phoneVerified: false, phoneNote: '' });
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
        // The number WeChat verified is saved already: that is the change, and the opener hears of it.
        if (this._phoneSaved) this.saved(this.data.profile);
        else {
          wx.showToast({ title: '没有需要保存的修改', icon: 'none' });
          this.goBack();
        }
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
