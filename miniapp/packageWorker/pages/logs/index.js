// 志愿服务核验: the service logs in this worker's scope. 通过 banks the hours (once; above the cap they go to
// the fund), 不通过 needs a reason the volunteer will read. A log the person served has not confirmed yet
// cannot be approved: the page says so instead of offering the button.
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const pagedList = require('../../behaviors/paged-list');
const decisions = require('../../behaviors/decisions');
const timebank = require('../../services/timebank');
const fmt = require('../../utils/format');
const { showError } = require('../../../utils/request');

const FILTERS = [
  { key: 'pending', label: '待审核' },
  { key: 'approved', label: '已通过' },
  { key: 'rejected', label: '未通过' },
];
const STATUS_TEXT = { pending: '待审核', approved: '已通过', rejected: '未通过' };

function confirmation(log) {
  if (!log.needs_confirmation) return { text: '志愿者签到签退记录，无需被服务人确认', waiting: false };
  if (log.confirmed_at) return { text: `被服务人已确认（${fmt.localDateTime(log.confirmed_at)}）`, waiting: false };
  return { text: '等待被服务人（或家属）确认，确认后才能通过', waiting: true };
}

function decorate(log) {
  const c = confirmation(log);
  return {
    id: log.id,
    description: log.description || '志愿服务',
    volunteer: log.volunteer_name || '志愿者',
    served: log.served_name || '',
    date: fmt.dateText(log.served_on),
    hours: fmt.hoursText(log.minutes),
    status: log.status,
    status_text: STATUS_TEXT[log.status] || log.status,
    confirm_text: c.text,
    waiting: c.waiting,
    reject_reason: log.reject_reason || '',
    result: '',
    error: '',
  };
}

Component({
  behaviors: [careMode, workbench, pagedList, decisions],

  data: {
    filters: FILTERS,
    filter: 'pending',
    notice: null,
  },

  methods: {
    onLoad(options = {}) {
      if (FILTERS.some((f) => f.key === options.status)) this.setData({ filter: options.status });
      return this.start();
    },

    async fetchPage(page, pageSize) {
      const rows = await timebank.listLogs({ status: this.data.filter, page, pageSize });
      return (rows || []).map(decorate);
    },

    setItem(id, fields) {
      const i = this.indexOf(id);
      if (i < 0) return;
      const changes = {};
      Object.keys(fields).forEach((k) => {
        changes[`items[${i}].${k}`] = fields[k];
      });
      this.setData(changes);
    },

    // ---- 通过 ----

    onApproveTap(e) {
      const item = this.data.items[this.indexOf(e.currentTarget.dataset.id)];
      if (!item || this.data.busyId) return;
      wx.showModal({
        title: '通过这条服务记录',
        content: `志愿者${item.volunteer}于${item.date}${item.served ? `为${item.served}` : ''}服务 ${item.hours}。核实无误后通过，时长将存入时间银行。确定通过吗？`,
        confirmText: '通过',
        cancelText: '再想想',
        success: (res) => {
          if (res.confirm) this.approve(item.id);
        },
      });
    },

    approve(id) {
      return this.decide(id, async () => {
        this.setItem(id, { error: '' });
        const log = await timebank.approveLog(id);
        let result = `已通过，存入 ${fmt.hoursText(log.credited_minutes != null ? log.credited_minutes : log.minutes)}`;
        if (log.to_fund_minutes) result += `；超出余额上限的 ${fmt.hoursText(log.to_fund_minutes)}转入时间银行公益基金`;
        this.setItem(id, { status: 'approved', status_text: '已通过', result });
        wx.showToast({ title: '已通过', icon: 'success' });
      });
    },

    // ---- 不通过 (the reason box of the decisions behaviour) ----

    reject() {
      const sending = this.reasonToSend('请写明不通过的原因，志愿者会看到');
      if (!sending) return null;
      const { id, reason } = sending;
      return this.decide(
        id,
        async () => {
          this.setItem(id, { error: '' });
          const log = await timebank.rejectLog(id, reason);
          this.setItem(id, { status: 'rejected', status_text: '未通过', reject_reason: log.reject_reason || reason, result: '已退回，志愿者会收到原因' });
          this.setData({ reasonFor: null, reason: '' });
          wx.showToast({ title: '已标为不通过', icon: 'none' });
        },
        { withReason: true },
      );
    },

    /** 409: someone decided first — reload and say so. 403 (my own log …) and the rest: the server's words. */
    async decisionFailed(id, err) {
      if (err.statusCode === 401) {
        this.gateOn(err);
        return;
      }
      if (err.statusCode === 409 && err.error !== 'not_confirmed') {
        this.setData({ notice: { kind: 'info', title: '记录已有变化', text: `${err.message}已刷新列表。` } });
        await this.load();
        return;
      }
      this.setItem(id, { error: err.message });
      showError(err);
    },
  },
});
