// Every 时间银行 page needs login. Without a token the page shows <login-gate> instead of its content; once
// the gate reports `loggedin`, the page loads. A session that ends while the page is open (the refresh token
// refused: request() answers 401) brings the gate back. The page defines load().
const { isLoggedIn } = require('../../utils/request');

module.exports = Behavior({
  data: {
    needLogin: false,
  },

  methods: {
    /** Whether there is a token; without one the login card is shown. */
    ensureLogin() {
      const loggedIn = isLoggedIn();
      this.setData({ needLogin: !loggedIn });
      return loggedIn;
    },

    /** An error that ended the session shows the login card again; returns whether it was one. */
    sessionEnded(err) {
      if (err && err.statusCode === 401) {
        this.setData({ needLogin: true });
        return true;
      }
      return false;
    },

    /** bindloggedin of <login-gate>. */
    onLoggedIn() {
      this.setData({ needLogin: false });
      return this.load();
    },
  },
});
