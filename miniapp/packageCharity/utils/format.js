// Dates and states the pages work out before setData (money is formatted in charity.wxs).
// The server sends times in ISO 8601 with an offset, stored in UTC; they are shown in Asia/Shanghai.

const { localDateTime, localDate, todayInChina } = require('../../utils/format');

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
