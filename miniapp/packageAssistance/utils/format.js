// What the 救助 pages show, worked out before setData: money in yuan, China-time dates, the stages of the
// procedure (POLICY.md 低保 stages), the timeline of events and "what to do next" for each state
// (docs/assistance.md). Money arrives as integer fen and is split with integer arithmetic.

const { PROGRAM_NAMES, STATUS_NAMES } = require('../../utils/assistance-names');
const { pad2, localDateTime } = require('../../utils/format');

const HOTLINE = '96345';

// A status's tag colour class; the words always say the state too.
const STATUS_TONE = {
  draft: 'tone-plain',
  returned: 'tone-warn',
  approved: 'tone-good',
  rejected: 'tone-bad',
  withdrawn: 'tone-plain',
};

const ACTION_NAMES = {
  create: '开始填写申请',
  submit: '提交申请',
  withdraw: '撤回申请',
  accept: '乡镇（街道）受理',
  return: '退回补充材料',
  investigate: '完成入户调查',
  review: '乡镇（街道）审核',
  approve: '县（市、区）批准',
  reject: '不予批准',
  pay_first: '先行救助',
  object: '公示期间收到异议',
};

const CAUSE_NAMES = {
  fire: '火灾',
  accident: '交通事故等意外',
  illness: '突发重病',
  disaster: '自然灾害',
  crime: '遭受不法侵害',
  other: '其他原因',
};

// The procedure, in order; where each state stands in it.
const STAGES = ['提交申请', '乡镇（街道）受理', '入户调查', '审核', '公示', '县级审批'];
const STAGE_OF = { draft: 0, returned: 0, submitted: 1, accepted: 2, investigated: 3, in_notice: 4, reviewed: 5 };

/** 48000 → "480.00"; null → "". */
function yuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  const n = Math.trunc(Number(fen));
  if (Number.isNaN(n)) return '';
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  return `${sign}${Math.floor(abs / 100)}.${pad2(abs % 100)}`;
}

/** '2026-12-01' → '2026年12月' (a start month). */
function monthText(day) {
  const m = /^(\d{4})-(\d{2})/.exec(day || '');
  return m ? `${m[1]}年${m[2]}月` : '';
}

function programName(code, names = {}) {
  return names[code] || PROGRAM_NAMES[code] || code || '';
}

function oneOff(app) {
  return app.program === 'temporary' || app.program === 'medical';
}

const FINAL = ['approved', 'rejected', 'withdrawn'];

/** What the applicant reads under 下一步 (结果, once it is over) for the state the application is in. */
function nextStep(app) {
  const step = nextStepText(app);
  return Object.assign({ label: FINAL.indexOf(app.status) >= 0 ? '结果' : '下一步' }, step);
}

