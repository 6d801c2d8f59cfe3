// Where the API lives. The development server runs on this machine (make run); in WeChat DevTools turn off
// "不校验合法域名" checking for it. A release build points at the bureau's HTTPS domain instead.
module.exports = {
  baseUrl: 'http://127.0.0.1:5000/api/v1',
  timeoutMs: 10000,
  // 订阅消息 template ids (公众平台 › 订阅消息) the app asks the resident to allow, by what they are about:
  // assistance = the progress of an application (受理、退回、审批结果). Asked on the 提交 tap; an empty list means
  // the app does not ask (WeChat allows at most 3 ids in one request).
  subscribeTemplates: {
    assistance: [],
  },
};
