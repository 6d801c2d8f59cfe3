// The card a 时间银行 page shows instead of its content when nobody is logged in: why login is needed, and
// 微信登录 — after the privacy guide is agreed, as 我的 does it (behaviors/login). Emits `loggedin` when the
// tokens are stored.
const careMode = require('../../../behaviors/care-mode');
const login = require('../../../behaviors/login');

Component({
  behaviors: [careMode, login],

  properties: {
    // What the page offers once logged in, e.g. 预约志愿服务.
    purpose: { type: String, value: '使用时间银行' },
  },

  methods: {
    afterLogin() {
      this.triggerEvent('loggedin', {});
    },
  },
});
