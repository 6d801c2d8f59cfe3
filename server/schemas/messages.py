"""marshmallow's validation messages in plain Chinese: residents read them.

Applied once at import (server.schemas is imported before any schema is built). Field labels for
the sentence at the top of a 422 are in `FIELD_LABELS`; each domain adds its own.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

FIELD_MESSAGES = {
    fields.Field: {
        "required": "此项必须填写。",
        "null": "此项不能为空。",
        "validator_failed": "填写的内容不正确。",
    },
    fields.String: {"invalid": "应为文字。", "invalid_utf8": "文字编码不正确。"},
    fields.Integer: {"invalid": "应为整数。"},
    fields.Number: {"invalid": "应为数字。", "too_large": "数字太大了。"},
    fields.Float: {"special": "不能是无穷大或非数字。"},
    fields.Decimal: {"special": "不能是无穷大或非数字。"},
    fields.Boolean: {"invalid": "应为是或否。"},
    fields.DateTime: {
        "invalid": "日期时间格式不正确。",
        "invalid_awareness": "日期时间需要带时区。",
    },
    fields.Date: {"invalid": "日期格式不正确，应为 YYYY-MM-DD。"},
    fields.List: {"invalid": "应为列表。"},
    fields.Dict: {"invalid": "应为对象。"},
    fields.Nested: {"type": "应为对象。"},
    fields.UUID: {"invalid_uuid": "编号格式不正确。"},
    fields.Email: {"invalid": "电子邮箱格式不正确。"},
    fields.URL: {"invalid": "网址格式不正确。"},
}

SCHEMA_MESSAGES = {"type": "应为 JSON 对象。", "unknown": "不认识这一项。"}

FIELD_LABELS = {
    "real_name": "姓名",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "region_code": "所在地区",
    "code": "微信登录凭证",
    "openid": "openid",
    "refresh_token": "登录凭证",
    "parent": "上级地区",
    "depth": "层级",
    "level": "级别",
    "program": "救助项目",
    "members": "家庭成员",
    "assets": "家庭财产",
    "reason": "申请原因",
    "attachments": "证明材料",
    "version": "版本号",
    "missing": "需补充的材料",
    "staff": "调查人员",
    "visited_on": "调查日期",
    "decision": "审核意见",
    "reasons": "理由",
    "amount_fen": "金额",
    "medical_out_of_pocket_fen": "个人负担的医疗费用",
    "monthly_fen": "月标准",
    "effective_from": "起始日期",
    "is_urban": "城乡类别",
    "file": "文件",
    "cause": "困难类型",
    "lat": "纬度",
    "lng": "经度",
    "coord_type": "坐标系",
    "types": "场所类型",
    "type": "场所类型",
    "radius_m": "搜索半径",
    "limit": "数量",
    "open_now": "正在开放",
    "has_space": "有空位",
    "hazard": "灾种",
    "services": "服务项目",
    "accessible": "无障碍",
    "name": "名称",
    "address": "地址",
    "always_open": "全天开放",
    "opening_hours": "开放时间",
    "capacity": "容量",
    "capacity_unit": "容量单位",
    "hazards": "适用灾种",
    "step_free": "无障碍通道",
    "accessible_toilet": "无障碍卫生间",
    "pets_allowed": "可带宠物",
    "status": "状态",
    "shelter_level": "避灾场所级别",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "description": "简介",
    "external_id": "外部编号",
    "occupancy": "在住人数",
    "groups": "分类人数",
    "kind": "类型",
    "message": "说明",
    "proposed": "更正内容",
    "note": "备注",
    "starts_at": "开始时间",
    "active": "是否进行中",
    "q": "关键词",
    "skills": "技能",
    "team": "志愿团队",
    "title": "标题",
    "facility_id": "服务场所",
    "ends_at": "结束时间",
    "places": "名额",
    "served_on": "服务日期",
    "minutes": "时长（分钟）",
    "served_name": "被服务人姓名",
    "served_phone": "被服务人（或家属）手机号",
    "wanted_on": "服务日期",
    "place": "服务地点",
    "recipient_name": "服务对象",
    "recipient_relation": "关系",
    "relation": "关系",
    "user_id": "用户",
    "from": "开始时间",
    "to": "结束时间",
    "skill": "技能",
    "campaign_id": "募捐活动",
    "channel": "捐款方式",
    "quantity": "数量",
    "unit": "单位",
    "estimated_value_fen": "估价",
    "donor_name": "捐赠人",
    "unit_name": "工作单位",
    "department": "部门",
    "anonymous": "匿名",
    "target_fen": "目标金额",
    "starts_on": "开始日期",
    "ends_on": "结束日期",
    "purposes": "善款用途",
    "purpose": "用途",
    "application_id": "救助申请",
    "Idempotency-Key": "幂等键",
    "format": "格式",
    "mine": "只看我的",
}


# The same field name means something else under some paths.
FIELD_LABELS_BY_PATH = {
    "/api/v1/timebank/bookings/": {"code": "签到码", "lat": "位置", "lng": "位置"},
    "/api/v1/timebank/": {"reason": "原因"},
    "/api/v1/charity/": {"reason": "原因", "unit": "计量单位"},
    "/api/v1/facilities/": {"reason": "原因"},
}


def apply() -> None:
    for field_class, messages in FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    ma.Schema._default_error_messages = {**ma.Schema._default_error_messages, **SCHEMA_MESSAGES}
    validate.Length.message_min = "至少 {min} 个字。"
    validate.Length.message_max = "最多 {max} 个字。"
    validate.Length.message_all = "应为 {min} 到 {max} 个字。"
    validate.Length.message_equal = "应为 {equal} 个字。"
    validate.Range.message_min = "应{min_op} {{min}}。"
    validate.Range.message_max = "应{max_op} {{max}}。"
    validate.Range.message_all = "应{min_op} {{min}} 且{max_op} {{max}}。"
    validate.Range.message_gte = "不小于"
    validate.Range.message_gt = "大于"
    validate.Range.message_lte = "不大于"
    validate.Range.message_lt = "小于"
    validate.OneOf.default_message = "应为以下之一：{choices}。"
    validate.Regexp.default_message = "格式不正确。"
    validate.Equal.default_message = "应等于 {other}。"


apply()
