// 转赠给家人: give hours to a family member who has registered with their real name. Their mobile number and
// real name must both match (the server looks them up). Checked on the phone with the server's rules (an
// 11-digit mobile, a name, whole half hours), confirmed in a dialog (a transfer cannot be undone), and sent
// with an Idempotency-Key made once per form, so a retry never gives twice.
const careMode = require('../../../behaviors/care-mode');
const hoursForm = require('../../behaviors/hours-form');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');
const { showError } = require('../../../utils/request');

// Server field → form field.
const FIELDS = { phone: 'phone', real_name: 'realName', minutes: 'hours', relation: 'relation' };
const EMPTY_FORM = { phone: '', realName: '', hours: '', relation: '' };

Component({
  behaviors: [careMode, needsLogin, hoursForm],

  data: Object.assign(
    {
      balanceText: '',
      relations: tb.RELATIONS,
      nameMax: tb.LIMITS.nameMax,
    },
    EMPTY_FORM,
  ),

  methods: {
    onLoad() {
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    async load() {
      try {
        const account = await timebank.getAccount({ pageSize: 1 });
        this.setData({ balanceText: tb.hoursText(account.balance_minutes) });
      } catch (err) {
        if (!this.sessionEnded(err)) this.setData({ balanceText: '' });
      }
    },

    onRelationTap(e) {
      const relation = e.currentTarget.dataset.relation;
      this.setData({ relation: this.data.relation === relation ? '' : relation, 'fieldErrors.relation': '' });
    },

    submit() {
      if (this._busy) return;
      const { phone, realName, hours, relation } = this.data;
      const { errors, minutes } = tb.validateTransfer({ phone, realName, hours, relation });
      if (Object.keys(errors).length) {
        this.setData({ fieldErrors: errors, notice: null });
        return;
      }
      const form = { phone: tb.cleanPhone(phone), realName: realName.trim(), minutes, relation };
      this._busy = true;
      wx.showModal({
        title: '确认转赠',
        content: `将 ${tb.hoursText(minutes)}转赠给${relation ? relation + ' ' : ''}${form.realName}（手机 ${form.phone}）。转出后不能撤回，确定吗？`,
        confirmText: '确认转赠',
        cancelText: '再想想',
        success: (res) => {
          if (res.confirm) this.send(form);
          else this._busy = false;
        },
        fail: () => {
          this._busy = false;
        },
      });
    },

    send(form) {
      return this.sendForm({
        send: (key) => timebank.transfer(form, key),
        emptyForm: EMPTY_FORM,
        title: '转赠成功',
        text: `已把 ${tb.hoursText(form.minutes)}转赠给 ${form.realName}。对方会收到通知，可以用这些时间申请养老服务。`,
        then: () => this.load(),
      });
    },

    failed(err) {
      if (this.sessionEnded(err) || this.showFieldErrors(err, FIELDS)) return;
      if (err.statusCode === 409) {
        const available = err.data && err.data.available_minutes;
        if (err.error === 'insufficient_balance' && typeof available === 'number') {
          this.setData({ balanceText: tb.hoursText(available) });
        }
        this.setData({ notice: { kind: 'error', title: '不能转赠', text: err.message } });
        return;
      }
      showError(err);
    },
  },
});
