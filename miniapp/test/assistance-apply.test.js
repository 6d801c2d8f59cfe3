// 救助申请表 (packageAssistance/pages/apply): the steps checked on the phone with the server's rules; the draft
// created once with its Idempotency-Key and edited with its version (a stale one reloads and says so); photos of
// documents through wx.chooseMedia + wx.uploadFile with progress (res.data a string); the subscribe-message
// request on 提交 — accepted, declined or failed, the application is submitted all the same; and the server's 422,
// every problem at once, back on its field and its step.
const { settle, text, tap, usePage } = require('./helpers/pages');
const fx = require('./fixtures/assistance');
const config = require('../config');
const handoff = require('../packageAssistance/utils/handoff');

const fake = global.fakeWx;
const ok = (data, statusCode = 200) => ({ statusCode, data });
const TOKENS = { access_token: 'access-1', refresh_token: 'refresh-1' };
const BASE = '/assistance/applications';

let comp;

/**
 * The server's applications, as the real one keeps them: one draft per Idempotency-Key, the version checked and
 * bumped on every write, attachments counted at submit, 401 without the token. `on` overrides one answer.
 */
function server({ app = null, on = {} } = {}) {
  const state = { app: app ? JSON.parse(JSON.stringify(app)) : null, byKey: {}, submitKeys: {} };
  const authorized = (req) => req.header.Authorization === 'Bearer access-1';
  const handler = (req) => {
    const path = req.url.replace(/^.*\/api\/v1/, '');
    if (path === '/assistance/programs') return ok(fx.programs());
    if (path === '/auth/wechat') return ok({ access_token: 'access-1', refresh_token: 'refresh-1', user: { id: 1 } });
    if (!authorized(req)) return fx.problem(401, '请先登录。', 'token_missing');
    const key = `${req.method} ${path}`;
    if (on[key]) {
      const answer = on[key](req, state);
      if (answer) return answer;
    }
    if (key === `POST ${BASE}`) {
      const idem = req.header['Idempotency-Key'];
      if (state.byKey[idem]) return ok(state.byKey[idem]);
      state.app = fx.application(Object.assign({ attachments: [], events: [] }, req.data));
      state.byKey[idem] = state.app;
      return ok(state.app, 201);
    }
    if (key === `GET ${BASE}/13`) return ok(state.app);
    if (key === `PATCH ${BASE}/13`) {
      if (req.data.version !== state.app.version) {
        return fx.problem(409, '这份申请已被他人更新，请刷新后再操作。', 'stale_version', { version: state.app.version });
      }
      const changes = Object.assign({}, req.data);
      delete changes.version;
      Object.assign(state.app, changes, { version: state.app.version + 1 });
      return ok(state.app);
    }
    if (key === `POST ${BASE}/13/submit`) {
      const idem = req.header['Idempotency-Key'];
      if (state.submitKeys[idem]) return ok(state.submitKeys[idem]);
      if (req.data.version !== state.app.version) return fx.problem(409, '这份申请已被他人更新，请刷新后再操作。', 'stale_version');
      if (!(state.app.attachments || []).length) {
        return fx.problem(422, '请检查证明材料：请上传证明材料的照片或 PDF。', 'validation_failed', {
          errors: { json: { attachments: ['请上传证明材料的照片或 PDF。'] } },
        });
      }
      Object.assign(state.app, {
        status: 'submitted',
        status_name: '已提交，待受理',
        number: 'DB-330802-2026-000001',
        version: state.app.version + 1,
        due_on: '2026-12-21',
        allowed_actions: ['withdraw'],
      });
      state.submitKeys[idem] = state.app;
      return ok(state.app);
    }
    return fx.problem(404, '没有找到这份申请。', 'application_not_found');
  };
  handler.state = state;
  return handler;
}

let nextFile = 0;
function uploadsLikeTheServer(state, extra = {}) {
  return (req) => {
    if (req.header.Authorization !== 'Bearer access-1') return { statusCode: 401, data: JSON.stringify({ code: 401, message: '请先登录。' }) };
    nextFile += 1;
    const att = fx.attachment({ id: `f${nextFile}`, kind: req.formData.kind, filename: req.filePath.replace('wxfile://', '') });
    state.app.attachments = (state.app.attachments || []).concat([att]);
    return Object.assign({ statusCode: 201, data: JSON.stringify(att) }, extra);
  };
}

