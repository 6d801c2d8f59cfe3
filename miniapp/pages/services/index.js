// 找服务: the nearest places that can help, on a map and in a list, nearest first.
// - With the position (wx.getLocation gcj02): GET /facilities/nearby with the chips as filters. In an active
//   emergency a red banner names it and the shelters come first.
// - The nearest shelters are kept on the phone (utils/shelter-cache): with no network they are shown with
//   "离线数据，更新于 HH:MM".
// - Without the position (refused, switched off, privacy guide not agreed): a region picker from /regions and
//   the facilities of the chosen region, plus a way to turn location on. Never a dead end.
const careMode = require('../../behaviors/care-mode');
const locationPrivacy = require('../../behaviors/location-privacy');
const facilities = require('../../services/facilities');
const { listRegions, pickerRoot } = require('../../services/regions');
const location = require('../../utils/location');
const shelterCache = require('../../utils/shelter-cache');

const DETAIL_URL = '/pages/facility/index';
const DEFAULT_RADIUS_M = 5000;
const WIDE_RADIUS_M = 20000;
const REGION_PAGE_SIZE = 20;

const TYPE_CHIPS = [
  { key: '', label: '全部' },
  { key: 'shelter', label: '避灾安置场所' },
  { key: 'home_care', label: '居家养老' },
  { key: 'elder_institution', label: '养老机构' },
  { key: 'elderly_service_centre', label: '养老服务中心' },
  { key: 'welfare_home', label: '福利院' },
  { key: 'service_centre', label: '社区服务中心' },
];

const NO_LOCATION_TEXT = {
  denied: '您没有允许本小程序使用位置信息。可以去设置里开启，或者按地区查找。',
  system: '手机的定位服务没有打开，或微信没有定位权限。请在手机设置里开启后重新定位，或者按地区查找。',
  privacy: '您还没有同意隐私保护指引，暂时不能使用位置信息。可以重新定位并同意，或者按地区查找。',
  unavailable: '暂时没有获取到您的位置。可以重新定位，或者按地区查找。',
  choice: '请选择地区，查看那里的服务场所。',
};

/** In an emergency the shelters come first, in the server's order (nearest first, full ones last). */
function ordered(items, emergencies) {
  if (!emergencies || !emergencies.length) return items;
  return items.filter((it) => it.type === 'shelter').concat(items.filter((it) => it.type !== 'shelter'));
}

function markersOf(items) {
  return items.map((item) => ({
    id: item.id,
    latitude: item.lat,
    longitude: item.lng,
    title: item.name,
    iconPath: item.type === 'shelter' ? '/images/marker-shelter.png' : '/images/marker.png',
    width: 30,
    height: 40,
    callout: {
      content: `${item.name}（点此查看）`,
      display: 'BYCLICK',
      fontSize: 16,
      color: '#1a1a1a',
      bgColor: '#ffffff',
      padding: 8,
      borderRadius: 6,
    },
  }));
}

