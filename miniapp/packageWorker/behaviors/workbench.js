// What every 工作台 page shares: login on demand and the server's word on who may work here.
// Without a token the page shows <worker-gate mode="login"> instead of its content and loads once the gate
// reports `loggedin`. The server decides who is a worker: most worker lists quietly answer anyone else with
// their own items, so each page first asks GET /emergencies?active=1, which answers 403 to a non-worker, and
// shows that message plainly (<worker-gate mode="forbidden">). A 401 that ended the session brings the login
// card back. The page defines load(); its onLoad ends with start().
const { isLoggedIn } = require('../../utils/request');
const emergency = require('../services/emergency');

module.exports = Behavior({
  data: {
    gate: '', // '' | 'login' | 'forbidden'
    gateMessage: '',
  },

  lifetimes: {
    created() {
      this._isWorker = false;
    },
  },

  methods: {
    /** The end of onLoad: the login card without a token (nothing is loading then), else load(). */
    start() {
      if (!this.ensureLogin()) {
        this.setData({ loading: false });
        return null;
      }
      return this.load();
    },

    /** Whether there is a token; without one the login card is shown. */
    ensureLogin() {
      const loggedIn = isLoggedIn();
      this.setData({ gate: loggedIn ? '' : 'login', gateMessage: '' });
      return loggedIn;
    },

    /**
     * Asks the server once per page whether this account is a worker's. Resolves with the active
     * emergencies (the answer to the question) or null when the gate is shown; rejects on other errors.
     */
    async requireWorker() {
      if (this._isWorker) return this._emergencies || [];
      try {
        this._emergencies = (await emergency.activeEmergencies()) || [];
      } catch (err) {
        if (this.gateOn(err)) return null;
        throw err;
      }
      this._isWorker = true;
      return this._emergencies;
    },

    /** A load that failed with 401 or 403 shows the gate; returns whether it did. */
    gateOn(err) {
      if (err && err.statusCode === 401) {
        this.setData({ gate: 'login', gateMessage: '' });
        return true;
      }
      if (err && err.statusCode === 403) {
        this.setData({ gate: 'forbidden', gateMessage: err.message });
        return true;
      }
      return false;
    },

    /** bindloggedin of <worker-gate>. */
    onLoggedIn() {
      this.setData({ gate: '', gateMessage: '' });
      this._isWorker = false; // another account may have logged in
      return this.load();
    },
  },
});
