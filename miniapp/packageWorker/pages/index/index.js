// 工作台: what is waiting for this worker, with counts, one tap from each task. The server decides who is a
// worker: GET /emergencies?active=1 answers 403 to anyone else, and that message is shown plainly (the other
// lists would quietly answer with the user's own items instead).
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const auth = require('../../../services/auth');
const assistance = require('../../services/assistance');
const timebank = require('../../services/timebank');
const charity = require('../../services/charity');
const emergency = require('../../services/emergency');
const fmt = require('../../utils/format');

const COUNT_PAGE = 100; // flask-smorest's largest page: a full page is shown as "100+"
const UNKNOWN = '暂时无法统计';

const settled = (promise) => promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));

function tasksFrom({ queue, logs, pledged, received, emergencies }) {
  const queueItems = queue.ok ? queue.value || [] : null;
  const overdue = queueItems ? queueItems.filter((a) => a.overdue).length : 0;
  const gifts = pledged.ok && received.ok ? (pledged.value || []).length + (received.value || []).length : null;
  const logItems = logs.ok ? logs.value || [] : null;
  return [
    {
      key: 'queue',
      title: '救助审核',
      desc: '受理、入户调查、审核、审批，逾期的排在最前',
      count: queueItems ? `${fmt.countText(queueItems.length, COUNT_PAGE)} 件待办` : UNKNOWN,
      alert: overdue ? `其中 ${fmt.countText(overdue, COUNT_PAGE)} 件已逾期` : '',
      url: '/packageWorker/pages/queue/index',
    },
    {
      key: 'logs',
      title: '志愿服务核验',
      desc: '核对志愿者的服务时长，通过后存入时间银行',
      count: logItems ? `${fmt.countText(logItems.length, COUNT_PAGE)} 条待审核` : UNKNOWN,
      alert: '',
      url: '/packageWorker/pages/logs/index',
    },
    {
      key: 'gifts',
      title: '捐赠确认',
      desc: '确认捐款、物资已经收到，或作废登记错误的捐赠',
      count: gifts === null ? UNKNOWN : `${fmt.countText(gifts, COUNT_PAGE)} 笔待确认`,
      alert: '',
      url: '/packageWorker/pages/gifts/index',
    },
    {
      key: 'counter',
      title: '登记现场捐赠',
      desc: '群众到窗口捐款捐物时，由工作人员代为登记',
      count: '',
      alert: '',
      url: '/packageWorker/pages/counter/index',
    },
    {
      key: 'emergency',
      title: '应急：避灾点人数',
      desc: '更新避灾安置点的在住人数，查看应急汇总',
      count: emergencies.length ? `${emergencies.length} 个应急响应进行中` : '目前没有进行中的应急响应',
      alert: '',
      url: '/packageWorker/pages/emergency/index',
    },
  ];
}

Component({
  behaviors: [careMode, workbench],

  data: {
    loading: true,
    errorText: '',
    who: '',
    emergencies: [],
    tasks: [],
  },

  lifetimes: {
    created() {
      this._loaded = false;
    },
  },

  methods: {
    onLoad() {
      return this.start();
    },

    /** Back from a task: the counts have changed. */
    onShow() {
      if (this._loaded && !this.data.gate) return this.load();
      return null;
    },

    async load() {
      this.setData({ loading: true, errorText: '' });
      let emergencies;
      try {
        emergencies = await emergency.activeEmergencies();
      } catch (err) {
        this.setData({ loading: false });
        if (!this.gateOn(err)) this.setData({ errorText: err.message });
        return;
      }
      const [me, queue, logs, pledged, received] = await Promise.all([
        settled(auth.getMe()),
        settled(assistance.queue({ pageSize: COUNT_PAGE })),
        settled(timebank.listLogs({ status: 'pending', pageSize: COUNT_PAGE })),
        settled(charity.listGifts({ status: 'pledged', pageSize: COUNT_PAGE })),
        settled(charity.listGifts({ status: 'received', pageSize: COUNT_PAGE })),
      ]);
      const user = me.ok ? me.value : null;
      const level = user && fmt.LEVEL_NAMES[user.worker_level];
      this._loaded = true;
      this.setData({
        loading: false,
        who: user ? `${user.real_name || '工作人员'}${level ? ` · ${level}工作人员` : ''}` : '',
        emergencies: (emergencies || []).map((e) => ({
          id: e.id,
          title: e.hazard_name ? `${e.name}（${e.hazard_name}）` : e.name,
          where: `${e.region_name || e.region_code} · ${fmt.localDateTime(e.starts_at)} 开始`,
        })),
        tasks: tasksFrom({ queue, logs, pledged, received, emergencies: emergencies || [] }),
      });
    },

    openTask(e) {
      wx.navigateTo({ url: e.currentTarget.dataset.url });
    },

    openEmergency(e) {
      wx.navigateTo({ url: `/packageWorker/pages/emergency/index?id=${e.currentTarget.dataset.id}` });
    },
  },
});
