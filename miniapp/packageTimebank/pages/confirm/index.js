// 确认服务: service a volunteer logged outside a booking for me (or my family, by my phone number) waits for my
// word before a worker can approve it. I confirm what really happened; what did not, I leave and can report.
const careMode = require('../../../behaviors/care-mode');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');
const { showError } = require('../../../utils/request');

const HOTLINE = '96345';

Component({
  behaviors: [careMode, needsLogin],

  data: {
    loading: false,
    loaded: false,
    errorText: '',
    items: [],
    busyId: null,
    hotline: HOTLINE,
  },

  methods: {
    onLoad() {
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    async load() {
      this.setData({ loading: true, errorText: '' });
      try {
        const list = (await timebank.logsToConfirm({ pageSize: 50 })) || [];
        this.setData({ items: list.map((log) => Object.assign(tb.logView(log), { confirmed: false })), loaded: true });
      } catch (err) {
        if (!this.sessionEnded(err)) this.setData({ errorText: err.message });
      } finally {
        this.setData({ loading: false });
      }
    },

    confirm(e) {
      const id = e.currentTarget.dataset.id;
      const log = this.data.items.find((item) => String(item.id) === String(id));
      if (!log || this.data.busyId) return;
      wx.showModal({
        title: '确认服务属实',
        content: `志愿者${log.volunteer_name || ''}于${log.dateText}为${log.served_name || '您'}服务了 ${log.hoursText}。确认属实吗？`,
        confirmText: '确认属实',
        cancelText: '再看看',
        success: (res) => {
          if (res.confirm) this.doConfirm(id);
        },
      });
    },

    async doConfirm(id) {
      this.setData({ busyId: id });
      try {
        await timebank.confirmLog(id);
        this.markConfirmed(id);
        wx.showToast({ title: '已确认，谢谢您', icon: 'success' });
      } catch (err) {
        if (this.sessionEnded(err)) return;
        if (err.statusCode === 409 && err.error === 'already_confirmed') this.markConfirmed(id);
        else showError(err);
      } finally {
        this.setData({ busyId: null });
      }
    },

    markConfirmed(id) {
      this.setData({ items: this.data.items.map((item) => (String(item.id) === String(id) ? Object.assign({}, item, { confirmed: true }) : item)) });
    },

    callHotline() {
      wx.makePhoneCall({ phoneNumber: HOTLINE, fail() {} }); // fail: the user pressed 取消
    },
  },
});
