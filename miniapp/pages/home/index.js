// 首页: the four services, the 96345 hotline, the 关怀模式 switch, and a red banner when the phone stands in an
// active emergency ("附近避灾点" one tap away). The position is read only when location is already allowed:
// the home page never asks for it.
const careMode = require('../../behaviors/care-mode');
const facilities = require('../../services/facilities');
const location = require('../../utils/location');

const HOTLINE = '96345';
const SHELTERS_URL = '/pages/services/index?types=shelter';
// Coming back to the home tab within this time does not ask again (nor read the position again).
const EMERGENCY_RECHECK_MS = 60 * 1000;

// path is empty until the page exists; tapping such an entry says 即将开放.
const ENTRIES = [
  { key: 'assistance', title: '救助申请', desc: '低保、临时救助等在线申请', path: '/packageAssistance/pages/programs/index' },
  { key: 'services', title: '找服务', desc: '附近养老、照料中心和避灾点', path: '/pages/services/index' },
  { key: 'timebank', title: '时间银行', desc: '志愿服务存时间，换回关爱', path: '/packageTimebank/pages/index/index' },
  { key: 'charity', title: '慈善捐赠', desc: '在线捐款，善款去向可查', path: '/packageCharity/pages/campaigns/index' },
];

Component({
  behaviors: [careMode],

  data: {
    entries: ENTRIES,
    hotline: HOTLINE,
    emergencies: [],
    emergencyTitle: '',
  },

  methods: {
    onLoad() {},

    onShow() {
      const now = Date.now();
      if (this._emergencyCheckedAt && now - this._emergencyCheckedAt < EMERGENCY_RECHECK_MS) return null;
      this._emergencyCheckedAt = now;
      return this.checkEmergency();
    },

    /**
     * GET /emergencies/active: with the position when location is already allowed (is the phone inside one?),
     * else every active emergency, named by its region. Failures stay quiet: 找服务 says more.
     */
    async checkEmergency() {
      let position = null;
      if ((await location.permission()) === 'granted') {
        try {
          position = await location.getLocation();
        } catch (e) {
          position = null;
        }
      }
      let res;
      try {
        res = await facilities.activeEmergencies(position);
      } catch (e) {
        return;
      }
      const list = (res && res.emergencies) || [];
      const show = position ? !!res.in_emergency && list.length > 0 : list.length > 0;
      if (!show) {
        this.setData({ emergencies: [], emergencyTitle: '' });
        return;
      }
      const first = list[0];
      const where = position ? `您所在的${first.region_name || '地区'}` : first.region_name || '本市';
      this.setData({ emergencies: list, emergencyTitle: `${where}已启动${first.hazard_name}应急响应` });
    },

    openShelters() {
      wx.navigateTo({ url: SHELTERS_URL });
    },

    onEntryTap(e) {
      const entry = ENTRIES.find((item) => item.key === e.currentTarget.dataset.key);
      if (!entry || !entry.path) {
        wx.showToast({ title: '即将开放', icon: 'none' });
        return;
      }
      wx.navigateTo({ url: entry.path });
    },

    callHotline() {
      wx.makePhoneCall({ phoneNumber: HOTLINE, fail() {} }); // fail: the user pressed 取消
    },
  },
});