function nextStepText(app) {
  const due = app.due_on ? `，本环节办理期限是 ${app.due_on}` : '';
  const late = app.overdue ? `已超过办理时限，可拨打 ${HOTLINE} 询问进度。` : '';
  switch (app.status) {
    case 'draft':
      return {
        title: '请填写完整后提交',
        text: '申请还没有提交，工作人员看不到。请填好家庭成员、收入、财产和申请原因，上传证明材料后提交。',
      };
    case 'returned': {
      const missing = (app.missing || []).join('、');
      return {
        title: '请补充材料后重新提交',
        text: `工作人员退回了申请${missing ? `，需要补充：${missing}` : ''}。请修改或上传后重新提交，申请编号不变。`,
      };
    }
    case 'submitted':
      return { title: '等待乡镇（街道）受理', text: `申请已提交${due}。材料不全时会一次告诉您需要补充的全部内容。${late}` };
    case 'accepted':
      return {
        title: '等待入户调查',
        text: `申请已受理。至少两名工作人员会上门了解家庭经济状况，请保持电话畅通，备好户口簿和收入证明原件${due}。${late}`,
      };
    case 'investigated':
      return { title: '等待审核', text: `入户调查已完成，乡镇（街道）正在审核${due}。${late}` };
    case 'in_notice': {
      const amount = app.proposed_amount_fen ? `拟${oneOff(app) ? '一次性' : '每月'}救助 ${yuan(app.proposed_amount_fen)} 元，` : '';
      const period = app.notice_starts_on ? `公示期 ${app.notice_starts_on} 至 ${app.notice_ends_on}。` : '';
      return {
        title: '正在社区公示',
        text: `审核已通过，${amount}正在公示。${period}公示期满没有异议后，由县（市、区）民政局审批。`,
      };
    }
    case 'reviewed':
      return { title: '等待县级确认', text: `乡镇（街道）审核后拟不予批准，由县（市、区）民政局确认${due}。${late}` };
    case 'approved': {
      if (oneOff(app)) {
        const paid = app.paid_first_fen ? `（已先行发放 ${yuan(app.paid_first_fen)} 元）` : '';
        return { title: '已批准', text: `一次性发放 ${yuan(app.amount_fen)} 元${paid}。` };
      }
      const review = app.review_due_on ? `每年复核一次，下次复核在 ${app.review_due_on} 前。` : '';
      return {
        title: '已批准',
        text: `每月 ${yuan(app.amount_fen)} 元，从 ${monthText(app.start_month)} 起发放。${review}家庭人口、收入有变化时请及时告诉社区。`,
      };
    }
    case 'rejected':
      return {
        title: '未获批准',
        text: `理由：${app.decision_reasons || '见书面通知'}。如有异议，可以向县（市、区）民政局反映，或拨打 ${HOTLINE}。`,
      };
    case 'withdrawn':
      return { title: '已撤回', text: '这份申请已撤回。如有需要，可以重新申请。' };
    default:
      return { title: app.status_name || '', text: '' };
  }
}

/** The six stages with done / current / todo, said in words (not only by colour). */
function stages(app) {
  const status = app.status;
  let current = STAGE_OF[status];
  let done = current === undefined ? 0 : current;
  if (status === 'approved' || status === 'rejected') {
    done = STAGES.length;
    current = -1;
  } else if (status === 'withdrawn') {
    current = -1;
    done = 0;
  }
  return STAGES.map((name, i) => {
    let state = 'todo';
    if (i < done) state = 'done';
    if (i === current) state = 'current';
    const stateText = { done: '已完成', current: status === 'returned' ? '待补充' : '进行中', todo: '未开始' }[state];
    return { name, state, stateText, last: i === STAGES.length - 1 };
  });
}

/** One event of the timeline: what happened, when, into which state, and the details that matter to the applicant. */
function timelineItem(event) {
  const data = event.data || {};
  const details = [];
  if (event.action === 'return' && Array.isArray(data.missing) && data.missing.length) {
    details.push(`需要补充：${data.missing.join('、')}`);
  }
  if (event.action === 'investigate' && data.visited_on) details.push(`入户调查日期：${data.visited_on}`);
  if (event.action === 'review' && data.decision) details.push(data.decision === 'approve' ? '审核意见：拟批准' : '审核意见：拟不予批准');
  if ((event.action === 'reject' || event.action === 'review') && data.reasons) details.push(`理由：${data.reasons}`);
  if (event.action === 'pay_first' && data.amount_fen) details.push(`先行发放 ${yuan(data.amount_fen)} 元`);
  if (event.action === 'object') details.push('工作人员将重新入户核实，核实后重新公示。');
  else if (event.comment) details.push(`说明：${event.comment}`);
  return {
    id: event.id,
    title: ACTION_NAMES[event.action] || event.action,
    statusText: STATUS_NAMES[event.to_status] || event.to_status,
    time: localDateTime(event.created_at),
    details,
  };
}

