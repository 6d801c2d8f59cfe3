// 救助申请表, in steps: 1 家庭成员 · 2 收入 · 3 财产 · 4 申请原因 · 5 证明材料 · 6 确认提交.
//
// - Steps 1–4 are checked on the phone with the server's rules (utils/household.js) before moving on. Leaving
//   step 4 saves the draft: POST /applications with this form's Idempotency-Key the first time (a retry returns
//   the same draft), PATCH {version, …} afterwards with only the groups that changed (so what the resident did not
//   touch, e.g. the member names a worker recorded, is left as it is).
// - Step 5 takes photos (wx.chooseMedia) or a PDF (wx.chooseMessageFile) and sends each with wx.uploadFile
//   through utils/request.upload(), showing the UploadTask's progress.
// - 提交: the subscribe-message request (config.subscribeTemplates.assistance; empty: not asked) comes first, in
//   the tap itself as WeChat requires, and whatever the answer the submit goes on. POST …/submit {version} with
//   its own Idempotency-Key; a 422 names every problem at once and each lands on its field, on its step.
// - A stale version (409) reloads the application from the server and says so.
// Opening: ?program=dibao (new), ?id=12 (a draft or a returned application), &from=check (the self-check's
// household, utils/handoff.js).
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');
const config = require('../../../config');
const assistance = require('../../../services/assistance');
const { isLoggedIn, showError } = require('../../../utils/request');
const { flattenErrors } = require('../../../utils/errors');
const h = require('../../utils/household');
const f = require('../../utils/format');
const handoff = require('../../utils/handoff');
const { newIdempotencyKey } = require('../../utils/idempotency');

const STEPS = ['家庭成员', '收入', '财产', '申请原因', '证明材料', '确认提交'];
const STEP = { members: 0, income: 1, assets: 2, reason: 3, documents: 4, confirm: 5 };
const EDITABLE = ['draft', 'returned'];
const OTHER_KIND = '其他材料';
// services/assistance.py AssistanceSettings: 5 MB a file, 20 files an application.
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_FILES = 20;
const MAX_PICK = 9; // wx.chooseMedia takes at most 9 at once

const DETAIL_URL = '/packageAssistance/pages/application/index';
const MINE_URL = '/packageAssistance/pages/applications/index';
const PROGRAMS_URL = '/packageAssistance/pages/programs/index';
const PROFILE_URL = '/packageMe/pages/profile/index';

const LOGIN_REASON = '保存和提交申请需要先用微信登录，办理进度会通知到这个微信。登录后会自动继续，您填写的内容会保留。';
const FIX_FIELDS = '请按标红的提示修改。';
const STALE = '这份申请已在别处更新（例如另一台手机或工作人员），已重新加载最新内容，请检查后再继续。';
const NETWORK_RETRY = '申请可能还没有提交上。请检查网络后点“重新提交”，不会重复提交。';
const PROFILE_SAVED = '实名信息已保存。请再点一次刚才的按钮继续。';

/** The step that shows a server field. */
function stepOf(field) {
  if (/^members\.\d+\.monthly_income_fen$/.test(field)) return STEP.income;
  if (/^members(\.|$)/.test(field) || field === 'program') return STEP.members;
  if (/^assets(\.|$)/.test(field) || field === 'medical_out_of_pocket_fen') return STEP.assets;
  if (/^(reason|cause|emergency|relatives)(\.|$)/.test(field)) return STEP.reason;
  if (field === 'attachments') return STEP.documents;
  return STEP.confirm;
}

function sizeText(bytes) {
  const kb = Math.max(1, Math.round((Number(bytes) || 0) / 1024));
  return kb >= 1024 ? `${Math.floor(kb / 1024)}.${Math.floor(((kb % 1024) * 10) / 1024)} MB` : `${kb} KB`;
}

function fileName(path) {
  const parts = String(path || '').split('/');
  return parts[parts.length - 1] || '文件';
}

