// 申请详情 (工作台): one application as the reviewing worker sees it — the household as declared and as
// verified, the documents (opened with the token: images in wx.previewImage, PDFs in wx.openDocument), the
// timeline of every step, and exactly the actions the server lists in `allowed_actions`, each with its form.
// Every action carries the version read: when someone else got there first (409 stale_version) the page
// reloads and says so. The full ID number is read only on an explicit tap, and the page says that read is
// recorded (the server audits it).
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const assistance = require('../../services/assistance');
const fmt = require('../../utils/format');
const actions = require('../../utils/actions');
const { fieldErrors } = require('../../utils/errors');
const { newIdempotencyKey } = require('../../utils/idempotency');
const { showError } = require('../../../utils/request');

// Fields an action form shows; a 422 on any other is said above the button.
const SHOWN = ['comment', 'missing', 'visited_on', 'staff', 'members', 'assets', 'notes', 'decision', 'reasons', 'amount_fen'];
// Actions that cannot be taken back: asked once more in a dialog.
const CONFIRM = {
  approve: '批准后将按核定金额发放救助，申请人会收到通知。确定批准吗？',
  reject: '不予批准的决定和理由会书面告知申请人。确定不予批准吗？',
  withdraw: '撤回后这份申请不再办理。确定撤回吗？',
  pay_first: '先行救助金额会记入这份申请，申请继续审核。确定发放吗？',
};
const STALE = '这份申请刚刚被其他工作人员办理或修改过，已为您刷新为最新内容。请核对后再办理。';

function eventDetails(ev) {
  const d = ev.data || {};
  const lines = [];
  if (d.missing && d.missing.length) lines.push(`需补充：${d.missing.join('、')}`);
  if (d.visited_on) lines.push(`调查日期：${fmt.dateText(d.visited_on)}`);
  if (d.staff && d.staff.length) lines.push(`调查人员：${d.staff.join('、')}`);
  if (d.notes) lines.push(`调查情况：${d.notes}`);
  if (d.decision) lines.push(d.decision === 'approve' ? '意见：提议批准' : '意见：提议不予批准');
  if (d.reasons) lines.push(`理由：${d.reasons}`);
  if (d.amount_fen) lines.push(`先行发放：${fmt.yuan(d.amount_fen)}`);
  if (ev.comment) lines.push(ev.action === 'object' ? `异议：${ev.comment}` : `备注：${ev.comment}`);
  return lines;
}

function decorateEvent(ev) {
  const from = ev.from_status ? fmt.STATUS_NAMES[ev.from_status] || ev.from_status : '';
  const to = fmt.STATUS_NAMES[ev.to_status] || ev.to_status;
  return {
    id: ev.id,
    title: fmt.EVENT_NAMES[ev.action] || ev.action,
    change: from && from !== to ? `${from} → ${to}` : to,
    time: fmt.localDateTime(ev.created_at),
    details: eventDetails(ev),
  };
}

function decorateAttachment(a) {
  const type = a.content_type || '';
  return {
    id: a.id,
    name: a.kind || a.filename,
    filename: a.filename,
    size: fmt.sizeText(a.size),
    isImage: type.indexOf('image/') === 0,
    isPdf: type === 'application/pdf',
  };
}

