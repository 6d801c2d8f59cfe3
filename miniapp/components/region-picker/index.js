// Choosing a region step by step (城市 › 区县 › 街道 › 社区) from GET /regions. Levels with a single region
// (the province, the demo city) are passed through to the first real choice. Emits `change` with
// {code, name, level, pathText} for the region now chosen: once after the pass-through, and on every tap.
// Shared by the time bank (packageTimebank: where to serve, where care is wanted) and the real-name form
// (packageMe: 所在社区), so it lives in the main package.
const careMode = require('../../behaviors/care-mode');
const { listRegions, pickerRoot } = require('../../services/regions');

Component({
  behaviors: [careMode],

  data: {
    loading: true,
    errorText: '',
    pathText: '',
    canGoUp: false,
    children: [],
  },

  lifetimes: {
    created() {
      this._path = [];
      this._floor = 0;
    },
    attached() {
      this.loadRoot();
    },
  },

  methods: {
    async loadRoot() {
      this.setData({ loading: true, errorText: '' });
      try {
        const { path, children } = await pickerRoot();
        // Going up stops at the last level passed through (e.g. 衢州市).
        this._floor = path.length;
        this._path = path;
        this.setData({ children, loading: false });
        this.showPath();
      } catch (err) {
        this.setData({ loading: false, errorText: err.message });
      }
    },

    showPath() {
      const path = this._path;
      const shown = path.slice(Math.max(this._floor - 1, 0));
      const pathText = shown.map((r) => r.name).join(' › ');
      this.setData({ pathText, canGoUp: path.length > this._floor });
      const region = path[path.length - 1];
      if (region) this.triggerEvent('change', { code: region.code, name: region.name, level: region.level, pathText });
    },

    onRegionTap(e) {
      const code = e.currentTarget.dataset.code;
      const region = this.data.children.find((r) => r.code === code);
      if (!region) return null;
      return this.open(this._path.concat([region]));
    },

    goUp() {
      if (this._path.length <= this._floor) return null;
      return this.open(this._path.slice(0, -1));
    },

    async open(path) {
      this._path = path;
      this.setData({ children: [], loading: true, errorText: '' });
      this.showPath();
      try {
        const children = await listRegions(path[path.length - 1].code);
        if (this._path !== path) return;
        this.setData({ children, loading: false });
      } catch (err) {
        if (this._path === path) this.setData({ loading: false, errorText: err.message });
      }
    },

    retry() {
      return this._path.length ? this.open(this._path) : this.loadRoot();
    },
  },
});
