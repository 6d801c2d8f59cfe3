// 找志愿服务: future slots that need volunteers, with time, place, distance and places left (已约满 in words).
// With the phone's position (wx.getLocation gcj02, asked here because the user came for it) the nearest come
// first; without it (refused, switched off, privacy guide not agreed) the user picks a region instead.
const careMode = require('../../../behaviors/care-mode');
const locationPrivacy = require('../../../behaviors/location-privacy');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');
const location = require('../../../utils/location');

const PAGE_SIZE = 20;
const DETAIL_URL = '/packageTimebank/pages/opportunity/index';

const SKILL_CHIPS = [{ key: '', label: '全部服务' }].concat(tb.SKILLS);
const WHEN_CHIPS = [
  { key: '', label: '全部时间' },
  { key: 'today', label: '今天' },
  { key: 'tomorrow', label: '明天' },
  { key: 'week', label: '7天内' },
];

const NO_LOCATION_TEXT = {
  denied: '您没有允许本小程序使用位置信息，下面按地区查找。也可以去设置里开启。',
  system: '手机的定位服务没有打开，或微信没有定位权限。下面按地区查找。',
  privacy: '您还没有同意隐私保护指引，暂时不能使用位置信息。下面按地区查找。',
  unavailable: '暂时没有获取到您的位置，下面按地区查找。',
  choice: '请选择地区，查看那里的志愿服务。',
};

Component({
  behaviors: [careMode, needsLogin, locationPrivacy],

  data: {
    mode: 'loading', // loading | nearby | region
    noLocationReason: '',
    noLocationText: '',
    position: null,
    regionCode: '',
    regionPath: '',
    skillChips: SKILL_CHIPS,
    whenChips: WHEN_CHIPS,
    skill: '',
    when: '',
    items: [],
    more: false,
    busy: false,
    searched: false,
    errorText: '',
  },

  lifetimes: {
    created() {
      this._seq = 0;
      this._page = 1;
    },
  },

  methods: {
    onLoad() {
      this.listenForPrivacy();
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    onShow() {
      this.listenForPrivacy();
    },

    load() {
      return this.locate();
    },

    async locate() {
      this.setData({ mode: 'loading', errorText: '' });
      if ((await location.permission()) === 'denied') return this.enterRegionMode('denied');
      let position;
      try {
        position = await location.getLocation();
      } catch (err) {
        return this.enterRegionMode(err.reason || 'unavailable');
      }
      this.setData({ mode: 'nearby', position, items: [], searched: false });
      return this.search(true);
    },

    /** The <region-picker> reports the region passed through first, then every tap: each one searches. */
    enterRegionMode(reason) {
      this.setData({
        mode: 'region',
        position: null,
        noLocationReason: reason,
        noLocationText: NO_LOCATION_TEXT[reason] || NO_LOCATION_TEXT.unavailable,
        items: [],
        searched: false,
        regionCode: '',
      });
      return null;
    },

    chooseRegion() {
      return this.enterRegionMode('choice');
    },

    onRegionChange(e) {
      this.setData({ regionCode: e.detail.code, regionPath: e.detail.pathText });
      return this.search(true);
    },

    async openSettings() {
      if (await location.openSetting()) return this.locate();
      return null;
    },

    async search(reset) {
      const { mode, position, regionCode, skill, when } = this.data;
      if (mode === 'region' && !regionCode) return;
      const seq = ++this._seq;
      const page = reset ? 1 : this._page + 1;
      const args = Object.assign({ skill, page, pageSize: PAGE_SIZE }, tb.timeWindow(when));
      if (mode === 'nearby') Object.assign(args, { lat: position.lat, lng: position.lng });
      else args.regionCode = regionCode;
      this.setData({ busy: true, errorText: '' });
      try {
        const list = (await timebank.listOpportunities(args)) || [];
        if (seq !== this._seq) return;
        this._page = page;
        const now = Date.now();
        const views = list.map((o) => tb.opportunityView(o, now));
        this.setData({
          items: reset ? views : this.data.items.concat(views),
          more: list.length === PAGE_SIZE,
          searched: true,
        });
      } catch (err) {
        if (seq !== this._seq || this.sessionEnded(err)) return;
        this.setData({ errorText: err.message });
      } finally {
        if (seq === this._seq) this.setData({ busy: false });
      }
    },

    loadMore() {
      return this.search(false);
    },

    retry() {
      return this.data.mode === 'nearby' || this.data.mode === 'region' ? this.search(true) : this.locate();
    },

    onSkillTap(e) {
      const skill = e.currentTarget.dataset.key || '';
      if (skill === this.data.skill) return null;
      this.setData({ skill });
      return this.search(true);
    },

    onWhenTap(e) {
      const when = e.currentTarget.dataset.key || '';
      if (when === this.data.when) return null;
      this.setData({ when });
      return this.search(true);
    },

    openDetail(e) {
      wx.navigateTo({ url: `${DETAIL_URL}?id=${e.currentTarget.dataset.id}` });
    },
  },
});