function decorate(app) {
  const inv = app.investigation;
  return {
    id: app.id,
    number: app.number || `申请 ${app.id}`,
    version: app.version,
    program_name: fmt.PROGRAM_NAMES[app.program] || app.program,
    status: app.status,
    status_name: app.status_name || fmt.STATUS_NAMES[app.status] || app.status,
    overdue: !!app.overdue,
    deadline: fmt.deadlineText(app.due_on, app.overdue),
    applicant_name: app.applicant_name,
    applicant_id_number: app.applicant_id_number,
    area: app.is_urban ? '城镇' : '农村',
    region_code: app.region_code,
    submitted: fmt.localDateTime(app.submitted_at),
    members: (app.members || []).map(fmt.memberText),
    assets: fmt.assetsText(app.assets),
    reason: app.reason || '',
    emergency: !!app.emergency,
    cause: app.cause ? fmt.CAUSE_NAMES[app.cause] || app.cause : '',
    medical: app.medical_out_of_pocket_fen ? fmt.yuan(app.medical_out_of_pocket_fen) : '',
    relatives: (app.relatives || []).map((r) => `${r.name || ''}（${r.relation || ''}，${r.workplace || ''}）`),
    near_relative: !!app.near_relative,
    standard: app.dibao_standard_fen ? `${fmt.yuan(app.dibao_standard_fen)}/人·月` : '',
    investigation: inv
      ? {
          visited: fmt.dateText(inv.visited_on),
          staff: (inv.staff || []).join('、'),
          members: (inv.members || []).map(fmt.memberText),
          assets: fmt.assetsText(inv.assets),
          notes: inv.notes || '',
        }
      : null,
    verified:
      app.verified_household_size != null
        ? `${app.verified_household_size} 人，合计月收入 ${fmt.yuan(app.verified_income_fen || 0)}`
        : '',
    proposal: app.proposal === 'approve' ? '提议批准' : app.proposal === 'reject' ? '提议不予批准' : '',
    proposed_amount: app.proposed_amount_fen != null ? fmt.yuan(app.proposed_amount_fen) : '',
    notice: app.notice_starts_on ? `${fmt.dateText(app.notice_starts_on)} 至 ${fmt.dateText(app.notice_ends_on)}` : '',
    amount: app.amount_fen != null ? fmt.yuan(app.amount_fen) : '',
    start_month: app.start_month ? fmt.dateText(app.start_month).replace(/1日$/, '') : '',
    decision_reasons: app.decision_reasons || '',
    paid_first: app.paid_first_fen ? fmt.yuan(app.paid_first_fen) : '',
    missing: app.missing || [],
  };
}