const type = async (node, value) => {
  node.dispatchEvent('input', { detail: { value } });
  await settle(2);
};
const pick = async (node, value) => {
  node.dispatchEvent('change', { detail: { value } });
  await settle(2);
};
const all = (selector) => comp.querySelectorAll(selector);
const one = (selector) => comp.querySelector(selector);
const stepTitle = () => text(one('.step-title'));
/** For each member on step 1: whether it has a 删除 button. */
const removable = () => comp.data.form.members.map((_, i) => Boolean(one(`.member-${i} .remove-member`)));
const sent = (method, suffix) => fake.requests.filter((r) => r.method === method && r.url.endsWith(suffix));

const page = usePage('packageAssistance/pages/apply/index', 'assistance-apply', {
  before() {
    fake.respond = server();
  },
});

async function open(options = { program: 'dibao' }) {
  comp = await page.open(options);
}

/** Steps 1 and 2 for two elders; leaves the page on step 3. */
async function membersAndIncomes() {
  await type(all('.age-input')[0], '70');
  await tap(one('.add-member'), 2);
  await pick(all('.relation-picker')[1], 1);
  await type(all('.age-input')[1], '68');
  await pick(all('.disability-picker')[1], 2);
  await tap(one('.next-btn'), 2);
  await type(all('.income-input')[0], '200');
  await type(all('.income-input')[1], '100.5');
  await tap(one('.next-btn'), 2);
}

/** Steps 3 and 4; 保存并下一步 creates the draft and leaves the page on step 5. */
async function assetsAndReason() {
  await type(one('.financial-input'), '1000');
  await type(one('.properties-input'), '1');
  await tap(one('.next-btn'), 2);
  await type(one('.reason-input'), '老伴二级残疾，两人靠养老金生活。');
  await tap(one('.relatives-no'), 2);
  await tap(one('.next-btn'), 12);
}

async function toDocuments() {
  await open();
  await membersAndIncomes();
  await assetsAndReason();
}

async function uploadOne(kindIndex = 0) {
  fake.chosenMedia = [{ tempFilePath: `wxfile://tmp_photo_${kindIndex}.jpg`, size: 200000, fileType: 'image' }];
  await tap(all('.take-photo')[kindIndex], 12);
}

let templates;
beforeEach(() => {
  templates = config.subscribeTemplates.assistance;
  config.subscribeTemplates.assistance = [];
});

afterEach(() => {
  config.subscribeTemplates.assistance = templates;
});

