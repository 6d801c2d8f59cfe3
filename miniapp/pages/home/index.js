// 首页: the four services, the 96345 hotline and the 关怀模式 switch.
const careMode = require('../../behaviors/care-mode');

const HOTLINE = '96345';

// path is empty until the page exists; tapping such an entry says 即将开放.
const ENTRIES = [
  { key: 'assistance', title: '救助申请', desc: '低保、临时救助等在线申请', path: '' },
  { key: 'services', title: '找服务', desc: '附近养老、照料中心和避灾点', path: '' },
  { key: 'timebank', title: '时间银行', desc: '志愿服务存时间，换回关爱', path: '' },
  { key: 'charity', title: '慈善捐赠', desc: '在线捐款，善款去向可查', path: '' },
];

Component({
  behaviors: [careMode],

  data: {
    entries: ENTRIES,
    hotline: HOTLINE,
  },

  methods: {
    onLoad() {},

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
