"""Errors a user can cause: a machine-readable code and a Chinese message.

Views show `str(error)`; APIs return `error.code`. Codes are stable: never
renumber or reuse one.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    # identity and contact
    ID_NUMBER_FORMAT = "E1001"
    ID_NUMBER_CHECKSUM = "E1002"
    ID_NUMBER_BIRTH_DATE = "E1003"
    PHONE_FORMAT = "E1004"
    NAME_REQUIRED = "E1005"
    # registration
    RECEIVED_IN_FUTURE = "E2001"
    RECEIVED_TOO_OLD = "E2002"
    REQUEST_REQUIRED = "E2003"
    COLLECTIVE_NEEDS_REPRESENTATIVES = "E2004"
    TOO_MANY_REPRESENTATIVES = "E2005"
    PETITIONER_REQUIRED = "E2006"
    CHANNEL_FIELD_REQUIRED = "E2007"
    ANONYMOUS_ONLY_FOR_ACCUSATIONS = "E2008"
    HEAD_COUNT_INVALID = "E2009"
    REGION_UNKNOWN = "E2010"
    TOPIC_UNKNOWN = "E2011"
    NOT_ALLOWED_TO_REGISTER = "E2012"
    DATE_RANGE_INVALID = "E2013"
    ANONYMOUS_WITH_IDENTITY = "E2014"
    HEAD_COUNT_BELOW_PARTIES = "E2015"
    LEDGER_FILTER_INVALID = "E2016"
    # attachments
    UPLOAD_TOO_LARGE = "E3001"
    UPLOAD_TYPE_NOT_ALLOWED = "E3002"
    UPLOAD_TYPE_MISMATCH = "E3003"
    UPLOAD_EMPTY = "E3004"
    # access
    CASE_NOT_FOUND = "E4001"
    NOT_ALLOWED = "E4002"
    LOGIN_THROTTLED = "E4003"
    LOGIN_INVALID = "E4004"
    ACCOUNT_INACTIVE = "E4005"
    # imports
    IMPORT_FILE_INVALID = "E5001"
    IMPORT_ROW_INVALID = "E5002"
    ORG_PARENT_UNKNOWN = "E5003"
    REGION_CODE_FORMAT = "E5004"
    IMPORT_COLUMNS_MISSING = "E5005"
    ORG_NAME_REQUIRED = "E5006"
    ORG_KIND_UNKNOWN = "E5007"
    AREA_CODE_FORMAT = "E5008"
    CASE_NUMBER_PREFIX_TAKEN = "E5009"
    IMPORT_DUPLICATE_ROW = "E5010"
    IMPORT_TEXT_TOO_LONG = "E5011"
    RECEIVED_DATE_FORMAT = "E5012"
    CHANNEL_UNKNOWN = "E5013"
    CATEGORY_UNKNOWN = "E5014"
    ORG_OUT_OF_SCOPE = "E5015"
    CASE_NUMBER_PREFIX_LOCKED = "E5016"
    CASE_NUMBER_PREFIX_IN_NUMBERS = "E5017"
    # deadlines and holiday schedules
    DEADLINE_DATE_FORMAT = "E6001"
    DEADLINE_DAYS_INVALID = "E6002"
    HOLIDAY_KIND_WEEKDAY = "E6003"
    HOLIDAY_OUTSIDE_YEAR = "E6004"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.ID_NUMBER_FORMAT: "身份证号码应为18位：前17位为数字，最后一位为数字或X。",
    ErrorCode.ID_NUMBER_CHECKSUM: "身份证号码校验位不正确，请核对后重新输入。",
    ErrorCode.ID_NUMBER_BIRTH_DATE: "身份证号码中的出生日期无效。",
    ErrorCode.PHONE_FORMAT: "电话号码格式不正确：手机号为11位，固定电话如 0571-87654321。",
    ErrorCode.NAME_REQUIRED: "请填写信访人姓名（检举控告可选择匿名）。",
    ErrorCode.RECEIVED_IN_FUTURE: "收到时间不能晚于当前时间。",
    ErrorCode.RECEIVED_TOO_OLD: "收到时间过早，请核对年份。",
    ErrorCode.REQUEST_REQUIRED: "请填写信访诉求。",
    ErrorCode.COLLECTIVE_NEEDS_REPRESENTATIVES: "5人以上集体走访须推选代表，请至少登记1名代表。",
    ErrorCode.TOO_MANY_REPRESENTATIVES: "集体走访推选的代表不得超过5人。",
    ErrorCode.PETITIONER_REQUIRED: "请至少登记1名信访人。",
    ErrorCode.CHANNEL_FIELD_REQUIRED: "该信访形式需要填写此项。",
    ErrorCode.ANONYMOUS_ONLY_FOR_ACCUSATIONS: "只有检举控告类信访可以匿名。",
    ErrorCode.HEAD_COUNT_INVALID: "人数应为1至9999之间的整数。",
    ErrorCode.REGION_UNKNOWN: "请选择问题发生地所属行政区划。",
    ErrorCode.TOPIC_UNKNOWN: "请选择内容分类（三级）。",
    ErrorCode.NOT_ALLOWED_TO_REGISTER: "您的角色不能登记信访事项。",
    ErrorCode.DATE_RANGE_INVALID: "结束日期不能早于开始日期。",
    ErrorCode.ANONYMOUS_WITH_IDENTITY: (
        "已勾选匿名，但又填写了姓名、身份证号、电话或住址：请取消匿名，或清空这些信息。"
    ),
    ErrorCode.HEAD_COUNT_BELOW_PARTIES: "人数少于登记的信访人数，请核对人数。",
    ErrorCode.LEDGER_FILTER_INVALID: "筛选条件有误，请先在台账页面修正后再导出。",
    ErrorCode.UPLOAD_TOO_LARGE: "附件过大。",
    ErrorCode.UPLOAD_TYPE_NOT_ALLOWED: "附件类型不允许：只接受图片（JPG、PNG）、PDF、Word 和 Excel 文件。",
    ErrorCode.UPLOAD_TYPE_MISMATCH: "附件内容与扩展名不符，已拒收。",
    ErrorCode.UPLOAD_EMPTY: "附件为空文件。",
    ErrorCode.CASE_NOT_FOUND: "信访事项不存在或您无权查看。",
    ErrorCode.NOT_ALLOWED: "您无权执行此操作。",
    ErrorCode.LOGIN_THROTTLED: "登录失败次数过多，请15分钟后再试。",
    ErrorCode.LOGIN_INVALID: "用户名或密码不正确。",
    ErrorCode.ACCOUNT_INACTIVE: "该账号已停用，请联系管理员。",
    ErrorCode.IMPORT_FILE_INVALID: "无法读取该 Excel 文件，请上传 .xlsx 格式。",
    ErrorCode.IMPORT_ROW_INVALID: "该行数据有误。",
    ErrorCode.ORG_PARENT_UNKNOWN: "上级单位不存在。",
    ErrorCode.REGION_CODE_FORMAT: "行政区划代码应为6位数字。",
    ErrorCode.IMPORT_COLUMNS_MISSING: "Excel 文件缺少必需的列，请使用导入模板。",
    ErrorCode.ORG_NAME_REQUIRED: "请填写单位名称。",
    ErrorCode.ORG_KIND_UNKNOWN: "单位类型不正确。",
    ErrorCode.AREA_CODE_FORMAT: "统计用区划代码应为不超过12位的数字。",
    ErrorCode.CASE_NUMBER_PREFIX_TAKEN: "信访件编号前缀已被其他单位使用。",
    ErrorCode.IMPORT_DUPLICATE_ROW: "与文件中前面的行重复。",
    ErrorCode.IMPORT_TEXT_TOO_LONG: "内容过长。",
    ErrorCode.RECEIVED_DATE_FORMAT: "收到日期格式不正确，应如 2025-03-04、2025/3/4 或 2025年3月4日。",
    ErrorCode.CHANNEL_UNKNOWN: "信访形式不正确。",
    ErrorCode.CATEGORY_UNKNOWN: "问题性质应为建议意见类、检举控告类或申诉求决类。",
    ErrorCode.ORG_OUT_OF_SCOPE: "该单位不在您的管理范围内，不能新增或修改。",
    ErrorCode.CASE_NUMBER_PREFIX_LOCKED: "该单位已编发信访件编号，编号前缀不能再修改。",
    ErrorCode.CASE_NUMBER_PREFIX_IN_NUMBERS: "已有信访件编号使用该前缀，不能分配给其他单位。",
    ErrorCode.DEADLINE_DATE_FORMAT: "日期格式不正确，应如 2025-03-04。",
    ErrorCode.DEADLINE_DAYS_INVALID: "期限天数应为不小于0的整数。",
    ErrorCode.HOLIDAY_KIND_WEEKDAY: "放假日应为周一至周五（周末本就休息），调休上班日应为周六或周日。",
    ErrorCode.HOLIDAY_OUTSIDE_YEAR: "该日期不在所属年度内。",
}


class XinfangError(Exception):
    """An error the user can fix; `field` names the form field it belongs to, if any."""

    def __init__(self, code: ErrorCode, detail: str = "", *, field: str | None = None) -> None:
        self.code = code
        self.detail = detail
        self.field = field
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = MESSAGES[self.code]
        if self.detail:
            text = f"{text}（{self.detail}）"
        return f"{text} [{self.code.value}]"

    def __str__(self) -> str:
        return self.message