describe('the steps, checked on the phone', () => {
  test('opens on step 1 of 6 for the chosen program, with 本人 as the first member', async () => {
    await open();
    expect(text(one('.head-program'))).toBe('最低生活保障（低保）');
    expect(stepTitle()).toBe('第 1 步，共 6 步：家庭成员');
    expect(all('.member-title').map(text)).toEqual(['第 1 位：本人（申请人）']);
    expect(one('.prev-btn')).toBeFalsy();
  });

  test('step 1 does not move on with a wrong age or a member without a relation; fixed, it does', async () => {
    await open();
    await type(all('.age-input')[0], '200');
    await tap(one('.add-member'), 2);
    await tap(one('.next-btn'), 2);

    expect(stepTitle()).toBe('第 1 步，共 6 步：家庭成员');
    expect(all('.error-age').map(text)).toEqual(['年龄应为 0 到 130 之间的整数。', '请填写年龄（周岁）。']);
    expect(all('.error-relation').map(text)).toEqual(['请选择与申请人的关系。']);
    expect(text(one('.form-error'))).toBe('请按标红的提示修改。');

    await type(all('.age-input')[0], '70');
    await pick(all('.relation-picker')[1], 3); // 父母
    await type(all('.age-input')[1], '92');
    await tap(one('.next-btn'), 2);
    expect(stepTitle()).toBe('第 2 步，共 6 步：收入');
    expect(all('.income-field .field-label').map(text)).toEqual(['第 1 位：本人（申请人），70 岁', '第 2 位：父母，92 岁']);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  test('step 2 wants an income for everyone (0 allowed) in yuan with at most two decimals', async () => {
    await open();
    await type(all('.age-input')[0], '70');
    await tap(one('.next-btn'), 2);
    await type(all('.income-input')[0], '99.999');
    await tap(one('.next-btn'), 2);
    expect(text(one('.error-income'))).toBe('金额最多填到分（小数点后两位）');
    await type(all('.income-input')[0], '0');
    await tap(one('.next-btn'), 2);
    expect(stepTitle()).toBe('第 3 步，共 6 步：财产');
  });

  test('step 4 wants a reason and an answer about near relatives, each relative in full; 上一步 keeps what was typed', async () => {
    await open();
    await membersAndIncomes();
    await tap(one('.next-btn'), 2);
    await tap(one('.next-btn'), 2);
    expect(text(one('.error-reason'))).toBe('请说明申请原因。');
    expect(text(one('.error-relatives'))).toBe('请选择有没有在民政部门或村（居）委会工作的近亲属。');

    await tap(one('.relatives-yes'), 2);
    await type(one('.relative-name'), '王建军');
    await tap(one('.next-btn'), 2);
    expect(text(one('.error-relative-relation'))).toBe('请填写关系。');
    expect(text(one('.error-relative-workplace'))).toBe('请填写工作单位。');

    await tap(one('.prev-btn'), 2);
    expect(stepTitle()).toBe('第 3 步，共 6 步：财产');
    await tap(one('.prev-btn'), 2);
    expect(comp.data.form.members.map((m) => m.income)).toEqual(['200', '100.5']);
    expect(fake.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  test('临时救助 asks what happened and whether it is urgent', async () => {
    await open({ program: 'temporary' });
    await membersAndIncomes();
    await tap(one('.next-btn'), 2);
    await type(one('.reason-input'), '房子失火，衣物家具全部烧毁。');
    await tap(one('.relatives-no'), 2);
    await tap(one('.next-btn'), 2);
    expect(text(one('.error-cause'))).toBe('请选择遇到的困难类型（火灾、事故、疾病等）。');
    await tap(all('.cause-option').find((n) => text(n).includes('火灾')), 2);
    await tap(one('.emergency-yes'), 2);
    fake.storage.tokens = TOKENS;
    await tap(one('.next-btn'), 12);
    expect(sent('POST', BASE)[0].data).toMatchObject({ program: 'temporary', cause: 'fire', emergency: true });
  });

  test('医疗救助 asks for the cost left after insurance', async () => {
    await open({ program: 'medical' });
    await membersAndIncomes();
    await tap(one('.next-btn'), 2);
    expect(text(one('.error-medical'))).toBe('请填写医保报销后个人负担的医疗费用。');
    await type(one('.medical-input'), '12000.5');
    await tap(one('.next-btn'), 2);
    expect(stepTitle()).toBe('第 4 步，共 6 步：申请原因');
  });
});

describe('saving the draft', () => {
  test('not logged in: 保存并下一步 asks to log in, then creates the draft once, in fen, with the form’s key', async () => {
    await toDocuments();

    expect(fake.modals[0].title).toBe('需要登录');
    expect(fake.requestsTo('/auth/wechat')).toHaveLength(1);
    const creates = sent('POST', BASE);
    expect(creates).toHaveLength(1);
    expect(creates[0].data).toEqual({
      program: 'dibao',
      members: [
        { relation: 'self', age: 70, monthly_income_fen: 20000, disability_grade: null, student: false },
        { relation: 'spouse', age: 68, monthly_income_fen: 10050, disability_grade: 2, student: false },
      ],
      assets: { financial_fen: 100000, vehicles: 0, properties: 1 },
      reason: '老伴二级残疾，两人靠养老金生活。',
      relatives: [],
    });
    expect(creates[0].header['Idempotency-Key']).toMatch(/^asst-new-/);
    expect(stepTitle()).toBe('第 5 步，共 6 步：证明材料');
    expect(comp.data.appId).toBe(13);
  });

  test('back to an earlier step and on again: a PATCH with the version and only what changed', async () => {
    fake.storage.tokens = TOKENS;
    await toDocuments();
    await tap(one('.prev-btn'), 2); // step 4
    await type(one('.reason-input'), '老伴二级残疾，常年吃药。');
    await tap(one('.next-btn'), 12);

    const patches = sent('PATCH', `${BASE}/13`);
    expect(patches).toHaveLength(1);
    expect(patches[0].data).toEqual({ version: 1, reason: '老伴二级残疾，常年吃药。', relatives: [] });
    expect(comp.data.version).toBe(2);
    // Nothing changed: nothing sent.
    await tap(one('.prev-btn'), 2);
    await tap(one('.next-btn'), 12);
    expect(sent('PATCH', `${BASE}/13`)).toHaveLength(1);
  });

  test("the server's 422 on create — nested and dotted — goes back to the step and the member it names", async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      on: {
        [`POST ${BASE}`]: () =>
          fx.problem(422, '请检查家庭成员。', 'validation_failed', {
            errors: { json: { members: { 1: { monthly_income_fen: ['月收入应为整数（单位：分）。'] } }, 'members.0.age': ['年龄应在 0 到 130 岁之间。'] } },
          }),
      },
    });
    await open();
    await membersAndIncomes();
    await assetsAndReason();

    expect(stepTitle()).toBe('第 1 步，共 6 步：家庭成员');
    expect(all('.error-age').map(text)).toEqual(['年龄应在 0 到 130 岁之间。']);
    expect(text(all('.member')[0])).toContain('年龄应在 0 到 130 岁之间。');
    await tap(one('.next-btn'), 2); // the phone finds nothing wrong with step 1
    expect(all('.error-income').map(text)).toEqual(['月收入应为整数。']);
    expect(text(all('.income-field')[1])).toContain('月收入应为整数。');
  });

  test('an application already open for the program: said, with the way to it', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      on: { [`POST ${BASE}`]: () => fx.problem(409, '已有一份未办结的最低生活保障（低保）申请，请先查看或撤回那一份。', 'open_application_exists') },
    });
    await open();
    await membersAndIncomes();
    await assetsAndReason();
    expect(text(one('.form-error'))).toBe('已有一份未办结的最低生活保障（低保）申请，请先查看或撤回那一份。');
    expect(fake.modals[0].confirmText).toBe('查看我的申请');
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageAssistance/pages/applications/index']);
  });

  test('no real name on the profile: the real-name form opens, and once saved there the form here is as it was', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({
      on: {
        [`POST ${BASE}`]: () =>
          fx.problem(409, '请先在“我的”页面完成实名信息（姓名、身份证号码、所在地区）再申请。', 'profile_incomplete', { missing: ['id_number'] }),
      },
    });
    await open();
    await membersAndIncomes();
    await assetsAndReason();
    expect(fake.modals[0].title).toBe('需要实名信息');
    expect(fake.modals[0].confirmText).toBe('去填写');
    expect(fake.switchedTabs).toEqual([]);
    expect(fake.navigations.map((n) => n.url)).toEqual(['/packageMe/pages/profile/index']);
    expect(comp.data.form.reason).toBe('老伴二级残疾，两人靠养老金生活。');

    // Saved on the form: it tells this page (event channel) and comes back.
    fake.navigations[0].events.saved({ real_name: '王**', profile_complete: true });
    await settle(2);
    expect(one('.form-error')).toBeFalsy();
    expect(text(one('.notice-text'))).toBe('实名信息已保存。请再点一次刚才的按钮继续。');
    expect(stepTitle()).toContain('申请原因');
    expect(comp.data.form.reason).toBe('老伴二级残疾，两人靠养老金生活。');
  });

  test('删除 is offered on every member but the applicant (本人), and removes that member', async () => {
    await open();
    await tap(one('.add-member'), 2);
    await pick(all('.relation-picker')[1], 1); // 配偶
    await tap(one('.add-member'), 2);
    await pick(all('.relation-picker')[2], 2); // 子女

    expect(removable()).toEqual([false, true, true]);
    await tap(one('.member-1 .remove-member'), 2);

    expect(comp.data.form.members.map((m) => m.relation)).toEqual(['self', 'child']);
    expect(removable()).toEqual([false, true]);
  });

  test('a stale version (409) reloads the application from the server and says so', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    fake.respond = handler;
    await toDocuments();
    // Someone else edits it meanwhile.
    Object.assign(handler.state.app, { version: 4, reason: '工作人员更正后的原因。' });
    await tap(one('.prev-btn'), 2);
    await type(one('.reason-input'), '我自己的修改');
    await tap(one('.next-btn'), 12);

    expect(sent('PATCH', `${BASE}/13`)[0].data.version).toBe(1);
    expect(text(one('.notice-text'))).toBe('这份申请已在别处更新（例如另一台手机或工作人员），已重新加载最新内容，请检查后再继续。');
    expect(comp.data.version).toBe(4);
    expect(comp.data.form.reason).toBe('工作人员更正后的原因。');
    expect(stepTitle()).toBe('第 4 步，共 6 步：申请原因');
  });

  test('the household from the self-check is filled in, to be checked', async () => {
    const form = { members: [{ relation: 'self', age: '70', income: '200', disability: 0, student: false }], financial: '1000', vehicles: '', properties: '', medical: '' };
    handoff.put({ program: 'dibao', form });
    await open({ program: 'dibao', from: 'check' });
    expect(text(one('.notice-text'))).toBe('已带入自测时填写的家庭情况，请逐项核对。');
    expect(comp.data.form.members[0].age).toBe('70');
    expect(comp.data.form.financial).toBe('1000');
    expect(comp.data.form.hasRelatives).toBeNull();
  });
});