/** The newest event first, as a resident reads a history. */
function timeline(events) {
  return (events || []).slice().sort((a, b) => b.id - a.id).map(timelineItem);
}

function statusTone(status) {
  return STATUS_TONE[status] || 'tone-info';
}

/** An application as the list and the detail show it. */
function decorateApplication(app, names = {}) {
  return Object.assign({}, app, {
    program_name: programName(app.program, names),
    status_text: app.status_name || STATUS_NAMES[app.status] || app.status,
    tone: statusTone(app.status),
    created_text: localDateTime(app.created_at),
    submitted_text: localDateTime(app.submitted_at),
    cause_text: CAUSE_NAMES[app.cause] || '',
    next: nextStep(app),
  });
}

/** A program card: the standards as yuan text ("城镇 480.00 元、农村 332.00 元 / 人·月"), or why there are none. */
function decorateProgram(p) {
  const urban = yuan(p.standard_urban_fen);
  const rural = yuan(p.standard_rural_fen);
  let standardText = '';
  if (p.code === 'medical') {
    standardText = '按医保报销后个人负担费用的比例救助，每年有封顶。';
  } else if (p.code === 'temporary') {
    standardText = urban || rural ? `按低保标准（城镇 ${urban} 元、农村 ${rural} 元）和家庭人口计算，一次性发放。` : '';
  } else if (urban || rural) {
    standardText = `城镇 ${urban} 元、农村 ${rural} 元，每人每月。`;
  } else {
    standardText = '金额以当地民政部门核定为准。';
  }
  return Object.assign({}, p, { standard_text: standardText });
}

// Lines of a self-check that explain rather than test: they pass whatever the household.
const INFO_TESTS = ['amount_estimate', 'no_income_test', 'medical_share_and_cap'];

/**
 * POST /eligibility's answer as the page shows it: a headline, the amount, the figures, and each reason as a line
 * with ✓ 符合 / ✗ 不符合 / 说明 in words.
 */
function decorateResult(result) {
  const lines = (result.reasons || []).map((r, i) => {
    let kind = r.passed ? 'pass' : 'fail';
    if (INFO_TESTS.indexOf(r.test) >= 0 && r.passed) kind = 'info';
    const word = { pass: '✓ 符合', fail: '✗ 不符合', info: '说明' }[kind];
    return { key: `${i}-${r.test}`, test: r.test, kind, word, message: r.message };
  });
  const monthly = result.amount_kind === 'monthly';
  let amountText = '';
  if (result.eligible && result.amount_fen > 0) {
    amountText = monthly ? `每月约 ${yuan(result.amount_fen)} 元` : `一次性约 ${yuan(result.amount_fen)} 元`;
  } else if (result.eligible) {
    amountText = '金额由工作人员核定';
  }
  const failed = lines.filter((l) => l.kind === 'fail').length;
  return {
    eligible: !!result.eligible,
    headline: result.eligible ? '可能符合申请条件' : '按填写的情况，可能不符合条件',
    summary: result.eligible
      ? '下面每一条都符合。实际能否领取、领多少，以工作人员入户调查核实后的情况为准。'
      : `下面有 ${failed} 条不符合。如果家里情况填得不准，改过后可以再测一次；也可以照常申请，由工作人员核实。`,
    amountText,
    sizeText: `${result.household_size} 人`,
    totalText: `${yuan(result.total_income_fen)} 元`,
    perCapitaText: `${yuan(result.per_capita_income_fen)} 元`,
    standardText: `${yuan(result.standard_fen)} 元`,
    lines,
  };
}

module.exports = {
  HOTLINE,
  PROGRAM_NAMES,
  STATUS_NAMES,
  ACTION_NAMES,
  CAUSE_NAMES,
  STAGES,
  yuan,
  localDateTime,
  monthText,
  programName,
  nextStep,
  stages,
  timeline,
  timelineItem,
  statusTone,
  decorateApplication,
  decorateProgram,
  decorateResult,
};
