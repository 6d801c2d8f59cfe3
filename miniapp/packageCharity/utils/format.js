// Dates and states the pages work out before setData (money is formatted in charity.wxs).
// The server sends times in ISO 8601 with an offset, stored in UTC; they are shown in Asia/Shanghai.

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad2 = (n) => String(n).padStart(2, '0');

function chinaParts(date) {
  const d = new Date(date.getTime() + CHINA_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    m: pad2(d.getUTCMonth() + 1),
    d: pad2(d.getUTCDate()),
    hh: pad2(d.getUTCHours()),
    mm: pad2(d.getUTCMinutes()),
  };
}

/** '2026-11-30T07:40:33+00:00' → '2026-11-30 15:40' (China time); '' for nothing or nonsense. */
function localDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const p = chinaParts(date);
  return `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}`;
}

/** '2026-11-30T07:40:33+00:00' → '2026-11-30' (China date). */
function localDate(iso) {
  return localDateTime(iso).slice(0, 10);
}

/** Today in China as 'YYYY-MM-DD' (comparable as a string with the server's dates). */
function todayInChina(now = new Date()) {
  const p = chinaParts(now);
  return `${p.y}-${p.m}-${p.d}`;
}

/** 进行中 / 未开始 / 已结束: the server's `open` decides, the dates only tell which of the other two. */
function campaignState(campaign, now = new Date()) {
  if (!campaign) return { key: '', text: '' };
  if (campaign.open) return { key: 'open', text: '进行中' };
  if (campaign.starts_on && campaign.starts_on > todayInChina(now)) return { key: 'future', text: '未开始' };
  return { key: 'ended', text: '已结束' };
}

/** A campaign as the pages show it: the API's fields plus its state. */
function decorateCampaign(campaign, now = new Date()) {
  const state = campaignState(campaign, now);
  return Object.assign({}, campaign, { state: state.key, state_text: state.text });
}

/** A gift as the pages show it: the API's fields plus the China-time dates. */
function decorateGift(gift, campaignNames = {}) {
  return Object.assign({}, gift, {
    created_text: localDateTime(gift.created_at),
    confirmed_text: localDateTime(gift.confirmed_at),
    voided_text: localDateTime(gift.voided_at),
    campaign_name: campaignNames[gift.campaign_id] || '',
  });
}

module.exports = {
  localDateTime,
  localDate,
  todayInChina,
  campaignState,
  decorateCampaign,
  decorateGift,
};