describe('documents: chooseMedia + uploadFile with progress', () => {
  test('each of the program’s documents has its own row, and 其他材料 besides', async () => {
    fake.storage.tokens = TOKENS;
    await toDocuments();
    expect(all('.doc-kind').map(text)).toEqual(['申请人身份证', '户口簿', '家庭成员收入证明', '家庭财产情况说明', '银行账户信息', '其他材料']);
    expect(all('.doc-state').map(text)).toEqual(Array(6).fill('还没有上传'));
  });

  test('a photo goes up with its kind and the token, the progress is shown, then it is listed as uploaded', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    fake.respond = handler;
    fake.respondUpload = uploadsLikeTheServer(handler.state, { progress: [10, 45], hold: true });
    await toDocuments();

    fake.chosenMedia = [{ tempFilePath: 'wxfile://tmp_hukou.jpg', size: 300000, fileType: 'image' }];
    await tap(all('.take-photo')[1], 10); // 户口簿

    expect(fake.mediaRequests[0]).toEqual({ api: 'chooseMedia', count: 9, mediaType: ['image'], sourceType: ['camera', 'album'] });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({
      url: expect.stringMatching(/\/assistance\/applications\/13\/attachments$/),
      filePath: 'wxfile://tmp_hukou.jpg',
      name: 'file',
      formData: { kind: '户口簿' },
      header: { Authorization: 'Bearer access-1' },
    });
    // Mid-upload: the progress the UploadTask reported.
    expect(text(one('.upload-progress-text'))).toBe('正在上传 45%');
    expect(comp.data.uploads[0].progress).toBe(45);

    fake.heldUploads.shift()();
    await settle(10);
    expect(one('.upload')).toBeFalsy();
    expect(all('.doc-state').map(text)[1]).toBe('已上传 1 个');
    expect(text(one('.doc-file-name'))).toBe('tmp_hukou.jpg（200 KB）');
    expect(comp.data.attachments.map((a) => a.kind)).toEqual(['户口簿']);
  });

  test('a file over 5 MB is refused on the phone; the others go up one after another', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    fake.respond = handler;
    fake.respondUpload = uploadsLikeTheServer(handler.state);
    await toDocuments();

    fake.chosenMedia = [
      { tempFilePath: 'wxfile://a.jpg', size: 100000, fileType: 'image' },
      { tempFilePath: 'wxfile://huge.jpg', size: 6 * 1024 * 1024, fileType: 'image' },
      { tempFilePath: 'wxfile://b.jpg', size: 100000, fileType: 'image' },
    ];
    await tap(all('.take-photo')[0], 20);

    expect(fake.uploads.map((u) => u.filePath)).toEqual(['wxfile://a.jpg', 'wxfile://b.jpg']);
    expect(text(one('.form-error'))).toContain('huge.jpg 超过 5 MB');
    expect(all('.doc-state').map(text)[0]).toBe('已上传 2 个');
  });

  test('a failed upload says why and can be sent again', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    fake.respond = handler;
    fake.respondUpload = () => ({ fail: 'uploadFile:fail timeout' });
    await toDocuments();
    await uploadOne(2);

    expect(text(one('.upload-error'))).toBe('上传失败：请求超时，请稍后再试');
    fake.respondUpload = uploadsLikeTheServer(handler.state);
    await tap(one('.retry-upload'), 12);
    expect(one('.upload')).toBeFalsy();
    expect(fake.uploads.map((u) => u.filePath)).toEqual(['wxfile://tmp_photo_2.jpg', 'wxfile://tmp_photo_2.jpg']);
    expect(all('.doc-state').map(text)[2]).toBe('已上传 1 个');
  });

  test('the server refusing a file (413, a string body) is said in its words', async () => {
    fake.storage.tokens = TOKENS;
    fake.respondUpload = () => ({ statusCode: 413, data: JSON.stringify({ code: 413, message: '上传的内容太大了。', error: 'payload_too_large' }) });
    await toDocuments();
    await uploadOne(0);
    expect(text(one('.upload-error'))).toBe('上传失败：文件超过 5 MB，请重新拍摄或压缩后再上传。');
  });

  test('a PDF from a chat goes up the same way', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server();
    fake.respond = handler;
    fake.respondUpload = uploadsLikeTheServer(handler.state);
    await toDocuments();
    fake.chosenFiles = [{ path: 'wxfile://tmp_proof.pdf', name: '收入证明.pdf', size: 80000, type: 'file' }];
    await tap(all('.choose-pdf')[2], 12);
    expect(fake.mediaRequests[0]).toEqual({ api: 'chooseMessageFile', count: 1, type: 'file', extension: ['pdf'] });
    expect(fake.uploads[0].formData).toEqual({ kind: '家庭成员收入证明' });
    expect(all('.doc-state').map(text)[2]).toBe('已上传 1 个');
  });

  test('no document yet: step 5 does not move on', async () => {
    fake.storage.tokens = TOKENS;
    await toDocuments();
    await tap(one('.next-btn'), 2);
    expect(text(one('.error-attachments'))).toBe('请上传证明材料的照片或 PDF。');
    expect(stepTitle()).toBe('第 5 步，共 6 步：证明材料');
  });
});