Component({
  behaviors: [careMode, locationPrivacy],

  data: {
    // loading | nearby | offline | error | region
    mode: 'loading',
    typeChips: TYPE_CHIPS,
    type: '',
    openNow: false,
    hasSpace: false,
    radiusM: DEFAULT_RADIUS_M,
    wideRadiusM: WIDE_RADIUS_M,
    busy: false,
    position: null,
    centre: null,
    items: [],
    emergencies: [],
    markers: [],
    includePoints: [],
    offlineAt: '',
    errorText: '',
    // region picker
    noLocationReason: '',
    noLocationText: '',
    regionPathText: '',
    regionName: '',
    canGoUp: false,
    regionOffline: false,
    regionChildren: [],
    regionItems: [],
    regionMore: false,
    regionLoading: false,
    regionError: '',
  },

  lifetimes: {
    created() {
      this._seq = 0; // only the newest answer is shown when chips are tapped quickly
      this._regionSeq = 0;
      this._regionFloor = 0;
      this._regionPage = 1;
      this._path = [];
    },
  },

  methods: {
    onLoad(options = {}) {
      const wanted = options.types ? String(options.types).split(',')[0] : '';
      if (TYPE_CHIPS.some((chip) => chip.key === wanted)) this.setData({ type: wanted });
      this.listenForPrivacy();
      return this.locate();
    },

    onShow() {
      // wx.onNeedPrivacyAuthorization keeps one listener: take it back from the page shown before.
      this.listenForPrivacy();
    },

    // ---- position ----

    async locate() {
      this.setData({ mode: 'loading', errorText: '' });
      const permission = await location.permission();
      if (permission === 'denied') return this.enterRegionMode('denied');
      let position;
      try {
        position = await location.getLocation();
      } catch (err) {
        return this.enterRegionMode(err.reason || 'unavailable');
      }
      this.setData({ position });
      return this.loadNearby();
    },

    async loadNearby() {
      const seq = ++this._seq;
      const { position, type, openNow, hasSpace, radiusM } = this.data;
      this.setData({ busy: true });
      try {
        const res = await facilities.nearby({
          lat: position.lat,
          lng: position.lng,
          types: type ? [type] : [],
          openNow,
          hasSpace,
          radiusM,
        });
        if (seq !== this._seq) return;
        const emergencies = res.emergencies || [];
        const items = ordered(res.items || [], emergencies);
        shelterCache.save(items);
        this.showItems(items, { mode: 'nearby', emergencies, offlineAt: '' });
      } catch (err) {
        if (seq !== this._seq) return;
        this.showOffline(err);
      } finally {
        if (seq === this._seq) this.setData({ busy: false });
      }
    },

    showItems(items, extra) {
      const { position } = this.data;
      const points = items.map((it) => ({ latitude: it.lat, longitude: it.lng }));
      if (position) points.push({ latitude: position.lat, longitude: position.lng });
      const centre = position || (items[0] ? { lat: items[0].lat, lng: items[0].lng } : null);
      this.setData(
        Object.assign({ items, centre, markers: markersOf(items), includePoints: points, errorText: '' }, extra),
      );
    },

    /** A failed search: the saved shelters if there are any, else the reason and a way to try again. */
    showOffline(err) {
      const saved = shelterCache.load();
      if (saved) {
        this.showItems(saved.items, {
          mode: 'offline',
          emergencies: [],
          offlineAt: shelterCache.fetchedText(saved.fetched_at),
          errorText: err.message,
        });
        return;
      }
      this.setData({ mode: 'error', items: [], markers: [], errorText: err.message });
    },

    retry() {
      if (this.data.position) return this.loadNearby();
      return this.locate();
    },

    widenSearch() {
      this.setData({ radiusM: WIDE_RADIUS_M });
      return this.loadNearby();
    },

    // ---- chips ----

    onTypeTap(e) {
      const type = e.currentTarget.dataset.key || '';
      if (type === this.data.type) return null;
      this.setData({ type });
      return this.data.mode === 'region' ? this.loadRegionFacilities(true) : this.loadNearby();
    },

    toggleOpenNow() {
      this.setData({ openNow: !this.data.openNow });
      return this.loadNearby();
    },

    toggleHasSpace() {
      this.setData({ hasSpace: !this.data.hasSpace });
      return this.loadNearby();
    },

    openDetail(e) {
      const id = e.currentTarget.dataset.id;
      wx.navigateTo({ url: `${DETAIL_URL}?id=${id}` });
    },

    onMarkerTap(e) {
      const id = e.detail && e.detail.markerId;
      if (id !== undefined && id !== null) wx.navigateTo({ url: `${DETAIL_URL}?id=${id}` });
    },

    // ---- without a position: the region picker ----

    chooseRegion() {
      return this.enterRegionMode('choice');
    },

    async enterRegionMode(reason) {
      this.setData({
        mode: 'region',
        noLocationReason: reason,
        noLocationText: NO_LOCATION_TEXT[reason] || NO_LOCATION_TEXT.unavailable,
        regionError: '',
      });
      return this.loadRegionRoot();
    },

    async loadRegionRoot() {
      this.setData({ regionLoading: true, regionError: '', regionItems: [], regionOffline: false });
      try {
        const { path, children } = await pickerRoot();
        // The levels passed through are not offered again: going up stops at the last one (e.g. 衢州市).
        this._regionFloor = path.length;
        this._path = path;
        this.setData({ regionChildren: children });
        this.showPath(path);
        if (path.length) return this.loadRegionFacilities(true);
        this.setData({ regionLoading: false });
      } catch (err) {
        this.regionFailed(err);
      }
      return null;
    },

    showPath(path) {
      const shown = path.slice(Math.max(this._regionFloor - 1, 0));
      this.setData({
        regionPathText: shown.map((r) => r.name).join(' › '),
        regionName: path.length ? path[path.length - 1].name : '',
        canGoUp: path.length > this._regionFloor,
      });
    },

    onRegionTap(e) {
      const code = e.currentTarget.dataset.code;
      const region = this.data.regionChildren.find((r) => r.code === code);
      if (!region) return null;
      return this.openRegion((this._path || []).concat([region]));
    },

    regionUp() {
      if (!this._path || this._path.length <= this._regionFloor) return null;
      return this.openRegion(this._path.slice(0, -1));
    },

    async openRegion(path) {
      this._path = path;
      const region = path[path.length - 1];
      this.showPath(path);
      this.setData({ regionChildren: [], regionLoading: true, regionError: '', regionOffline: false });
      try {
        const children = await listRegions(region.code);
        if (this._path !== path) return null;
        this.setData({ regionChildren: children });
      } catch (err) {
        this.regionFailed(err);
        return null;
      }
      return this.loadRegionFacilities(true);
    },

    async loadRegionFacilities(reset) {
      const path = this._path || [];
      if (!path.length) return;
      const seq = ++this._regionSeq;
      const page = reset ? 1 : this._regionPage + 1;
      this.setData({ regionLoading: true, regionError: '' });
      if (reset) this.setData({ regionItems: [], regionMore: false, regionOffline: false });
      try {
        const rows = await facilities.listByRegion({
          regionCode: path[path.length - 1].code,
          types: this.data.type ? [this.data.type] : [],
          page,
          pageSize: REGION_PAGE_SIZE,
        });
        if (seq !== this._regionSeq) return;
        this._regionPage = page;
        const list = Array.isArray(rows) ? rows : [];
        this.setData({
          regionItems: reset ? list : this.data.regionItems.concat(list),
          regionMore: list.length === REGION_PAGE_SIZE,
          regionLoading: false,
        });
      } catch (err) {
        if (seq === this._regionSeq) this.regionFailed(err);
      }
    },

    loadMoreRegion() {
      return this.loadRegionFacilities(false);
    },

    regionFailed(err) {
      this.setData({ regionLoading: false, regionError: err.message, regionMore: false });
      // No network at all: the saved shelters are better than nothing.
      const saved = shelterCache.load();
      if (saved && err.statusCode === 0) {
        this.setData({
          regionOffline: true,
          regionItems: saved.items,
          offlineAt: shelterCache.fetchedText(saved.fetched_at),
        });
      }
    },

    retryRegion() {
      if (this._path && this._path.length) return this.openRegion(this._path);
      return this.loadRegionRoot();
    },

    /** Only a refusal in the mini-program can be undone from its settings page. */
    async openSettings() {
      const granted = await location.openSetting();
      if (granted) return this.locate();
      return null;
    },
  },
});