Component({
  behaviors: [careMode, login],

  data: {
    steps: STEPS,
    step: 0,
    loading: true,
    errorText: '',
    needLogin: false,
    blocked: '', // the application can no longer be edited here: why
    programs: [],
    program: '',
    programName: '',
    documents: [],
    appId: null,
    version: null,
    status: '',
    number: '',
    missing: [],
    fromCheck: false,
    form: h.emptyForm(),
    relationLabels: h.RELATIONS.map((r) => r.label),
    disabilityLabels: h.DISABILITY,
    causes: h.CAUSES,
    limits: h.LIMITS,
    maxMembers: h.MAX_MEMBERS,
    err: {},
    memberErrors: [{}],
    relativeErrors: [],
    formError: '',
    notice: '', // a plain message above the form (stale version reloaded, household from the self-check)
    attachments: [],
    uploads: [],
    docRows: [],
    saving: false,
    submitting: false,
    retryable: false,
    summary: null,
    done: null,
  },

  lifetimes: {
    created() {
      this._createKey = newIdempotencyKey('asst-new');
      this._submitKey = newIdempotencyKey('asst-submit');
      this._dirty = { members: true, assets: true, reason: true };
      this._pending = null; // what to carry on with after login
      this._uploadSeq = 0;
      this._files = {}; // upload key → {filePath, kind, size}
      this._inFlight = false;
    },
  },

  methods: {
    async onLoad(options = {}) {
      const id = options.id ? Number(options.id) : null;
      this.setData({ program: options.program || '', appId: id });
      await this.loadPrograms();
      if (id) {
        if (!isLoggedIn()) {
          this._pending = 'load';
          this.setData({ needLogin: true, loading: false });
          return;
        }
        await this.loadApplication();
        return;
      }
      if (options.from === 'check') {
        const seed = handoff.take();
        if (seed && seed.form && (!seed.program || seed.program === this.data.program)) {
          const form = Object.assign(h.emptyForm(), seed.form, { hasRelatives: null, reason: '', relatives: [] });
          this.setData({
            form,
            memberErrors: form.members.map(() => ({})),
            fromCheck: true,
            notice: '已带入自测时填写的家庭情况，请逐项核对。',
          });
        }
      }
      this.setData({ loading: false });
      this.useProgram(this.data.program);
    },

    async retryLoad() {
      this.setData({ errorText: '' });
      await this.loadPrograms();
      if (this.data.appId) await this.loadApplication();
      else this.useProgram(this.data.program);
    },

    /** GET /programs (public): the names and each program's documents. */
    async loadPrograms() {
      try {
        const programs = await assistance.listPrograms();
        this.setData({ programs: (programs || []).map((p) => ({ code: p.code, name: p.name, documents: p.documents || [] })) });
      } catch (err) {
        this.setData({ errorText: err.message });
      }
    },

    useProgram(code) {
      const program = this.data.programs.find((p) => p.code === code);
      this.setData({
        program: code || '',
        programName: program ? program.name : f.programName(code),
        documents: program ? program.documents : [],
      });
      this.refreshDocs();
    },

    onProgramTap(e) {
      if (this.data.appId) return; // an application's program is fixed once it exists
      this.useProgram(e.currentTarget.dataset.code);
      this._dirty.assets = true;
      this._dirty.reason = true;
    },

    /** GET /applications/{id}: the form, the documents and the version, as the server has them now. */
    async loadApplication() {
      this.setData({ loading: true, errorText: '' });
      let app;
      try {
        app = await assistance.getApplication(this.data.appId);
      } catch (err) {
        if (err.statusCode === 401) {
          this._pending = 'load';
          this.setData({ needLogin: true, loading: false });
          return false;
        }
        this.setData({ loading: false, errorText: err.message });
        return false;
      }
      const form = h.formFromApplication(app);
      this._dirty = { members: false, assets: false, reason: false };
      this.setData({
        loading: false,
        needLogin: false,
        version: app.version,
        status: app.status,
        number: app.number || '',
        missing: app.missing || [],
        form,
        attachments: app.attachments || [],
        memberErrors: form.members.map(() => ({})),
        relativeErrors: form.relatives.map(() => ({})),
        err: {},
        blocked: EDITABLE.indexOf(app.status) >= 0 ? '' : `这份申请当前状态为“${app.status_name || f.STATUS_NAMES[app.status]}”，不能再修改。`,
      });
      this.useProgram(app.program);
      if (this.data.step === STEP.confirm) this.setData({ summary: this.summarize() });
      return true;
    },

    // ---- steps ----

    /** The problems of one step, by the server's field names. */
    problemsOf(step) {
      const { form, program, attachments } = this.data;
      if (step === STEP.members) {
        const errors = h.membersProblems(form.members);
        if (!program) errors.program = '请选择要申请的救助项目。';
        return errors;
      }
      if (step === STEP.income) return h.incomeProblems(form.members);
      if (step === STEP.assets) return h.assetsProblems(form, program);
      if (step === STEP.reason) return h.reasonProblems(form, program);
      if (step === STEP.documents) return h.documentProblems(attachments);
      return {};
    },

    allProblems() {
      return Object.assign({}, ...[0, 1, 2, 3, 4].map((s) => this.problemsOf(s)));
    },

    /** Puts errors (dotted server names) on the fields; returns the first step that has one. */
    showErrors(errors, other) {
      const { form } = this.data;
      const household = Object.assign({}, errors);
      delete household.program;
      const view = h.viewErrors(household, form.members.length, form.relatives.length);
      if (errors.program) view.err.program = errors.program;
      const steps = Object.keys(errors).map(stepOf);
      const first = steps.length ? Math.min(...steps) : this.data.step;
      this.setData({
        err: view.err,
        memberErrors: view.memberErrors,
        relativeErrors: view.relativeErrors,
        formError: [other, view.other].filter(Boolean).join('') || FIX_FIELDS,
      });
      return first;
    },

    /** Moving on from a step clears that step's errors only: the server's errors on later steps stay shown. */
    clearStepErrors(step) {
      const { err, memberErrors, relativeErrors } = this.data;
      const keep = Object.assign({}, err);
      const ERR_KEYS = {
        [STEP.members]: ['members', 'program'],
        [STEP.assets]: ['assets', 'assets_financial_fen', 'assets_vehicles', 'assets_properties', 'medical_out_of_pocket_fen'],
        [STEP.reason]: ['reason', 'cause', 'relatives'],
        [STEP.documents]: ['attachments'],
      };
      (ERR_KEYS[step] || []).forEach((k) => delete keep[k]);
      const memberKeys = { [STEP.members]: ['relation', 'age', 'disability_grade', 'student'], [STEP.income]: ['monthly_income_fen'] }[step] || [];
      const members = memberErrors.map((m) => {
        const left = Object.assign({}, m);
        memberKeys.forEach((k) => delete left[k]);
        return left;
      });
      this.setData({
        err: keep,
        memberErrors: members,
        relativeErrors: step === STEP.reason ? relativeErrors.map(() => ({})) : relativeErrors,
        formError: '',
      });
    },

    goStep(step) {
      this.setData({ step, summary: step === STEP.confirm ? this.summarize() : this.data.summary });
      if (typeof wx.pageScrollTo === 'function') wx.pageScrollTo({ scrollTop: 0, duration: 0 });
    },

    async next() {
      if (this.data.saving || this.data.blocked) return;
      const step = this.data.step;
      const errors = this.problemsOf(step);
      if (Object.keys(errors).length) {
        this.showErrors(errors);
        return;
      }
      if (step === STEP.documents && this.data.uploads.some((u) => u.status === 'uploading')) {
        this.setData({ formError: '请等材料上传完成后再继续。' });
        return;
      }
      this.clearStepErrors(step);
      if (step === STEP.reason) {
        const saved = await this.save('next');
        if (!saved) return;
      }
      this.goStep(Math.min(step + 1, STEP.confirm));
    },

    prev() {
      if (this.data.step === 0) return;
      this.setData({ formError: '' });
      this.goStep(this.data.step - 1);
    },

    /** 修改 on the summary: back to that step. */
    editStep(e) {
      this.setData({ formError: '' });
      this.goStep(Number(e.currentTarget.dataset.step));
    },

    // ---- the fields ----

    onMemberInput(e) {
      const { index, field } = e.currentTarget.dataset;
      const errorKey = field === 'income' ? 'monthly_income_fen' : field;
      this._dirty.members = true;
      this.setData({ [`form.members[${index}].${field}`]: e.detail.value, [`memberErrors[${index}].${errorKey}`]: '' });
    },

    onRelationChange(e) {
      const index = e.currentTarget.dataset.index;
      this._dirty.members = true;
      this.setData({
        [`form.members[${index}].relation`]: h.RELATIONS[Number(e.detail.value)].key,
        [`memberErrors[${index}].relation`]: '',
        'err.members': '',
      });
    },

    onDisabilityChange(e) {
      const index = e.currentTarget.dataset.index;
      this._dirty.members = true;
      this.setData({ [`form.members[${index}].disability`]: Number(e.detail.value), [`memberErrors[${index}].disability_grade`]: '' });
    },

    onStudentChange(e) {
      const index = e.currentTarget.dataset.index;
      const current = this.data.form.members[index].student;
      const value = e && e.detail && typeof e.detail.value === 'boolean' ? e.detail.value : !current;
      this._dirty.members = true;
      this.setData({ [`form.members[${index}].student`]: value });
    },

    addMember() {
      const members = this.data.form.members;
      if (members.length >= h.MAX_MEMBERS) return;
      this._dirty.members = true;
      this.setData({
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
      this._dirty.members = true;
      this.setData({ 'form.members': members, memberErrors: members.map(() => ({})), 'err.members': '' });
    },

    /** Text fields of the form itself: data-field is the form key, data-group the draft group it belongs to. */
    onInput(e) {
      const { field, group } = e.currentTarget.dataset;
      const errorKey = {
        financial: 'assets_financial_fen',
        vehicles: 'assets_vehicles',
        properties: 'assets_properties',
        medical: 'medical_out_of_pocket_fen',
        reason: 'reason',
      }[field];
      this._dirty[group] = true;
      this.setData({ [`form.${field}`]: e.detail.value, [`err.${errorKey}`]: '' });
    },

    onCauseTap(e) {
      this._dirty.reason = true;
      this.setData({ 'form.cause': e.currentTarget.dataset.key, 'err.cause': '' });
    },

    onEmergencyTap(e) {
      this._dirty.reason = true;
      this.setData({ 'form.emergency': e.currentTarget.dataset.value === 'yes' });
    },

    onHasRelativesTap(e) {
      const has = e.currentTarget.dataset.value === 'yes';
      const relatives = has && !this.data.form.relatives.length ? [h.emptyRelative()] : this.data.form.relatives;
      this._dirty.reason = true;
      this.setData({
        'form.hasRelatives': has,
        'form.relatives': relatives,
        relativeErrors: relatives.map(() => ({})),
        'err.relatives': '',
      });
    },

    onRelativeInput(e) {
      const { index, field } = e.currentTarget.dataset;
      this._dirty.reason = true;
      this.setData({ [`form.relatives[${index}].${field}`]: e.detail.value, [`relativeErrors[${index}].${field}`]: '' });
    },

    addRelative() {
      const relatives = this.data.form.relatives;
      if (relatives.length >= h.LIMITS.relatives) return;
      this._dirty.reason = true;
      this.setData({ 'form.relatives': relatives.concat([h.emptyRelative()]), relativeErrors: this.data.relativeErrors.concat([{}]) });
    },

    removeRelative(e) {
      const index = Number(e.currentTarget.dataset.index);
      const relatives = this.data.form.relatives.filter((r, i) => i !== index);
      this._dirty.reason = true;
      this.setData({ 'form.relatives': relatives, relativeErrors: relatives.map(() => ({})) });
    },

    noop() {},

    // ---- saving the draft ----

    /**
     * Creates the draft (first time) or PATCHes the changed groups; true when the server has the form.
     * `then` says what to carry on with after a login this needs.
     */
    async save(then) {
      if (!isLoggedIn()) {
        this._pending = then;
        this.askLogin(LOGIN_REASON);
        return false;
      }
      const groups = h.draftGroups(this.data.form, this.data.program);
      this.setData({ saving: true, formError: '' });
      try {
        let app;
        if (!this.data.appId) {
          const body = Object.assign({ program: this.data.program }, groups.members, groups.assets, groups.reason);
          app = await assistance.createApplication(body, this._createKey);
        } else {
          const changed = Object.keys(this._dirty).filter((g) => this._dirty[g]);
          if (!changed.length) return true;
          const body = Object.assign({ version: this.data.version }, ...changed.map((g) => groups[g]));
          app = await assistance.updateApplication(this.data.appId, body);
        }
        this._dirty = { members: false, assets: false, reason: false };
        this.setData({ appId: app.id, version: app.version, status: app.status, number: app.number || '' });
        return true;
      } catch (err) {
        await this.onWriteError(err, then);
        return false;
      } finally {
        this.setData({ saving: false });
      }
    },

    /** What a failed create / PATCH / submit means to the resident. */
    async onWriteError(err, then) {
      if (err.statusCode === 401) {
        this._pending = then;
        this.askLogin(LOGIN_REASON);
        return;
      }
      if (err.statusCode === 422) {
        const { fields, other } = flattenErrors(err);
        const first = this.showErrors(fields, other);
        if (first !== this.data.step) this.goStep(first);
        return;
      }
      if (err.statusCode === 409 && err.error === 'stale_version') {
        await this.loadApplication();
        this.setData({ notice: STALE, formError: '' });
        showError({ message: '已重新加载最新内容' });
        return;
      }
      if (err.statusCode === 409 && err.error === 'wrong_state') {
        await this.loadApplication();
        this.setData({ formError: err.message });
        return;
      }
      if (err.statusCode === 409 && err.error === 'profile_incomplete') {
        this.setData({ formError: err.message });
        wx.showModal({
          title: '需要实名信息',
          content: '申请社会救助需要实名。请先填写姓名、身份证号码和所在社区，保存后会回到这一页，填写的申请内容都会保留。',
          confirmText: '去填写',
          cancelText: '稍后',
          success: (res) => res.confirm && this.openProfile(),
        });
        return;
      }
      if (err.statusCode === 409 && err.error === 'open_application_exists') {
        this.setData({ formError: err.message });
        wx.showModal({
          title: '已有在办的申请',
          content: err.message,
          confirmText: '查看我的申请',
          cancelText: '取消',
          success: (res) => res.confirm && wx.navigateTo({ url: MINE_URL }),
        });
        return;
      }
      // No answer at all: the submit may have reached the server. Say that 重新提交 is safe (same key).
      const lost = err.statusCode === 0;
      this.setData({
        formError: lost && then === 'submit' ? NETWORK_RETRY : err.message,
        retryable: lost || err.statusCode >= 500,
      });
      showError(err);
    },

    /** The real-name form; saved there, it comes back here and the form is as it was left. */
    openProfile() {
      wx.navigateTo({
        url: PROFILE_URL,
        events: { saved: () => this.setData({ formError: '', notice: PROFILE_SAVED }) },
      });
    },

    /** After login (behaviors/login): carry on with what needed it. */
    async afterLogin() {
      const pending = this._pending;
      this._pending = null;
      if (pending === 'load') return this.loadApplication();
      if (pending === 'next') return this.next();
      if (pending === 'submit') return this.doSubmit({ asked: false });
      return null;
    },

    // ---- documents ----

    /** The document rows: each of the program's documents (and 其他材料) with its files and uploads. */
    refreshDocs() {
      const { documents, attachments, uploads } = this.data;
      const kinds = documents.concat([OTHER_KIND]);
      const rows = kinds.map((kind) => ({
        kind,
        files: attachments
          .filter((a) => (kinds.indexOf(a.kind) >= 0 ? a.kind === kind : kind === OTHER_KIND))
          .map((a) => Object.assign({}, a, { size_text: sizeText(a.size) })),
        uploads: uploads.filter((u) => u.kind === kind),
      }));
      this.setData({ docRows: rows });
    },

    roomLeft() {
      const waiting = this.data.uploads.filter((u) => u.status === 'uploading').length;
      return MAX_FILES - this.data.attachments.length - waiting;
    },

    /** 拍照或从相册选: photos for one document. */
    choosePhotos(e) {
      const kind = e.currentTarget.dataset.kind;
      const room = this.roomLeft();
      if (room <= 0) {
        wx.showToast({ title: `每份申请最多 ${MAX_FILES} 个文件`, icon: 'none' });
        return;
      }
      wx.chooseMedia({
        count: Math.min(MAX_PICK, room),
        mediaType: ['image'],
        sourceType: ['camera', 'album'],
        sizeType: ['compressed'],
        success: (res) => this.uploadPicked(kind, (res.tempFiles || []).map((t) => ({ path: t.tempFilePath, size: t.size }))),
        fail: () => {}, // 取消
      });
    },

    /** 选 PDF: a file sent to the resident in a WeChat chat. */
    choosePdf(e) {
      const kind = e.currentTarget.dataset.kind;
      if (this.roomLeft() <= 0) {
        wx.showToast({ title: `每份申请最多 ${MAX_FILES} 个文件`, icon: 'none' });
        return;
      }
      wx.chooseMessageFile({
        count: 1,
        type: 'file',
        extension: ['pdf'],
        success: (res) => this.uploadPicked(kind, (res.tempFiles || []).map((t) => ({ path: t.path, size: t.size, name: t.name }))),
        fail: () => {},
      });
    },

    /** One at a time, so a weak network carries one file well rather than several badly. */
    async uploadPicked(kind, files) {
      const room = this.roomLeft();
      const accepted = [];
      const refused = [];
      files.forEach((file) => {
        if (file.size > MAX_BYTES) refused.push(`${file.name || fileName(file.path)} 超过 5 MB`);
        else if (accepted.length < room) accepted.push(file);
        else refused.push(`超过 ${MAX_FILES} 个文件`);
      });
      if (refused.length) this.setData({ formError: `有文件没有上传：${refused.join('；')}。请重新拍摄或压缩后再上传。` });
      const keys = accepted.map((file) => this.queueUpload(kind, file));
      for (const key of keys) {
        await this.runUpload(key);
      }
    },

    queueUpload(kind, file) {
      this._uploadSeq += 1;
      const key = `u${this._uploadSeq}`;
      this._files[key] = { filePath: file.path, kind };
      const entry = { key, kind, name: file.name || fileName(file.path), progress: 0, status: 'uploading', error: '' };
      this.setData({ uploads: this.data.uploads.concat([entry]), 'err.attachments': '' });
      this.refreshDocs();
      return key;
    },

    setUpload(key, changes) {
      const uploads = this.data.uploads.map((u) => (u.key === key ? Object.assign({}, u, changes) : u));
      this.setData({ uploads });
      this.refreshDocs();
    },

    async runUpload(key) {
      const file = this._files[key];
      if (!file) return;
      this.setUpload(key, { status: 'uploading', progress: 0, error: '' });
      try {
        const attachment = await assistance.uploadAttachment(this.data.appId, {
          filePath: file.filePath,
          kind: file.kind,
          onProgress: (progress) => this.setUpload(key, { progress: Math.max(0, Math.min(100, Math.round(progress))) }),
        });
        delete this._files[key];
        this.setData({
          attachments: this.data.attachments.concat([attachment]),
          uploads: this.data.uploads.filter((u) => u.key !== key),
        });
        this.refreshDocs();
      } catch (err) {
        if (err.statusCode === 401) this._pending = null;
        let message = err.message;
        if (err.statusCode === 413) message = '文件超过 5 MB，请重新拍摄或压缩后再上传。';
        if (err.statusCode === 422 || err.statusCode === 415) {
          const { fields, other } = flattenErrors(err);
          message = Object.values(fields).concat(other ? [other] : []).join('') || err.message;
        }
        this.setUpload(key, { status: 'failed', error: message });
      }
    },

    retryUpload(e) {
      return this.runUpload(e.currentTarget.dataset.key);
    },

    dropUpload(e) {
      const key = e.currentTarget.dataset.key;
      delete this._files[key];
      this.setData({ uploads: this.data.uploads.filter((u) => u.key !== key) });
      this.refreshDocs();
    },

    /** 删除 a document already uploaded (the server allows it while a draft). */
    deleteAttachment(e) {
      const id = e.currentTarget.dataset.id;
      wx.showModal({
        title: '删除这个文件？',
        content: '删除后如需要，可以重新上传。',
        confirmText: '删除',
        cancelText: '取消',
        success: async (res) => {
          if (!res.confirm) return;
          try {
            await assistance.deleteAttachment(this.data.appId, id);
            this.setData({ attachments: this.data.attachments.filter((a) => a.id !== id) });
            this.refreshDocs();
          } catch (err) {
            showError(err);
          }
        },
      });
    },

    // ---- the summary and submitting ----

    summarize() {
      const { form, program, attachments } = this.data;
      const members = form.members.map((m, i) => {
        const bits = [`${h.RELATION_SHORT[m.relation] || '未选关系'}`, `${m.age} 岁`, `每月收入 ${m.income} 元`];
        if (Number(m.disability)) bits.push(h.DISABILITY[m.disability]);
        if (m.student) bits.push('在校学生');
        return { key: i, text: `${i + 1}. ${bits.join('，')}` };
      });
      const assets = [
        `存款等金融资产 ${form.financial || '0'} 元`,
        `机动车 ${form.vehicles || '0'} 辆`,
        `住房 ${form.properties || '0'} 套`,
      ];
      if (program === 'medical') assets.push(`医保报销后自付医疗费 ${form.medical || '0'} 元`);
      const cause = h.CAUSES.find((c) => c.key === form.cause);
      return {
        members,
        assets: assets.join('，'),
        reason: form.reason,
        cause: program === 'temporary' && cause ? `${cause.label}${form.emergency ? '（急难型，生活已难以为继）' : ''}` : '',
        relatives: form.hasRelatives ? form.relatives.map((r) => `${r.relation} ${r.name}（${r.workplace}）`).join('；') : '没有',
        documents: `${attachments.length} 个文件`,
      };
    },

    /**
     * 提交 (a tap): everything checked on the phone first; then the subscribe-message request (it must come from
     * the tap itself); then the submit, whatever the answer.
     */
    submit() {
      if (this._inFlight || this.data.done || this.data.blocked) return;
      const errors = this.allProblems();
      if (Object.keys(errors).length) {
        const first = this.showErrors(errors);
        this.goStep(first);
        return;
      }
      if (this.data.uploads.some((u) => u.status === 'uploading')) {
        this.setData({ formError: '请等材料上传完成后再提交。' });
        return;
      }
      this._inFlight = true;
      this.setData({ submitting: true, formError: '' });
      const templates = ((config.subscribeTemplates || {}).assistance || []).slice(0, 3);
      if (!templates.length || typeof wx.requestSubscribeMessage !== 'function') {
        this.doSubmit({ asked: false });
        return;
      }
      wx.requestSubscribeMessage({
        tmplIds: templates,
        complete: (res) => {
          const accepted = !!res && templates.some((id) => res[id] === 'accept');
          this.doSubmit({ asked: true, accepted });
        },
      });
    },

    async doSubmit({ asked = false, accepted = false } = {}) {
      this._inFlight = true;
      this.setData({ submitting: true, formError: '' });
      try {
        const saved = await this.save('submit');
        if (!saved) return;
        const app = await assistance.submitApplication(this.data.appId, this.data.version, this._submitKey);
        this._submitKey = newIdempotencyKey('asst-submit');
        const done = f.decorateApplication(app, { [this.data.program]: this.data.programName });
        const notify = asked && accepted ? '办理进度会通过微信消息通知您，也可以随时在“我的申请”里查看。' : '请在“我的申请”里查看办理进度。';
        this.setData({ done: Object.assign(done, { notify }), version: app.version, status: app.status, retryable: false });
        wx.showToast({ title: '已提交', icon: 'success' });
      } catch (err) {
        await this.onWriteError(err, 'submit');
      } finally {
        this._inFlight = false;
        this.setData({ submitting: false });
      }
    },

    // ---- after ----

    openDetail() {
      const id = this.data.appId;
      if (id) wx.redirectTo({ url: `${DETAIL_URL}?id=${id}` });
    },

    openMine() {
      wx.redirectTo({ url: MINE_URL });
    },

    goBack() {
      wx.navigateBack({ fail: () => wx.redirectTo({ url: PROGRAMS_URL }) });
    },
  },
});
