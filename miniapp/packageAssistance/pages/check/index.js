// 自测: may this household qualify, for how much, and why — line by line. Public and anonymous: nothing is
// stored (POST /assistance/eligibility without a token). The household is checked on the phone with the server's
// own rules first (utils/household.js), and the server's 422 is put back onto the same fields.
// 按这些情况申请 carries the household on into the application form (utils/handoff.js, in memory only).
const careMode = require('../../../behaviors/care-mode');
const assistance = require('../../../services/assistance');
const regions = require('../../../services/regions');
const { isLoggedIn } = require('../../../utils/request');
const { flattenErrors } = require('../../../utils/errors');
const auth = require('../../../services/auth');
const h = require('../../utils/household');
const { decorateResult } = require('../../utils/format');
const handoff = require('../../utils/handoff');

const CITY_CODE = '330800';
const APPLY_URL = '/packageAssistance/pages/apply/index';
const FIX_FIELDS = '请按标红的提示修改后再测。';
// The choices above the household; their errors sit under the chips.
const CHOICES = ['program', 'region_code', 'is_urban'];

Component({
  behaviors: [careMode],

  data: {
    loading: true,
    errorText: '',
    programs: [],
    counties: [],
    program: '',
    regionCode: '',
    isUrban: null,
    form: h.emptyForm(),
    relationLabels: h.RELATIONS.map((r) => r.label),
    disabilityLabels: h.DISABILITY,
    maxMembers: h.MAX_MEMBERS,
    err: {},
    memberErrors: [{}],
    formError: '',
    checking: false,
    result: null,
  },

  methods: {
    onLoad(options = {}) {
      this.setData({ program: options.program || '' });
      return this.load();
    },

    /** The programs and the counties (both public); the county of the profile when logged in. */
    async load() {
      this.setData({ loading: true, errorText: '' });
      try {
        const [programs, counties] = await Promise.all([assistance.listPrograms(), regions.listRegions(CITY_CODE)]);
        this.setData({
          programs: (programs || []).map((p) => ({ code: p.code, name: p.name })),
          counties: (counties || []).map((c) => ({ code: c.code, name: c.name })),
          loading: false,
        });
      } catch (err) {
        this.setData({ loading: false, errorText: err.message });
        return;
      }
      await this.preselectCounty();
    },

    async preselectCounty() {
      if (this.data.regionCode || !isLoggedIn()) return;
      try {
        const me = await auth.getMe();
        const county = me && me.region_code ? me.region_code.slice(0, 6) : '';
        if (county && this.data.counties.some((c) => c.code === county) && !this.data.regionCode) {
          this.setData({ regionCode: county });
        }
      } catch (e) {
        // A help, not a step: the resident picks the county.
      }
    },

    // ---- the choices ----

    onProgramTap(e) {
      this.changed({ program: e.currentTarget.dataset.code, 'err.program': '' });
    },

    onCountyTap(e) {
      this.changed({ regionCode: e.currentTarget.dataset.code, 'err.region_code': '' });
    },

    onUrbanTap(e) {
      this.changed({ isUrban: e.currentTarget.dataset.value === 'urban', 'err.is_urban': '' });
    },

    // ---- the household ----

    onMemberInput(e) {
      const { index, field } = e.currentTarget.dataset;
      const errorKey = field === 'income' ? 'monthly_income_fen' : field;
      this.changed({ [`form.members[${index}].${field}`]: e.detail.value, [`memberErrors[${index}].${errorKey}`]: '' });
    },

    onRelationChange(e) {
      const index = e.currentTarget.dataset.index;
      const relation = h.RELATIONS[Number(e.detail.value)].key;
      this.changed({ [`form.members[${index}].relation`]: relation, [`memberErrors[${index}].relation`]: '', 'err.members': '' });
    },

    onDisabilityChange(e) {
      const index = e.currentTarget.dataset.index;
      this.changed({ [`form.members[${index}].disability`]: Number(e.detail.value), [`memberErrors[${index}].disability_grade`]: '' });
    },

    addMember() {
      const members = this.data.form.members;
      if (members.length >= h.MAX_MEMBERS) return;
      this.changed({
        'form.members': members.concat([h.emptyMember()]),
        memberErrors: this.data.memberErrors.concat([{}]),
        'err.members': '',
      });
    },

    /** 删除 is offered on everyone but the applicant (本人), as on the worker's form. */
    removeMember(e) {
      const index = Number(e.currentTarget.dataset.index);
      const member = this.data.form.members[index];
      if (!member || member.relation === 'self') return;
      const members = this.data.form.members.filter((m, i) => i !== index);
      this.changed({ 'form.members': members, memberErrors: members.map(() => ({})), err: {} });
    },

    onInput(e) {
      const field = e.currentTarget.dataset.field;
      const errorKey = { financial: 'assets_financial_fen', vehicles: 'assets_vehicles', properties: 'assets_properties', medical: 'medical_out_of_pocket_fen' }[field];
      this.changed({ [`form.${field}`]: e.detail.value, [`err.${errorKey}`]: '' });
    },

    /** Any change makes the last answer stale: it is taken away rather than left to mislead. */
    changed(data) {
      this.setData(Object.assign({ result: null, formError: '' }, data));
    },

    // ---- checking ----

    problems() {
      const { program, regionCode, isUrban, form } = this.data;
      const errors = Object.assign(
        {},
        h.membersProblems(form.members),
        h.incomeProblems(form.members),
        h.assetsProblems(form, program, { requireMedical: false }),
      );
      if (!program) errors.program = '请选择要自测的救助项目。';
      if (!regionCode) errors.region_code = '请选择户籍所在的区县。';
      if (isUrban === null) errors.is_urban = '请选择城镇还是农村。';
      return errors;
    },

    showErrors(errors, other) {
      const choices = {};
      const household = {};
      Object.keys(errors).forEach((key) => {
        (CHOICES.indexOf(key) >= 0 ? choices : household)[key] = errors[key];
      });
      const view = h.viewErrors(household, this.data.form.members.length, 0);
      this.setData({
        err: Object.assign(view.err, choices),
        memberErrors: view.memberErrors,
        formError: [other, view.other].filter(Boolean).join('') || FIX_FIELDS,
      });
    },

    async check() {
      if (this.data.checking) return;
      const errors = this.problems();
      if (Object.keys(errors).length) {
        this.showErrors(errors);
        return;
      }
      const body = h.eligibilityBody({
        program: this.data.program,
        regionCode: this.data.regionCode,
        isUrban: this.data.isUrban,
        form: this.data.form,
      });
      this.setData({ checking: true, formError: '', err: {}, memberErrors: this.data.form.members.map(() => ({})) });
      try {
        const result = await assistance.checkEligibility(body);
        this.setData({ result: decorateResult(result) });
        if (typeof wx.pageScrollTo === 'function') wx.pageScrollTo({ selector: '.result', duration: 200 });
      } catch (err) {
        if (err.statusCode === 422) {
          const { fields, other } = flattenErrors(err);
          this.showErrors(fields, other);
        } else {
          this.setData({ formError: err.message });
        }
      } finally {
        this.setData({ checking: false });
      }
    },

    /** The household typed here goes on into the application form. */
    applyWithThis() {
      handoff.put({ program: this.data.program, form: this.data.form });
      wx.navigateTo({ url: `${APPLY_URL}?program=${this.data.program}&from=check` });
    },
  },
});
