// The Chinese names of the 救助 codes, for the residents' pages (packageAssistance) and the 工作台 (packageWorker).
// The server sends status_name with each application and the list page reads program names from GET /programs:
// these are the fallbacks.

// server/services/programs.py names.
const PROGRAM_NAMES = {
  dibao: '最低生活保障（低保）',
  tekun: '特困人员救助供养',
  temporary: '临时救助',
  medical: '医疗救助',
  orphan: '孤儿基本生活保障',
  child_rehab: '困难家庭残疾儿童康复救助',
};

// server/services/assistance.py STATUS_NAMES.
const STATUS_NAMES = {
  draft: '草稿',
  submitted: '已提交，待受理',
  returned: '已退回，待补充材料',
  accepted: '已受理，待入户调查',
  investigated: '已调查，待审核',
  reviewed: '拟不予批准，待县级确认',
  in_notice: '公示中',
  approved: '已批准',
  rejected: '不予批准',
  withdrawn: '已撤回',
};

module.exports = { PROGRAM_NAMES, STATUS_NAMES };
