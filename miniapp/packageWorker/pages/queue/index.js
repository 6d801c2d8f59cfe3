// 工作台 (community / township / county workers): placeholder until the review queue is built.
const careMode = require('../../../behaviors/care-mode');

Component({
  behaviors: [careMode],

  methods: {
    onLoad() {},
  },
});
