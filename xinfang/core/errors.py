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
    EMAIL_FORMAT = "E1006"
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
    STATS_PERIOD_INVALID = "E8501"  # statistics: a quarter above 4, a month above 12
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
    # lifecycle (workflow and its actions)
    WRONG_STATUS = "E7001"
    WRONG_ROLE = "E7002"
    WRONG_BODY = "E7003"
    CASE_CHANGED = "E7004"
    TARGET_ORG_REQUIRED = "E7005"
    TARGET_ORG_INVALID = "E7006"
    OBJECTION_PERIOD_LAPSED = "E7007"
    EXTENSION_DAYS_INVALID = "E7008"
    EXTENSION_REASON_REQUIRED = "E7009"
    APPEAL_WINDOW_LAPSED = "E7010"
    REPORT_DUE_REQUIRED = "E7011"
    REPORT_DUE_INVALID = "E7012"
    FINAL_CASE_REQUIRED = "E7013"
    FINAL_CASE_INVALID = "E7014"
    MERGE_TARGET_INVALID = "E7015"
    RATING_LEVEL_INVALID = "E7016"
    CONCLUDE_TOO_EARLY = "E7017"
    NO_HIGHER_BODY = "E7018"
    REASON_REQUIRED = "E7019"
    DISCIPLINE_BODY_MISSING = "E7020"
    ACCUSED_CANNOT_HANDLE = "E7021"
    HEARING_STATE = "E7022"
    ACTION_UNKNOWN = "E7023"
    ALREADY_RATED = "E7024"
    NOT_ASSIGNED_CASE = "E7025"
    # documents (文书)
    DOCUMENT_FIELD_REQUIRED = "E8001"
    DOCUMENT_KIND_UNKNOWN = "E8002"
    DOCUMENT_ADDRESSEE_REQUIRED = "E8003"
    DOCUMENT_PERSONAL_DATA = "E8004"
    DOCUMENT_NAMES_ACCUSER = "E8005"
    DOCUMENT_DATE_FORMAT = "E8006"
    TEMPLATE_NOT_DOCX = "E8007"
    TEMPLATE_TOO_LARGE = "E8008"
    TEMPLATE_PLACEHOLDER_UNKNOWN = "E8009"
    # screening ledger (矛盾纠纷排查台账): rounds, reported risks, closing (销号)
    SCREENING_ROUND_NOT_ALLOWED = "E8301"
    SCREENING_ROUND_EXISTS = "E8302"
    SCREENING_ROUND_NOT_FOUND = "E8303"
    SCREENING_ROUND_CLOSED = "E8304"
    SCREENING_PERIOD_INVALID = "E8305"
    SCREENING_REPORT_NOT_ALLOWED = "E8306"
    SCREENING_RISK_NOT_FOUND = "E8307"
    SCREENING_PLACE_INVALID = "E8308"
    SCREENING_DESCRIPTION_REQUIRED = "E8309"
    SCREENING_LEVEL_INVALID = "E8310"
    SCREENING_REPORTER_KIND_INVALID = "E8311"
    SCREENING_RESPONSIBLE_INVALID = "E8312"
    SCREENING_DEADLINE_PAST = "E8313"
    SCREENING_CLOSE_NOT_ALLOWED = "E8314"
    SCREENING_CLOSING_NOTE_REQUIRED = "E8315"
    SCREENING_EVIDENCE_REQUIRED = "E8316"
    SCREENING_ALREADY_CLOSED = "E8317"
    SCREENING_PERSONAL_DATA = "E8318"
    SCREENING_FILTER_INVALID = "E8319"
    # leader work: reception days (领导接待日) and leader case ownership (领导包案)
    RECEPTION_DAY_NOT_FOUND = "E9001"
    RECEPTION_NOT_ALLOWED = "E9002"
    RECEPTION_LEADER_INVALID = "E9003"
    RECEPTION_DATE_PAST = "E9004"
    RECEPTION_TIME_INVALID = "E9005"
    RECEPTION_LEADER_BUSY = "E9006"
    RECEPTION_PLACE_REQUIRED = "E9007"
    RECEPTION_DAY_NOT_PLANNED = "E9008"
    RECEPTION_HELD_NOT_ALLOWED = "E9009"
    RECEPTION_DAY_NOT_YET = "E9010"
    APPOINTMENT_NOT_FOUND = "E9011"
    APPOINTMENT_NAME_REQUIRED = "E9012"
    APPOINTMENT_MATTER_REQUIRED = "E9013"
    APPOINTMENT_OUTCOME_DONE = "E9014"
    APPOINTMENT_OUTCOME_INVALID = "E9015"
    RECEPTION_CASE_CHANNEL = "E9016"
    RECEPTION_CASE_LINKED = "E9017"
    RECEPTION_DAY_CANCELLED = "E9018"
    APPOINTMENT_OTHER_DAY = "E9019"
    RECEPTION_CANCEL_REASON_REQUIRED = "E9020"
    RECEPTION_LINK_NOT_ALLOWED = "E9021"
    RECEPTION_DAY_FUTURE = "E9022"
    LEADER_CASE_NOT_FOUND = "E9031"
    LEADER_CASE_ASSIGN_NOT_ALLOWED = "E9032"
    LEADER_CASE_LEADER_INVALID = "E9033"
    LEADER_CASE_LEADER_CANNOT_SEE = "E9034"
    LEADER_CASE_ALREADY_OPEN = "E9035"
    LEADER_CASE_PLAN_REQUIRED = "E9036"
    LEADER_CASE_TARGET_PAST = "E9037"
    LEADER_CASE_STEP_NOT_ALLOWED = "E9038"
    LEADER_CASE_SETTLED = "E9039"
    LEADER_CASE_STEP_TEXT_REQUIRED = "E9040"
    LEADER_CASE_STEP_DATE_INVALID = "E9041"
    LEADER_CASE_SETTLE_NOT_ALLOWED = "E9042"
    LEADER_CASE_SETTLE_NOTE_REQUIRED = "E9043"
    # supervision: deadline warnings, reminders (催办) and supervision notices (督办)
    SUPERVISION_NOT_ALLOWED = "E7101"
    SUPERVISION_TARGET_INVALID = "E7102"
    SUPERVISION_CASE_FINISHED = "E7103"
    SUPERVISION_DEMAND_REQUIRED = "E7104"
    SUPERVISION_ANSWER_DUE_INVALID = "E7105"
    SUPERVISION_NOT_FOUND = "E7106"
    SUPERVISION_ANSWER_NOT_ALLOWED = "E7107"
    SUPERVISION_ALREADY_ANSWERED = "E7108"
    SUPERVISION_ANSWER_REQUIRED = "E7109"
    SUPERVISION_ESCALATION_TOO_EARLY = "E7110"
    SUPERVISION_ESCALATION_AT_TOP = "E7111"
    SUPERVISION_ALREADY_ESCALATED = "E7112"
    SUPERVISION_DEADLINE_INVALID = "E7113"
    ALERT_NOT_FOUND = "E7114"
    SUPERVISION_FILTER_INVALID = "E7115"
    # notifications to petitioners (SMS, email): configuration and delivery outcomes
    NOTIFY_CHANNEL_UNKNOWN = "E9201"
    NOTIFY_SMS_NOT_CONFIGURED = "E9202"
    NOTIFY_SMTP_NOT_CONFIGURED = "E9203"
    NOTIFY_GATEWAY_REFUSED = "E9204"
    NOTIFY_GATEWAY_UNAVAILABLE = "E9205"
    NOTIFY_SMTP_REFUSED = "E9206"
    NOTIFY_SMTP_UNAVAILABLE = "E9207"
    NOTIFY_CHANNEL_DISABLED = "E9208"
    # citizens' portal (网上信访): submission, query codes, tracking, public statistics
    PORTAL_CAPTCHA_INVALID = "E9101"
    PORTAL_LOOKUP_INVALID = "E9102"
    PORTAL_LOOKUP_THROTTLED = "E9103"
    PORTAL_FORM_EXPIRED = "E9104"
    PORTAL_NO_RECEIVING_OFFICE = "E9105"
    PORTAL_TRACKING_REQUIRED = "E9106"
    PORTAL_DOCUMENT_NOT_FOUND = "E9107"
    PORTAL_TOO_MANY_FILES = "E9108"
    PORTAL_GUIDANCE_NOT_CONFIRMED = "E9109"
    PORTAL_PHONE_DIGITS_FORMAT = "E9110"
    PORTAL_RECEIPT_SHOWN = "E9111"
    PORTAL_ID_NUMBER_REQUIRED = "E9112"
    PORTAL_PHONE_REQUIRED = "E9113"
    PORTAL_FACTS_REQUIRED = "E9114"
    PORTAL_WEEK_INVALID = "E9115"
    PORTAL_QUERY_CODE_NOT_ALLOWED = "E9116"
    PORTAL_ATTACHMENTS_NOT_KEPT = "E9117"
    PORTAL_NAME_REQUIRED = "E9118"
    # smart intake (analysis): topic model training and evaluation
    ANALYSIS_CSV_UNREADABLE = "E7201"
    ANALYSIS_CSV_COLUMNS = "E7202"
    ANALYSIS_NO_SAMPLES = "E7203"
    ANALYSIS_TOO_FEW_LABELS = "E7204"
    ANALYSIS_TOO_FEW_SAMPLES = "E7205"
    ANALYSIS_HISTORY_TOO_SMALL = "E7206"
    # smart intake (analysis): reply check and drafting
    REPLY_CHECK_INCOMPLETE = "E7301"
    REPLY_CHECK_UNANSWERED = "E7302"
    LLM_UNAVAILABLE = "E7303"
    # smart intake (analysis): duplicate groups
    DUPLICATES_INPUT_UNREADABLE = "E7251"
    DUPLICATES_COLUMNS_MISSING = "E7252"
    DUPLICATES_ID_INVALID = "E7253"
    DUPLICATES_OUTPUT_UNWRITABLE = "E7254"
    # smart intake (analysis): hot spots
    HOTSPOTS_INPUT_UNREADABLE = "E7261"
    HOTSPOTS_COLUMNS_MISSING = "E7262"
    HOTSPOTS_ID_INVALID = "E7263"
    HOTSPOTS_TIME_INVALID = "E7264"
    HOTSPOTS_OPTION_INVALID = "E7265"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.ID_NUMBER_FORMAT: "身份证号码应为18位：前17位为数字，最后一位为数字或X。",
    ErrorCode.ID_NUMBER_CHECKSUM: "身份证号码校验位不正确，请核对后重新输入。",
    ErrorCode.ID_NUMBER_BIRTH_DATE: "身份证号码中的出生日期无效。",
    ErrorCode.PHONE_FORMAT: "电话号码格式不正确：手机号为11位，固定电话如 0571-87654321。",
    ErrorCode.NAME_REQUIRED: "请填写信访人姓名（检举控告可选择匿名）。",
    ErrorCode.EMAIL_FORMAT: "电子邮箱格式不正确，应如 zhangsan@example.com（可不填）。",
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
    ErrorCode.STATS_PERIOD_INVALID: "统计周期不正确：季度为1至4，月份为1至12。",
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
    ErrorCode.WRONG_STATUS: "该事项当前所处环节不能执行此操作。",
    ErrorCode.WRONG_ROLE: "您的角色不能执行此操作。",
    ErrorCode.WRONG_BODY: "此操作应由承办该环节的单位执行，您所在单位不能执行。",
    ErrorCode.CASE_CHANGED: (
        "该事项在您打开本页后已有新的办理记录（他人操作，或重复提交），本次操作未执行。请查看最新情况后再操作。"
    ),
    ErrorCode.TARGET_ORG_REQUIRED: "请选择责任单位。",
    ErrorCode.TARGET_ORG_INVALID: "所选责任单位不在本机关管辖范围内，或不能承办该事项。",
    ErrorCode.OBJECTION_PERIOD_LAPSED: "已超过5个工作日的异议期限，不能再退回。",
    ErrorCode.EXTENSION_DAYS_INVALID: "延长期限应为1至30日（《信访工作条例》第三十四条）。",
    ErrorCode.EXTENSION_REASON_REQUIRED: "请填写延期理由，理由将告知信访人。",
    ErrorCode.APPEAL_WINDOW_LAPSED: "已超过请求期限，不能再申请。",
    ErrorCode.REPORT_DUE_REQUIRED: "交办须写明办结报告的报送期限。",
    ErrorCode.REPORT_DUE_INVALID: "报送期限应晚于今天。",
    ErrorCode.FINAL_CASE_REQUIRED: "不再受理须引用已作出复核意见的原信访事项编号。",
    ErrorCode.FINAL_CASE_INVALID: "引用的原信访事项不存在、无权查看或尚未作出复核意见，不能据此不再受理。",
    ErrorCode.MERGE_TARGET_INVALID: "只能并入本机关可见的另一件尚未终结的信访事项。",
    ErrorCode.RATING_LEVEL_INVALID: "请选择满意、基本满意或不满意。",
    ErrorCode.CONCLUDE_TOO_EARLY: "申请复查/复核的期限尚未届满，信访人也未表示接受处理意见，暂不能办结。",
    ErrorCode.NO_HIGHER_BODY: "没有可以受理复查/复核申请的上级机关。",
    ErrorCode.REASON_REQUIRED: "请填写理由。",
    ErrorCode.DISCIPLINE_BODY_MISSING: "本辖区尚未设置纪检监察机关，无法转送，请联系管理员。",
    ErrorCode.ACCUSED_CANNOT_HANDLE: "检举控告事项不得转送、交办给被反映单位（《信访工作条例》第三十条）。",
    ErrorCode.HEARING_STATE: "听证状态不符：已在听证中不能再次开始，未开始听证不能结束。",
    ErrorCode.ACTION_UNKNOWN: "未知的操作。",
    ErrorCode.ALREADY_RATED: "该事项已有评价。",
    ErrorCode.NOT_ASSIGNED_CASE: "只有交办事项报送办结报告；转送事项应出具信访处理意见书。",
    # documents (文书)
    ErrorCode.DOCUMENT_FIELD_REQUIRED: "文书必填项未填写，不能出具。",
    ErrorCode.DOCUMENT_KIND_UNKNOWN: "文书种类不正确。",
    ErrorCode.DOCUMENT_ADDRESSEE_REQUIRED: "发往其他单位的文书须写明主送单位。",
    ErrorCode.DOCUMENT_PERSONAL_DATA: "文书中不得写入身份证号码或电话号码，请删去后再出具。",
    ErrorCode.DOCUMENT_NAMES_ACCUSER: (
        "检举控告事项发往其他单位的文书不得出现检举人姓名（《信访工作条例》第三十条），请删去后再出具。"
    ),
    ErrorCode.DOCUMENT_DATE_FORMAT: "日期格式不正确，应如 2026-03-04 或 2026年3月4日。",
    ErrorCode.TEMPLATE_NOT_DOCX: (
        "上传的文件不是有效的 Word 文档（.docx），请在 Word 或 WPS 中另存为 .docx 后再上传。"
    ),
    ErrorCode.TEMPLATE_TOO_LARGE: "模板文件过大，不能超过5 MB。",
    ErrorCode.TEMPLATE_PLACEHOLDER_UNKNOWN: "模板中有本类文书不支持的占位符，请改正或删去后再上传。",
    # screening ledger (矛盾纠纷排查台账): rounds, reported risks, closing (销号)
    ErrorCode.SCREENING_ROUND_NOT_ALLOWED: "只有单位负责人、督查员和领导可以在本辖区内组织或结束排查轮次。",
    ErrorCode.SCREENING_ROUND_EXISTS: "该单位在这一周（或这个月）已组织过同类排查，不能重复组织。",
    ErrorCode.SCREENING_ROUND_NOT_FOUND: "排查轮次不存在或您无权查看。",
    ErrorCode.SCREENING_ROUND_CLOSED: "该排查轮次已结束，不能再上报到该轮次（可不选轮次，作为随时上报）。",
    ErrorCode.SCREENING_PERIOD_INVALID: "请选择排查周期（周排查或月排查）和排查期间内的任一日期。",
    ErrorCode.SCREENING_REPORT_NOT_ALLOWED: "您的角色不能上报矛盾纠纷排查情况。",
    ErrorCode.SCREENING_RISK_NOT_FOUND: "该矛盾纠纷排查记录不存在或您无权查看。",
    ErrorCode.SCREENING_PLACE_INVALID: "请选择发生地所属的行政区划（须在您的管辖范围内）。",
    ErrorCode.SCREENING_DESCRIPTION_REQUIRED: "请填写矛盾纠纷的基本情况：涉及哪些方面、起因、目前状况。",
    ErrorCode.SCREENING_LEVEL_INVALID: "风险等级应为重大、较大或一般。",
    ErrorCode.SCREENING_REPORTER_KIND_INVALID: "上报人身份应为网格员、信息员或工作人员。",
    ErrorCode.SCREENING_RESPONSIBLE_INVALID: "责任单位应为本级或上一级辖区内的单位。",
    ErrorCode.SCREENING_DEADLINE_PAST: "化解时限不能早于今天。",
    ErrorCode.SCREENING_CLOSE_NOT_ALLOWED: (
        "只有责任单位或组织本轮排查的单位的承办人、单位负责人、督查员和领导可以销号。"
    ),
    ErrorCode.SCREENING_CLOSING_NOTE_REQUIRED: "销号须填写化解情况说明。",
    ErrorCode.SCREENING_EVIDENCE_REQUIRED: "销号须上传佐证材料（如调解协议、现场照片、会议记录）。",
    ErrorCode.SCREENING_ALREADY_CLOSED: "该矛盾纠纷已经销号，不能重复销号。",
    ErrorCode.SCREENING_PERSONAL_DATA: (
        "排查台账不加密保存个人信息，不得写入身份证号码或电话号码，请删去后再提交。"
    ),
    ErrorCode.SCREENING_FILTER_INVALID: "筛选条件有误：请从列表中选择状态、风险等级和排查轮次。",
    # leader work: reception days (领导接待日) and leader case ownership (领导包案)
    ErrorCode.RECEPTION_DAY_NOT_FOUND: "领导接待日不存在或您无权查看。",
    ErrorCode.RECEPTION_NOT_ALLOWED: (
        "只有接待单位（在您的管辖范围内）的登记员、单位负责人和领导可以安排领导接待日和预约。"
    ),
    ErrorCode.RECEPTION_LEADER_INVALID: (
        "接待领导须为在职的“领导”角色人员，其单位在您的管辖范围内，或接待单位在其管辖范围内。"
    ),
    ErrorCode.RECEPTION_DATE_PAST: "接待日期不能早于今天。",
    ErrorCode.RECEPTION_TIME_INVALID: "请同时填写开始和结束时间，且结束时间应晚于开始时间。",
    ErrorCode.RECEPTION_LEADER_BUSY: "该领导在同一天的同一时段已有接待安排。",
    ErrorCode.RECEPTION_PLACE_REQUIRED: "请填写接待地点。",
    ErrorCode.RECEPTION_DAY_NOT_PLANNED: "该接待日已举行或已取消，不能再执行此操作。",
    ErrorCode.RECEPTION_HELD_NOT_ALLOWED: "只有接待领导本人或接待单位的单位负责人可以确认接待日已举行。",
    ErrorCode.RECEPTION_DAY_NOT_YET: "接待日还没到，不能确认已举行或记录到访情况。",
    ErrorCode.APPOINTMENT_NOT_FOUND: "预约不存在或您无权查看。",
    ErrorCode.APPOINTMENT_NAME_REQUIRED: "请填写预约人姓名。",
    ErrorCode.APPOINTMENT_MATTER_REQUIRED: "请填写反映事项摘要。",
    ErrorCode.APPOINTMENT_OUTCOME_DONE: "该预约已记录到访情况，不能重复记录。",
    ErrorCode.APPOINTMENT_OUTCOME_INVALID: "到访情况应为“已到访”或“未到访”。",
    ErrorCode.RECEPTION_CASE_CHANNEL: "只有信访形式为“领导接待日”的信访事项才能登记到领导接待日。",
    ErrorCode.RECEPTION_CASE_LINKED: "该信访事项已登记过领导接待日，不能重复登记。",
    ErrorCode.RECEPTION_DAY_CANCELLED: "该接待日已取消，不能登记信访事项。",
    ErrorCode.APPOINTMENT_OTHER_DAY: "该预约不属于此接待日，或已关联其他信访事项。",
    ErrorCode.RECEPTION_CANCEL_REASON_REQUIRED: "请填写取消原因。",
    ErrorCode.RECEPTION_LINK_NOT_ALLOWED: "您的角色不能把信访事项登记到领导接待日。",
    ErrorCode.RECEPTION_DAY_FUTURE: "接待日还没到，不能登记在该接待日受理的信访事项。",
    ErrorCode.LEADER_CASE_NOT_FOUND: "领导包案记录不存在或您无权查看。",
    ErrorCode.LEADER_CASE_ASSIGN_NOT_ALLOWED: "只有单位负责人、督查员和领导可以安排领导包案。",
    ErrorCode.LEADER_CASE_LEADER_INVALID: "包案领导须为在职的“领导”角色人员，且在您的管辖范围内。",
    ErrorCode.LEADER_CASE_LEADER_CANNOT_SEE: "所选领导的管辖范围内看不到该信访事项，不能由其包案。",
    ErrorCode.LEADER_CASE_ALREADY_OPEN: "该领导已包案此信访事项且尚未息访息诉，不能重复包案。",
    ErrorCode.LEADER_CASE_PLAN_REQUIRED: "请填写化解方案。",
    ErrorCode.LEADER_CASE_TARGET_PAST: "化解时限不能早于今天。",
    ErrorCode.LEADER_CASE_STEP_NOT_ALLOWED: "只有包案领导本人、承办人或单位负责人可以记录包案工作。",
    ErrorCode.LEADER_CASE_SETTLED: "该包案已息访息诉，不能再记录或修改。",
    ErrorCode.LEADER_CASE_STEP_TEXT_REQUIRED: "请填写工作内容（如约见信访人、召开协调会）。",
    ErrorCode.LEADER_CASE_STEP_DATE_INVALID: "工作日期不能晚于今天，也不能早于包案日期。",
    ErrorCode.LEADER_CASE_SETTLE_NOT_ALLOWED: "只有包案领导本人或单位负责人可以确认息访息诉。",
    ErrorCode.LEADER_CASE_SETTLE_NOTE_REQUIRED: "请填写息访息诉情况说明。",
    # supervision: deadline warnings, reminders (催办) and supervision notices (督办)
    ErrorCode.SUPERVISION_NOT_ALLOWED: (
        "只有督查员，或被督办单位的上级机关的单位负责人，可以在本辖区内催办、督办。"
    ),
    ErrorCode.SUPERVISION_TARGET_INVALID: (
        "被督办单位不在您的管辖范围内，或是您本单位、本级机关，不能由您催办、督办。"
    ),
    ErrorCode.SUPERVISION_CASE_FINISHED: "该事项已终结或归档，不能再催办、督办或回复。",
    ErrorCode.SUPERVISION_DEMAND_REQUIRED: "请填写催办、督办要求（升级督办时写明升级理由）。",
    ErrorCode.SUPERVISION_ANSWER_DUE_INVALID: "回复期限应晚于今天，且不超过90日。",
    ErrorCode.SUPERVISION_NOT_FOUND: "催办、督办记录不存在或您无权查看。",
    ErrorCode.SUPERVISION_ANSWER_NOT_ALLOWED: "只有被督办单位的承办人或单位负责人可以书面回复。",
    ErrorCode.SUPERVISION_ALREADY_ANSWERED: "该催办、督办已经回复，不能重复回复。",
    ErrorCode.SUPERVISION_ANSWER_REQUIRED: "请填写书面回复内容。",
    ErrorCode.SUPERVISION_ESCALATION_TOO_EARLY: "回复期限未到且被督办单位尚未回复，暂不能升级督办。",
    ErrorCode.SUPERVISION_ESCALATION_AT_TOP: "已是挂牌督办，不能再升级。",
    ErrorCode.SUPERVISION_ALREADY_ESCALATED: "该催办、督办已经升级，请在升级后的督办单上继续办理。",
    ErrorCode.SUPERVISION_DEADLINE_INVALID: "所选期限不属于该事项，或已经结束。",
    ErrorCode.ALERT_NOT_FOUND: "预警不存在，或不是发给您单位的。",
    ErrorCode.SUPERVISION_FILTER_INVALID: "筛选条件有误：请从列表中选择单位和预警级别。",
    # notifications to petitioners (SMS, email): configuration and delivery outcomes
    ErrorCode.NOTIFY_CHANNEL_UNKNOWN: (
        "通知渠道设置有误：XINFANG_NOTIFY_CHANNELS 只能填写 sms、email，用逗号分隔。"
    ),
    ErrorCode.NOTIFY_SMS_NOT_CONFIGURED: (
        "已启用短信通知，但未设置短信网关地址（XINFANG_SMS_GATEWAY_URL，http:// 或 https://）。"
    ),
    ErrorCode.NOTIFY_SMTP_NOT_CONFIGURED: (
        "已启用邮件通知，但未设置邮件服务器或发件地址（XINFANG_SMTP_HOST、XINFANG_SMTP_FROM）。"
    ),
    ErrorCode.NOTIFY_GATEWAY_REFUSED: "短信网关拒绝发送该短信，不再重试。",
    ErrorCode.NOTIFY_GATEWAY_UNAVAILABLE: "短信网关暂时无法送达（网络故障、超时或网关繁忙）。",
    ErrorCode.NOTIFY_SMTP_REFUSED: "邮件服务器拒收该邮件，不再重试。",
    ErrorCode.NOTIFY_SMTP_UNAVAILABLE: "邮件服务器暂时无法送达（网络故障、超时或服务器繁忙）。",
    ErrorCode.NOTIFY_CHANNEL_DISABLED: "该通知渠道已停用，通知未发送。",
    # citizens' portal (网上信访): submission, query codes, tracking, public statistics
    ErrorCode.PORTAL_CAPTCHA_INVALID: "验证码不正确或已过期，请按新图片重新输入验证码。",
    ErrorCode.PORTAL_LOOKUP_INVALID: "查询码或手机号码后4位不正确，请核对后重新输入。",
    ErrorCode.PORTAL_LOOKUP_THROTTLED: (
        "查询失败次数过多，为保护信访人的信息，暂停查询15分钟。请核对查询码后再试，"
        "查询码遗失的，请携带身份证件到受理信访的机关办理。"
    ),
    ErrorCode.PORTAL_FORM_EXPIRED: "页面已过期或已经提交过，请重新打开“我要信访”页面填写。",
    ErrorCode.PORTAL_NO_RECEIVING_OFFICE: (
        "所选地区暂未开通网上信访受理，请选择上一级地区，或到当地信访部门来信来访反映。"
    ),
    ErrorCode.PORTAL_TRACKING_REQUIRED: "查询已结束或已超时，请重新输入查询码和手机号码后4位。",
    ErrorCode.PORTAL_DOCUMENT_NOT_FOUND: "文书不存在，或不属于您正在查询的信访事项。",
    ErrorCode.PORTAL_TOO_MANY_FILES: "每件信访事项最多上传5个附件。",
    ErrorCode.PORTAL_GUIDANCE_NOT_CONFIRMED: (
        "请先阅读网上信访须知，并确认所反映的事项不属于应当通过法定途径解决的事项。"
    ),
    ErrorCode.PORTAL_PHONE_DIGITS_FORMAT: "请输入提交信访时所留电话号码的后4位数字。",
    ErrorCode.PORTAL_RECEIPT_SHOWN: (
        "查询码只在提交成功时显示一次，现已不能再次显示。查询码遗失的，请携带身份证件到受理信访的机关重新领取。"
    ),
    ErrorCode.PORTAL_ID_NUMBER_REQUIRED: "网上信访实行实名制，请填写本人身份证号码。",
    ErrorCode.PORTAL_PHONE_REQUIRED: (
        "请填写联系电话：办理结果将通过该电话告知，查询进度时也要用到电话号码后4位。"
    ),
    ErrorCode.PORTAL_FACTS_REQUIRED: "请填写事实与理由：事情发生的时间、地点、经过，以及已经找过哪些部门。",
    ErrorCode.PORTAL_WEEK_INVALID: "统计周次不正确，请从列表中选择已经结束的一周。",
    ErrorCode.PORTAL_QUERY_CODE_NOT_ALLOWED: (
        "只有能查看该信访事项的登记员、承办人或单位负责人可以为信访人发放查询码。"
    ),
    ErrorCode.PORTAL_ATTACHMENTS_NOT_KEPT: (
        "附件尚未保存：验证码正确、已选择问题发生地后才保存附件，请重新选择附件。"
    ),
    ErrorCode.PORTAL_NAME_REQUIRED: "网上信访实行实名制，请填写您的真实姓名。",
    # smart intake (analysis): topic model training and evaluation
    ErrorCode.ANALYSIS_CSV_UNREADABLE: "无法读取该 CSV 文件：请确认文件存在，且为 UTF-8 编码的 CSV。",
    ErrorCode.ANALYSIS_CSV_COLUMNS: (
        "CSV 文件缺少必需的列：需要 label 列，以及 text_segmented 列（已分词文本）或 title 和 text 两列。"
    ),
    ErrorCode.ANALYSIS_NO_SAMPLES: "CSV 文件中没有可用的行：每行的分类标签和文本都不能为空。",
    ErrorCode.ANALYSIS_TOO_FEW_LABELS: "训练数据至少需要两个不同的分类，才能训练分类模型。",
    ErrorCode.ANALYSIS_TOO_FEW_SAMPLES: "训练数据中每个分类至少需要若干条样本，才能训练并校准置信度。",
    ErrorCode.ANALYSIS_HISTORY_TOO_SMALL: (
        "已登记的信访事项太少，暂不能用本单位的历史数据训练分类模型；在此之前按分类体系的关键词提示。"
    ),
    # smart intake (analysis): reply check and drafting
    ErrorCode.REPLY_CHECK_INCOMPLETE: "信访处理意见书尚不完整，不能出具：请补全意见书检查列出的部分。",
    ErrorCode.REPLY_CHECK_UNANSWERED: (
        "处理意见未涉及信访请求的部分要点：请补充答复，或核对后勾选“已核对”再出具。"
    ),
    ErrorCode.LLM_UNAVAILABLE: "大模型服务暂时不可用，已改用系统内置的方法。",
    # smart intake (analysis): duplicate groups
    ErrorCode.DUPLICATES_INPUT_UNREADABLE: (
        "无法读取输入文件：请确认文件存在，且为 UTF-8 或 GB18030 编码的 CSV 文件。"
    ),
    ErrorCode.DUPLICATES_COLUMNS_MISSING: "输入文件缺少必需的列：需要 id、user、title、time、text 五列。",
    ErrorCode.DUPLICATES_ID_INVALID: "每行须有唯一的 id：该行的 id 为空，或与前面某行重复。",
    ErrorCode.DUPLICATES_OUTPUT_UNWRITABLE: "无法写入输出文件：请确认目录存在且有写入权限。",
    # smart intake (analysis): hot spots
    ErrorCode.HOTSPOTS_INPUT_UNREADABLE: (
        "无法读取输入文件：请确认文件存在，且为 UTF-8 或 GB18030 编码的 CSV 文件。"
    ),
    ErrorCode.HOTSPOTS_COLUMNS_MISSING: "输入文件缺少必需的列：需要 id、user、title、time、text 五列。",
    ErrorCode.HOTSPOTS_ID_INVALID: "每行须有唯一的 id：该行的 id 为空，或与前面某行重复。",
    ErrorCode.HOTSPOTS_TIME_INVALID: (
        "无法识别的时间：时间须写成“2019/2/25 9:14:41”或“2019-02-25 09:14:41”的形式（可只写日期）。"
    ),
    ErrorCode.HOTSPOTS_OPTION_INVALID: "参数无效：--top 和 --window-days 须为正整数。",
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
