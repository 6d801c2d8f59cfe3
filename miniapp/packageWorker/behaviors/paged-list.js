// A 工作台 list under filter chips, read PAGE_SIZE items at a time (加载更多 while a page comes back full).
// load() reads the first page once the account is known to be a worker's (workbench behaviour); a newer load
// wins over an older answer; a failure shows the gate (401, 403) or says why, with 重新加载. The page defines
// fetchPage(page, pageSize) → its decorated items, and may define loadResets() → data to clear on each load.
// onFilterTap switches data.filter (and clears data.notice where the page has one).
const { showError } = require('../../utils/request');

const PAGE_SIZE = 20;

module.exports = Behavior({
  data: {
    items: [],
    page: 1,
    hasMore: false,
    loading: true,
    loadingMore: false,
    errorText: '',
  },

  lifetimes: {
    created() {
      this._seq = 0;
      this._loaded = false; // a first page has been shown (the page's onShow may reload then)
    },
  },

  methods: {
    async load() {
      const seq = ++this._seq;
      this.setData(Object.assign({ loading: true, errorText: '' }, this.loadResets ? this.loadResets() : {}));
      try {
        if (!(await this.requireWorker())) {
          this.setData({ loading: false });
          return;
        }
        const items = await this.fetchPage(1, PAGE_SIZE);
        if (seq !== this._seq) return;
        this._loaded = true;
        this.setData({ items, page: 1, hasMore: items.length === PAGE_SIZE, loading: false });
      } catch (err) {
        if (seq !== this._seq) return;
        this.setData({ loading: false, items: [] });
        if (!this.gateOn(err)) this.setData({ errorText: err.message });
      }
    },

    async loadMore() {
      if (this.data.loadingMore || !this.data.hasMore) return;
      const seq = this._seq;
      const page = this.data.page + 1;
      this.setData({ loadingMore: true });
      try {
        const items = await this.fetchPage(page, PAGE_SIZE);
        if (seq !== this._seq) return;
        this.setData({ items: this.data.items.concat(items), page, hasMore: items.length === PAGE_SIZE });
      } catch (err) {
        showError(err);
      } finally {
        this.setData({ loadingMore: false });
      }
    },

    onFilterTap(e) {
      const filter = e.currentTarget.dataset.key;
      if (filter === this.data.filter) return null;
      const changes = { filter, items: [] };
      if ('notice' in this.data) changes.notice = null;
      this.setData(changes);
      return this.load();
    },

    indexOf(id) {
      return this.data.items.findIndex((item) => String(item.id) === String(id));
    },
  },
});
