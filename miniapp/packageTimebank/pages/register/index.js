// 登记志愿者: the services I can give (chips, several), and my team (optional). Registration is by real name:
// without a real name and ID number on the profile the server answers 409 profile_incomplete, and the page
// opens the real-name form (packageMe), which comes back here when saved. Registering again updates the skills
// and team.
const careMode = require('../../../behaviors/care-mode');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');
const { showError } = require('../../../utils/request');

const PROFILE_URL = '/packageMe/pages/profile/index';
const MISSING_WORDS = { real_name: '真实姓名', id_number: '身份证号码' };

Component({
  behaviors: [careMode, needsLogin],

  data: {
    loading: false,
    errorText: '',
    registered: false,
    skills: tb.SKILLS.map((s) => Object.assign({ on: false }, s)),
    teams: tb.TEAMS,
    team: '',
    teamMax: tb.LIMITS.teamMax,
    fieldErrors: {},
    submitting: false,
    profileText: '',
  },

  methods: {
    onLoad() {
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    /** An existing registration fills the form in. */
    async load() {
      this.setData({ loading: true, errorText: '' });
      try {
        const me = await timebank.myVolunteer();
        this.setData({
          registered: true,
          team: me.team || '',
          skills: this.data.skills.map((s) => Object.assign({}, s, { on: me.skills.indexOf(s.key) >= 0 })),
        });
      } catch (err) {
        if (this.sessionEnded(err)) return;
        if (err.statusCode !== 404) this.setData({ errorText: err.message });
      } finally {
        this.setData({ loading: false });
      }
    },

    onSkillTap(e) {
      const key = e.currentTarget.dataset.key;
      this.setData({
        skills: this.data.skills.map((s) => (s.key === key ? Object.assign({}, s, { on: !s.on }) : s)),
        'fieldErrors.skills': '',
      });
    },

    onTeamInput(e) {
      this.setData({ team: e.detail.value, 'fieldErrors.team': '' });
    },

    onTeamTap(e) {
      const team = e.currentTarget.dataset.team;
      this.setData({ team: this.data.team === team ? '' : team, 'fieldErrors.team': '' });
    },

    async submit() {
      if (this.data.submitting) return;
      const skills = this.data.skills.filter((s) => s.on).map((s) => s.key);
      const team = (this.data.team || '').trim();
      const errors = tb.validateRegister({ skills, team });
      if (Object.keys(errors).length) {
        this.setData({ fieldErrors: errors });
        return;
      }
      this.setData({ submitting: true, fieldErrors: {}, profileText: '' });
      try {
        await timebank.register({ skills, team: team || null });
        wx.showToast({ title: this.data.registered ? '已保存' : '登记成功', icon: 'success' });
        this.setData({ registered: true });
        wx.navigateBack({ fail: () => wx.redirectTo({ url: '/packageTimebank/pages/index/index' }) });
      } catch (err) {
        this.failed(err);
      } finally {
        this.setData({ submitting: false });
      }
    },

    failed(err) {
      if (this.sessionEnded(err)) return;
      if (err.statusCode === 409 && err.error === 'profile_incomplete') {
        this.askProfile(err);
        return;
      }
      if (err.statusCode === 422) {
        const mapped = tb.fieldErrorsOf(err);
        this.setData({ fieldErrors: mapped.fields });
        if (!Object.keys(mapped.fields).length) showError(err);
        return;
      }
      showError(err);
    },

    /** 志愿者实行实名登记: say what is missing, and offer the real-name form to fill it. */
    askProfile(err) {
      const missing = ((err.data && err.data.missing) || []).map((m) => MISSING_WORDS[m] || m);
      const profileText = missing.length ? `还需要填写：${missing.join('、')}。` : '';
      this.setData({ profileText: `${err.message}${profileText}` });
      wx.showModal({
        title: '需要实名信息',
        content: `志愿者需要实名登记。${profileText}请先填写实名信息，保存后会回到这里。`,
        confirmText: '去填写',
        cancelText: '稍后',
        success: (res) => {
          if (res.confirm) this.goProfile();
        },
      });
    },

    /** The real-name form; once saved it comes back here, and 登记 can be pressed again. */
    goProfile() {
      wx.navigateTo({
        url: PROFILE_URL,
        events: { saved: () => this.setData({ profileText: '' }) },
      });
    },
  },
});
