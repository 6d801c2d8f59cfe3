// 我的待办 (救助审核): the applications in this worker's scope that are still open, soonest deadline first as the
// server sorts them, each with its deadline in words and 已逾期 first. Filters: everything to do, the overdue
// only, or one stage. A tap opens the application.
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const pagedList = require('../../behaviors/paged-list');
const assistance = require('../../services/assistance');
const fmt = require('../../utils/format');

// What a worker filters by: all open work, the overdue, or one stage (the server's status codes).
const FILTERS = [
  { key: 'all', label: '全部待办' },
  { key: 'overdue', label: '已逾期' },
  { key: 'submitted', label: '待受理' },
  { key: 'accepted', label: '待入户调查' },
  { key: 'investigated', label: '待审核' },
  { key: 'in_notice', label: '公示中' },
  { key: 'reviewed', label: '待县级确认' },
  { key: 'returned', label: '已退回' },
];

function decorate(app, today) {
  return {
    id: app.id,
    number: app.number || `申请 ${app.id}`,
    program_name: fmt.PROGRAM_NAMES[app.program] || app.program,
    applicant_name: app.applicant_name,
    status_name: app.status_name || fmt.STATUS_NAMES[app.status] || app.status,
    deadline: fmt.deadlineText(app.due_on, app.overdue, today),
    overdue: !!app.overdue,
    flagged: !!app.flagged,
    near_relative: !!app.near_relative,
    emergency: !!app.emergency,
    can_act: (app.allowed_actions || []).length > 0,
  };
}

Component({
  behaviors: [careMode, workbench, pagedList],

  data: {
    filters: FILTERS,
    filter: 'all',
  },

  methods: {
    onLoad(options = {}) {
      const filter = options.overdue ? 'overdue' : FILTERS.some((f) => f.key === options.status) ? options.status : 'all';
      this.setData({ filter });
      return this.start();
    },

    /** Back from an application: its state may have changed. */
    onShow() {
      if (this._loaded && !this.data.gate) return this.load();
      return null;
    },

    query(page, pageSize) {
      const { filter } = this.data;
      const q = { page, pageSize };
      if (filter === 'overdue') q.overdue = true;
      else if (filter !== 'all') q.status = filter;
      return q;
    },

    async fetchPage(page, pageSize) {
      const rows = await assistance.queue(this.query(page, pageSize));
      const today = fmt.todayInChina();
      return (rows || []).map((a) => decorate(a, today));
    },

    openApplication(e) {
      wx.navigateTo({ url: `/packageWorker/pages/application/index?id=${e.currentTarget.dataset.id}` });
    },
  },
});
