// 志愿服务详情: time, place, places left, what is needed; 预约 and 取消预约.
// A booking carries an Idempotency-Key made once when the page loads: a double tap sends one request (the
// page ignores taps while one is in flight), and a retry after a lost answer sends the same key, so the
// server books once. After a cancellation a new key is made, since booking again is a new intention.
const careMode = require('../../../behaviors/care-mode');
const needsLogin = require('../../behaviors/needs-login');
const timebank = require('../../services/timebank');
const tb = require('../../utils/timebank');
const { getRegion } = require('../../../services/regions');
const { showError } = require('../../../utils/request');

const ACTIVE = ['booked', 'checked_in'];
const REGISTER_URL = '/packageTimebank/pages/register/index';
const BOOKINGS_URL = '/packageTimebank/pages/bookings/index';

Component({
  behaviors: [careMode, needsLogin],

  data: {
    id: null,
    loading: true,
    errorText: '',
    opp: null,
    placeText: '',
    myBooking: null,
    submitting: false,
    notice: null, // {kind: 'ok' | 'error', title, text}
  },

  lifetimes: {
    created() {
      this._key = tb.newIdempotencyKey();
      this._busy = false;
    },
  },

  methods: {
    onLoad(options = {}) {
      this._key = tb.newIdempotencyKey();
      this.setData({ id: options.id || null });
      if (!this.ensureLogin()) return null;
      return this.load();
    },

    async load() {
      const { id } = this.data;
      if (!id) {
        this.setData({ loading: false, errorText: '没有找到这个服务项目。' });
        return;
      }
      this.setData({ loading: true, errorText: '' });
      try {
        const [opp, bookings] = await Promise.all([
          timebank.getOpportunity(id),
          timebank.myBookings({ pageSize: 50 }).catch(() => []),
        ]);
        const mine = (bookings || []).find((b) => String(b.opportunity_id) === String(opp.id) && ACTIVE.indexOf(b.status) >= 0);
        this.setData({
          opp: tb.opportunityView(opp),
          myBooking: mine ? tb.bookingView(mine) : null,
          placeText: opp.facility_name || '',
          loading: false,
        });
        if (!opp.facility_name) this.describeRegion(opp.region_code);
      } catch (err) {
        if (this.sessionEnded(err)) return;
        this.setData({ loading: false, errorText: err.message });
      }
    },

    /** A slot without a facility is somewhere in a region: name it. */
    async describeRegion(code) {
      let name = '';
      try {
        name = (await getRegion(code)).name;
      } catch (e) {
        name = '';
      }
      this.setData({ placeText: `${name ? `${name}，` : ''}无固定地点（到场后凭签到码签到）` });
    },

    updatePlacesLeft(placesLeft) {
      if (typeof placesLeft !== 'number') return;
      const opp = Object.assign({}, this.data.opp, { places_left: placesLeft });
      this.setData({ opp: tb.opportunityView(opp) });
    },

    // ---- booking ----

    async book() {
      if (this._busy || this.data.myBooking || !this.data.opp) return;
      this._busy = true; // set before any await: a second tap in the same moment stops here
      this.setData({ submitting: true, notice: null });
      try {
        const res = await timebank.book(this.data.opp.id, this._key);
        this.updatePlacesLeft(res.places_left);
        const booking = tb.bookingView(res);
        this.setData({
          myBooking: booking,
          notice: {
            kind: 'ok',
            title: '预约成功',
            text: `请在${booking.whenText}按时到场。到场后在“我的预约”里签到。`,
          },
        });
        wx.showToast({ title: '预约成功', icon: 'success' });
      } catch (err) {
        this.bookFailed(err);
      } finally {
        this._busy = false;
        this.setData({ submitting: false });
      }
    },

    bookFailed(err) {
      if (this.sessionEnded(err)) return;
      if (err.statusCode === 403 && err.error === 'not_volunteer') {
        wx.showModal({
          title: '请先登记为志愿者',
          content: '预约志愿服务需要先登记为志愿者（实名）。现在去登记吗？',
          confirmText: '去登记',
          cancelText: '取消',
          success: (res) => {
            if (res.confirm) wx.navigateTo({ url: REGISTER_URL });
          },
        });
        return;
      }
      if (err.statusCode === 409) {
        if (err.error === 'fully_booked') this.updatePlacesLeft(0);
        const titles = { fully_booked: '已约满', time_conflict: '时间冲突', already_booked: '您已经预约过了' };
        this.setData({ notice: { kind: 'error', title: titles[err.error] || '不能预约', text: err.message } });
        if (err.error === 'already_booked') this.load();
        return;
      }
      showError(err);
    },

    // ---- cancelling ----

    cancel() {
      if (this._busy || !this.data.myBooking) return;
      wx.showModal({
        title: '取消预约',
        content: '确定取消这次志愿服务的预约吗？名额会让给其他志愿者。',
        confirmText: '取消预约',
        cancelText: '不取消',
        success: (res) => {
          if (res.confirm) this.doCancel();
        },
      });
    },

    async doCancel() {
      if (this._busy) return;
      this._busy = true;
      this.setData({ submitting: true, notice: null });
      try {
        const res = await timebank.cancelBooking(this.data.myBooking.id);
        this._key = tb.newIdempotencyKey(); // booking again is a new booking
        this.updatePlacesLeft(res.places_left);
        this.setData({ myBooking: null, notice: { kind: 'ok', title: '已取消预约', text: '感谢您告诉我们，名额已让给其他志愿者。' } });
        wx.showToast({ title: '已取消预约', icon: 'success' });
      } catch (err) {
        if (this.sessionEnded(err)) return;
        if (err.statusCode === 409) {
          const title = err.error === 'too_late_to_cancel' ? '现在不能在线取消' : '不能取消';
          this.setData({ notice: { kind: 'error', title, text: err.message } });
        } else {
          showError(err);
        }
      } finally {
        this._busy = false;
        this.setData({ submitting: false });
      }
    },

    // ---- elsewhere ----

    navigate() {
      const { opp } = this.data;
      if (!opp || opp.lat === null || opp.lat === undefined) return;
      wx.openLocation({
        latitude: opp.lat,
        longitude: opp.lng,
        name: opp.facility_name || opp.title,
        scale: 16,
        fail: () => wx.showToast({ title: '暂时无法打开地图，请稍后再试', icon: 'none' }),
      });
    },

    openBookings() {
      wx.navigateTo({ url: BOOKINGS_URL });
    },
  },
});