Component({
  behaviors: [careMode, workbench],

  data: {
    id: null,
    loading: true,
    errorText: '',
    app: null,
    events: [],
    attachments: [],
    buttons: [],
    notice: null, // {kind: 'ok' | 'info' | 'bad', title, text}
    identity: null,
    identityLoading: false,
    opening: '', // the attachment being downloaded
    // the open action form
    action: '',
    actionTitle: '',
    actionSubmit: '',
    form: {},
    fieldErrors: {},
    memberErrors: [],
    formError: '',
    submitting: false,
    documents: [],
    relations: actions.RELATIONS,
    relationLabels: actions.RELATIONS.map((r) => r.label),
    today: '',
    submittedOn: '',
  },

  lifetimes: {
    created() {
      this._raw = null;
      this._busy = false;
      this._submitKey = null;
    },
  },

  methods: {
    onLoad(options = {}) {
      this.setData({ id: options.id || null });
      return this.start();
    },

    async load() {
      const { id } = this.data;
      if (!id) {
        this.setData({ loading: false, errorText: '没有找到这份申请。' });
        return;
      }
      this.setData({ loading: true, errorText: '' });
      let app;
      try {
        if (!(await this.requireWorker())) {
          this.setData({ loading: false });
          return;
        }
        app = await assistance.getApplication(id);
      } catch (err) {
        this.setData({ loading: false });
        if (!this.gateOn(err)) this.setData({ errorText: err.message });
        return;
      }
      this._raw = app;
      const buttons = actions.buttonsFor(app.allowed_actions);
      const stillOpen = this.data.action && buttons.some((b) => b.name === this.data.action);
      this.setData({
        loading: false,
        app: decorate(app),
        events: (app.events || []).map(decorateEvent),
        attachments: (app.attachments || []).map(decorateAttachment),
        buttons,
        today: fmt.todayInChina(),
        submittedOn: app.submitted_at ? fmt.localDate(app.submitted_at) : '',
      });
      if (this.data.action && !stillOpen) this.closeAction();
    },

    // ---- the full ID number: on an explicit tap only, and the worker is told the read is recorded ----

    onRevealTap() {
      if (this.data.identityLoading) return;
      wx.showModal({
        title: '查看完整身份证号',
        content: '仅在核对申请人身份时查看。本次查看会记入审计日志（查看人、时间和申请编号）。确定查看吗？',
        confirmText: '查看',
        cancelText: '取消',
        success: (res) => {
          if (res.confirm) this.reveal();
        },
      });
    },

    async reveal() {
      this.setData({ identityLoading: true });
      try {
        const identity = await assistance.revealIdentity(this.data.id);
        this.setData({ identity: { name: identity.applicant_name, id_number: identity.applicant_id_number } });
      } catch (err) {
        showError(err);
      } finally {
        this.setData({ identityLoading: false });
      }
    },

    hideIdentity() {
      this.setData({ identity: null });
    },

    // ---- documents: downloaded with the token, then shown ----

    async openAttachment(e) {
      const attachment = this.data.attachments.find((a) => a.id === e.currentTarget.dataset.id);
      if (!attachment || this.data.opening) return;
      this.setData({ opening: attachment.id });
      try {
        const filePath = await assistance.downloadAttachment(this.data.id, attachment.id);
        if (attachment.isImage) {
          wx.previewImage({ urls: [filePath], current: filePath });
        } else {
          wx.openDocument({
            filePath,
            fileType: attachment.isPdf ? 'pdf' : undefined,
            fail: () => wx.showToast({ title: '文件已下载，但暂时无法打开', icon: 'none', duration: 3000 }),
          });
        }
      } catch (err) {
        if (err.statusCode === 401) this.gateOn(err);
        else showError(err);
      } finally {
        this.setData({ opening: '' });
      }
    },

    // ---- actions ----

    openAction(e) {
      const name = e.currentTarget.dataset.name;
      if (!actions.ACTIONS[name]) return null;
      this._submitKey = name === 'submit' ? newIdempotencyKey('submit') : null;
      this.setData({
        action: name,
        actionTitle: actions.ACTIONS[name].title,
        actionSubmit: actions.ACTIONS[name].submit,
        form: actions.emptyForm(name, this._raw || {}),
        fieldErrors: {},
        memberErrors: [],
        formError: '',
        notice: null,
      });
      if (name === 'return') return this.loadDocuments();
      return null;
    },

    closeAction() {
      this.setData({ action: '', actionTitle: '', actionSubmit: '', form: {}, fieldErrors: {}, memberErrors: [], formError: '' });
    },

    /** The program's document list, as the checklist of 退回. */
    async loadDocuments() {
      try {
        const programs = await assistance.listPrograms();
        const program = (programs || []).find((p) => this._raw && p.code === this._raw.program);
        this.setData({ documents: program ? program.documents : [] });
      } catch (err) {
        this.setData({ documents: [] }); // the free-text box still works
      }
    },

    onFormInput(e) {
      const field = e.currentTarget.dataset.field;
      const errorKey = field === 'amount_yuan' ? 'amount_fen' : field === 'other' ? 'missing' : field;
      this.setData({ [`form.${field}`]: e.detail.value, [`fieldErrors.${errorKey}`]: '' });
    },

    onDateChange(e) {
      this.setData({ 'form.visited_on': e.detail.value, 'fieldErrors.visited_on': '' });
    },

    toggleDocument(e) {
      const doc = e.currentTarget.dataset.doc;
      const checked = Object.assign({}, this.data.form.checked);
      checked[doc] = !checked[doc];
      this.setData({ 'form.checked': checked, 'fieldErrors.missing': '' });
    },

    onDecisionTap(e) {
      this.setData({ 'form.decision': e.currentTarget.dataset.key, 'fieldErrors.decision': '', 'fieldErrors.reasons': '' });
    },

    onStaffInput(e) {
      this.setData({ [`form.staff[${e.currentTarget.dataset.index}]`]: e.detail.value, 'fieldErrors.staff': '' });
    },

    addStaff() {
      if (this.data.form.staff.length >= actions.LIMITS.staffMax) return;
      this.setData({ 'form.staff': this.data.form.staff.concat(['']) });
    },

    removeStaff(e) {
      const i = Number(e.currentTarget.dataset.index);
      this.setData({ 'form.staff': this.data.form.staff.filter((_, j) => j !== i) });
    },

    onMemberInput(e) {
      const { index, field } = e.currentTarget.dataset;
      this.setData({ [`form.members[${index}].${field}`]: e.detail.value, [`memberErrors[${index}]`]: {} });
    },

    onRelationChange(e) {
      const index = e.currentTarget.dataset.index;
      const relation = actions.RELATIONS[Number(e.detail.value)];
      if (!relation) return;
      this.setData({
        [`form.members[${index}].relation`]: relation.key,
        [`form.members[${index}].relation_name`]: relation.label,
        'fieldErrors.members': '',
      });
    },

    addMember() {
      if (this.data.form.members.length >= actions.LIMITS.members) return;
      this.setData({ 'form.members': this.data.form.members.concat([actions.memberRow({ relation: 'other' })]) });
    },

    removeMember(e) {
      const i = Number(e.currentTarget.dataset.index);
      this.setData({
        'form.members': this.data.form.members.filter((_, j) => j !== i),
        memberErrors: [],
        'fieldErrors.members': '',
      });
    },

    showErrors(errors) {
      const memberErrors = (this.data.form.members || []).map((_, i) => ({
        age: errors[`members.${i}.age`] || '',
        income: errors[`members.${i}.monthly_income_fen`] || '',
        relation: errors[`members.${i}.relation`] || '',
      }));
      const assets = ['assets.financial_fen', 'assets.vehicles', 'assets.properties']
        .map((k) => errors[k])
        .filter(Boolean)
        .join('；');
      this.setData({ fieldErrors: Object.assign({}, errors, { assets }), memberErrors });
    },

    submitAction() {
      if (this._busy || !this._raw) return null;
      const action = this.data.action;
      const { errors, body } = actions.buildAction({
        action,
        form: this.data.form,
        app: this._raw,
        documents: this.data.documents,
        today: fmt.todayInChina(),
      });
      if (errors) {
        this.showErrors(errors);
        this.setData({ formError: '请按标红的提示修改后再提交。' });
        return null;
      }
      this.setData({ formError: '' });
      if (!CONFIRM[action]) return this.send(action, body);
      this._busy = true;
      wx.showModal({
        title: actions.ACTIONS[action].title,
        content: CONFIRM[action],
        confirmText: '确定',
        cancelText: '再想想',
        success: (res) => {
          this._busy = false;
          if (res.confirm) this.send(action, body);
        },
        fail: () => {
          this._busy = false;
        },
      });
      return null;
    },

    async send(action, body) {
      if (this._busy) return;
      this._busy = true;
      this.setData({ submitting: true, formError: '' });
      try {
        await assistance.act(this.data.id, action, body, this._submitKey);
        const text = actions.doneText(action, body);
        this.closeAction();
        this.setData({ notice: { kind: 'ok', title: `${actions.ACTIONS[action].label}：已办理`, text }, identity: null });
        wx.showToast({ title: '已办理', icon: 'success' });
        await this.load();
      } catch (err) {
        await this.failed(err);
      } finally {
        this._busy = false;
        this.setData({ submitting: false });
      }
    },

    async failed(err) {
      if (err.statusCode === 401) {
        this.gateOn(err);
        return;
      }
      if (err.statusCode === 409 && (err.error === 'stale_version' || err.error === 'wrong_state')) {
        // Someone else acted first: show what the application is now, and which actions are left.
        const text = err.error === 'stale_version' ? STALE : `${err.message}已为您刷新为最新状态。`;
        this.setData({ notice: { kind: 'info', title: '申请已有更新', text } });
        await this.load();
        return;
      }
      if (err.statusCode === 422) {
        const mapped = fieldErrors(err, { shown: SHOWN });
        this.showErrors(mapped.fields);
        this.setData({ formError: mapped.other || '请按标红的提示修改后再提交。' });
        return;
      }
      // 403 (another level's step), other 409s (公示未满, 有异议 …), 429, 5xx, no network: the server's words.
      this.setData({ formError: err.message });
      showError(err);
    },
  },
});
