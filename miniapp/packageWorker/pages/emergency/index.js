// 应急 (工作台): the emergencies now open, the duty summary of the one chosen (shelters opened and in use,
// people by group, the nearly full), and the shelters of this worker's area, each one tap from 更新人数.
// A summary outside the worker's area is the county's to read: the page says so and keeps the shelters.
const careMode = require('../../../behaviors/care-mode');
const workbench = require('../../behaviors/workbench');
const auth = require('../../../services/auth');
const emergency = require('../../services/emergency');
const fmt = require('../../utils/format');
const { showError } = require('../../../utils/request');

const SHELTER_PAGE = 50;
const OCCUPANCY_URL = '/packageWorker/pages/occupancy/index';

function decorateEmergency(e) {
  return {
    id: e.id,
    title: e.hazard_name ? `${e.name}（${e.hazard_name}）` : e.name,
    where: e.region_name || e.region_code,
    since: fmt.localDateTime(e.starts_at),
  };
}

function decorateSummary(s) {
  const groups = s.groups || {};
  return {
    people: s.people,
    capacity: s.capacity,
    available: s.available,
    activated: s.shelters_activated,
    in_use: s.shelters_in_use,
    reported: s.shelters_reported,
    last_update: s.last_update_at ? fmt.localDateTime(s.last_update_at) : '还没有避灾点上报',
    groups: fmt.GROUPS.map((g) => ({ key: g.key, label: g.label, count: groups[g.key] || 0 })),
    nearly_full: (s.nearly_full || []).map((n) => ({
      id: n.id,
      name: n.name,
      text: `${n.occupancy} / ${n.capacity} 人（${n.percent}%）`,
    })),
  };
}

function decorateShelter(f) {
  return {
    id: f.id,
    name: f.name,
    activated: !!f.activated,
    figures: f.capacity != null ? `${f.occupancy} / ${f.capacity} 人` : `${f.occupancy} 人`,
    available: f.available != null ? `还可容纳 ${f.available} 人` : '',
    full: !!f.full,
    updated: f.occupancy_updated_at ? `上报于 ${fmt.localDateTime(f.occupancy_updated_at)}` : '还没有上报过人数',
  };
}

Component({
  behaviors: [careMode, workbench],

  data: {
    loading: true,
    errorText: '',
    emergencies: [],
    selected: null,
    summary: null,
    summaryLoading: false,
    summaryError: '',
    shelters: [],
    sheltersLoading: false,
    sheltersError: '',
    shelterPage: 1,
    hasMoreShelters: false,
    q: '',
    regionCode: '',
  },

  lifetimes: {
    created() {
      this._loaded = false;
      this._wanted = null;
    },
  },

  methods: {
    onLoad(options = {}) {
      this._wanted = options.id ? Number(options.id) : null;
      return this.start();
    },

    /** Back from an occupancy update: the figures have changed. */
    onShow() {
      if (this._loaded && !this.data.gate) return this.load();
      return null;
    },

    async load() {
      this.setData({ loading: true, errorText: '' });
      let rows;
      try {
        rows = await emergency.activeEmergencies(); // workers only: 403 for anyone else
      } catch (err) {
        this.setData({ loading: false });
        if (!this.gateOn(err)) this.setData({ errorText: err.message });
        return;
      }
      const emergencies = (rows || []).map(decorateEmergency);
      const keep = this.data.selected || this._wanted;
      const selected = emergencies.some((e) => e.id === keep) ? keep : emergencies.length ? emergencies[0].id : null;
      this._loaded = true;
      this.setData({ loading: false, emergencies, selected });
      await Promise.all([selected ? this.loadSummary(selected) : this.setData({ summary: null, summaryError: '' }), this.loadShelters()]);
    },

    async loadSummary(id) {
      this.setData({ summaryLoading: true, summaryError: '' });
      try {
        const s = await emergency.summary(id);
        if (this.data.selected !== id) return;
        this.setData({ summary: decorateSummary(s), summaryLoading: false });
      } catch (err) {
        if (this.data.selected !== id) return;
        const outside = err.statusCode === 404;
        this.setData({
          summary: null,
          summaryLoading: false,
          summaryError: outside
            ? `${err.message}这次应急响应的范围超出您的辖区，汇总由上级民政部门查看。您仍可以更新本辖区避灾点的人数。`
            : err.message,
        });
      }
    },

    onEmergencyTap(e) {
      const id = Number(e.currentTarget.dataset.id);
      if (id === this.data.selected) return null;
      this.setData({ selected: id, summary: null });
      return this.loadSummary(id);
    },

    /** The shelters of this worker's area (GET /me gives the scope), those opened for the emergency first. */
    async loadShelters(page = 1) {
      this.setData({ sheltersLoading: true, sheltersError: '' });
      try {
        let regionCode = this.data.regionCode;
        if (!regionCode) {
          const me = await auth.getMe();
          regionCode = (me && (me.worker_region_code || me.region_code)) || '';
          this.setData({ regionCode });
        }
        const rows = await emergency.listShelters({ regionCode, q: this.data.q.trim(), page, pageSize: SHELTER_PAGE });
        const items = (rows || []).map(decorateShelter);
        const shelters = page === 1 ? items : this.data.shelters.concat(items);
        // Opened for the emergency first; the server's order (by community) otherwise.
        shelters.sort((a, b) => Number(b.activated) - Number(a.activated));
        this.setData({
          shelters,
          shelterPage: page,
          hasMoreShelters: items.length === SHELTER_PAGE,
          sheltersLoading: false,
        });
      } catch (err) {
        this.setData({ sheltersLoading: false, sheltersError: err.message });
        if (page > 1) showError(err);
      }
    },

    moreShelters() {
      if (this.data.sheltersLoading || !this.data.hasMoreShelters) return null;
      return this.loadShelters(this.data.shelterPage + 1);
    },

    onSearchInput(e) {
      this.setData({ q: e.detail.value });
    },

    search() {
      return this.loadShelters(1);
    },

    openShelter(e) {
      wx.navigateTo({ url: `${OCCUPANCY_URL}?id=${e.currentTarget.dataset.id}` });
    },
  },
});