describe('提交: the subscribe request first, and the submit whatever the answer', () => {
  async function toConfirm(handler) {
    fake.storage.tokens = TOKENS;
    fake.respond = handler;
    fake.respondUpload = uploadsLikeTheServer(handler.state);
    await toDocuments();
    await uploadOne(0);
    await tap(one('.next-btn'), 2);
    expect(stepTitle()).toBe('第 6 步，共 6 步：确认提交');
  }

  test('the summary says what will be sent, each part with 修改', async () => {
    await toConfirm(server());
    expect(all('.summary-member').map(text)).toEqual(['1. 本人，70 岁，每月收入 200 元', '2. 配偶，68 岁，每月收入 100.5 元，二级残疾']);
    expect(text(one('.summary-reason-text'))).toBe('老伴二级残疾，两人靠养老金生活。');
    expect(text(one('.summary-documents'))).toContain('已上传 1 个文件');
    await tap(all('.edit-step')[1], 2);
    expect(stepTitle()).toBe('第 3 步，共 6 步：财产');
  });

  test('accepted: the templates from config.js are asked for, then the submit goes with its version and key', async () => {
    config.subscribeTemplates.assistance = ['tmpl-progress', 'tmpl-result'];
    fake.subscribeAnswer = 'accept';
    const handler = server();
    await toConfirm(handler);
    await tap(one('.submit-btn'), 12);

    expect(fake.subscribeRequests).toEqual([{ tmplIds: ['tmpl-progress', 'tmpl-result'] }]);
    const submits = sent('POST', `${BASE}/13/submit`);
    expect(submits).toHaveLength(1);
    expect(submits[0].data).toEqual({ version: 1 });
    expect(submits[0].header['Idempotency-Key']).toMatch(/^asst-submit-/);
    expect(text(one('.done-title'))).toBe('申请已提交');
    expect(text(one('.done-number'))).toBe('DB-330802-2026-000001');
    expect(text(one('.done-status'))).toBe('已提交，待受理');
    expect(text(one('.done-next'))).toContain('本环节办理期限是 2026-12-21');
    expect(text(one('.done-notify'))).toBe('办理进度会通过微信消息通知您，也可以随时在“我的申请”里查看。');
    expect(fake.toasts.map((t) => t.title)).toContain('已提交');

    await tap(one('.open-detail'), 2);
    expect(fake.navigations.pop()).toEqual({ redirect: true, url: '/packageAssistance/pages/application/index?id=13' });
  });

  test('declined: submitted all the same, and told where to follow it', async () => {
    config.subscribeTemplates.assistance = ['tmpl-progress'];
    fake.subscribeAnswer = 'reject';
    await toConfirm(server());
    await tap(one('.submit-btn'), 12);

    expect(fake.subscribeRequests).toHaveLength(1);
    expect(sent('POST', `${BASE}/13/submit`)).toHaveLength(1);
    expect(text(one('.done-title'))).toBe('申请已提交');
    expect(text(one('.done-notify'))).toBe('请在“我的申请”里查看办理进度。');
  });

  test('the request itself failing (e.g. a template switched off) does not stop the submit either', async () => {
    config.subscribeTemplates.assistance = ['tmpl-progress'];
    fake.subscribeAnswer = { fail: 'requestSubscribeMessage:fail No template data return, verify the template id exist' };
    await toConfirm(server());
    await tap(one('.submit-btn'), 12);
    expect(sent('POST', `${BASE}/13/submit`)).toHaveLength(1);
    expect(text(one('.done-title'))).toBe('申请已提交');
  });

  test('no template configured: nothing is asked', async () => {
    await toConfirm(server());
    await tap(one('.submit-btn'), 12);
    expect(fake.subscribeRequests).toEqual([]);
    expect(sent('POST', `${BASE}/13/submit`)).toHaveLength(1);
  });

  test("the server's 422 names every problem at once; each lands on its field and the form goes to the first", async () => {
    const handler = server({
      on: {
        [`POST ${BASE}/13/submit`]: () =>
          fx.problem(422, '请检查以下各项：家庭成员、申请原因、证明材料。', 'validation_failed', {
            errors: {
              json: {
                'members.1.monthly_income_fen': ['月收入不能是负数。'],
                reason: ['请说明申请原因。'],
                attachments: ['请上传证明材料的照片或 PDF。'],
              },
            },
          }),
      },
    });
    await toConfirm(handler);
    await tap(one('.submit-btn'), 12);

    expect(stepTitle()).toBe('第 2 步，共 6 步：收入');
    expect(all('.error-income').map(text)).toEqual(['月收入不能是负数。']);
    expect(comp.data.err).toMatchObject({ reason: '请说明申请原因。', attachments: '请上传证明材料的照片或 PDF。' });
    expect(one('.done')).toBeFalsy();
  });

  test('a lost answer: 重新提交 sends the same key, and the server answers with the application it already has', async () => {
    const handler = server();
    await toConfirm(handler);
    const real = handler;
    let lose = true;
    fake.respond = (req) => {
      if (lose && req.url.endsWith('/submit')) {
        real(req); // the server did it...
        lose = false;
        return { fail: 'request:fail timeout' }; // ...but the answer never came
      }
      return real(req);
    };
    await tap(one('.submit-btn'), 12);
    expect(text(one('.submit-btn'))).toBe('重新提交');
    expect(text(one('.form-error'))).toBe('申请可能还没有提交上。请检查网络后点“重新提交”，不会重复提交。');

    await tap(one('.submit-btn'), 12);
    const keys = sent('POST', `${BASE}/13/submit`).map((r) => r.header['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(text(one('.done-number'))).toBe('DB-330802-2026-000001');
  });

  test('a double tap submits once', async () => {
    await toConfirm(server());
    one('.submit-btn').dispatchEvent('tap');
    one('.submit-btn').dispatchEvent('tap');
    await settle(12);
    expect(sent('POST', `${BASE}/13/submit`)).toHaveLength(1);
  });
});

describe('a draft or a returned application, opened again', () => {
  test('returned: what is missing is listed; only what changed is sent; documents cannot be deleted any more', async () => {
    fake.storage.tokens = TOKENS;
    const returned = fx.acceptedDetail({
      status: 'returned',
      status_name: '已退回，待补充材料',
      version: 3,
      missing: ['家庭财产情况说明', '银行账户信息'],
      allowed_actions: ['submit', 'withdraw'],
      members: fx.MEMBERS.map((m, i) => Object.assign({ name: i ? '李*' : '王*' }, m)),
    });
    const handler = server({ app: returned });
    fake.respond = handler;
    fake.respondUpload = uploadsLikeTheServer(handler.state);
    await open({ id: '13' });

    expect(all('.missing-item').map(text)).toEqual(['· 家庭财产情况说明', '· 银行账户信息']);
    expect(comp.data.form.members.map((m) => m.age)).toEqual(['70', '68']);
    for (let i = 0; i < 4; i += 1) await tap(one('.next-btn'), 6);
    expect(stepTitle()).toBe('第 5 步，共 6 步：证明材料');
    expect(sent('PATCH', `${BASE}/13`)).toHaveLength(0); // nothing changed, nothing sent
    expect(one('.delete-file')).toBeFalsy();
    await uploadOne(3);
    await tap(one('.next-btn'), 2);
    await tap(one('.submit-btn'), 12);
    expect(sent('POST', `${BASE}/13/submit`)[0].data).toEqual({ version: 3 });
    // The member names a worker recorded were never sent back masked.
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(text(one('.done-title'))).toBe('申请已提交');
  });

  test('a draft: a document can be deleted', async () => {
    fake.storage.tokens = TOKENS;
    const handler = server({ app: fx.application({ attachments: [fx.attachment()], events: [] }) });
    fake.respond = (req) => (req.method === 'DELETE' ? { statusCode: 204, data: '' } : handler(req));
    await open({ id: '13' });
    for (let i = 0; i < 4; i += 1) await tap(one('.next-btn'), 6);
    expect(all('.doc-file')).toHaveLength(1);
    await tap(one('.delete-file'), 10);
    expect(fake.modals[0].title).toBe('删除这个文件？');
    expect(sent('DELETE', `${BASE}/13/attachments/${fx.attachment().id}`)).toHaveLength(1);
    expect(all('.doc-file')).toHaveLength(0);
  });

  test('already submitted: not editable here, with the way to its progress', async () => {
    fake.storage.tokens = TOKENS;
    fake.respond = server({ app: fx.acceptedDetail() });
    await open({ id: '13' });
    expect(text(one('.blocked-text'))).toBe('这份申请当前状态为“已受理，待入户调查”，不能再修改。');
    expect(one('.next-btn')).toBeFalsy();
  });

  test('not logged in: a login card, then the application', async () => {
    fake.respond = server({ app: fx.application({ attachments: [], events: [] }) });
    await open({ id: '13' });
    expect(text(one('.login-card'))).toContain('请先登录');
    await tap(one('.login-btn'), 14);
    expect(one('.login-card')).toBeFalsy();
    expect(stepTitle()).toBe('第 1 步，共 6 步：家庭成员');
    expect(comp.data.version).toBe(1);
  });
});
