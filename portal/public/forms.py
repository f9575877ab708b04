"""Forms of the public portal, with messages in Chinese."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

# The first-level topics of the 2020 data set (附件1), which citizens recognise.
TOPICS = ["城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "卫生计生", "商贸旅游", "其他"]
PHONE = r"^\+?[\d\- ]{7,20}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class WriteForm(FlaskForm):
    category = SelectField("诉求类别", validators=[DataRequired("请选择诉求类别")])
    topic = SelectField("所属领域（选填）", validators=[Optional()],
                        choices=[SelectChoice("", "不确定（由平台分类）"), *(SelectChoice(t) for t in TOPICS)])
    addressed_unit = SelectField("留言对象（选填）", validators=[Optional()], coerce=str,
                                 description="知道由哪个单位负责时可选择；不确定的由平台办公室交办。")
    region = StringField("事项发生地", validators=[Optional(), Length(max=100, message="地点最多100个字")],
                         description="如：A3区洋湖街道某某小区")
    subject = StringField("标题", validators=[DataRequired("请填写标题"), Length(max=200, message="标题最多200个字")])
    body = TextAreaField("留言内容", validators=[DataRequired("请填写留言内容"),
                                              Length(min=10, max=5000, message="留言内容须为10至5000个字")],
                         description="请写明时间、地点和具体事项，便于核实办理。")
    # Required unless anonymous: the service says so in Chinese (R12.1).
    anonymous = BooleanField("匿名留言（不向承办单位提供我的个人信息，由平台办公室与我联系）")
    name = StringField("姓名", validators=[Optional(), Length(max=50, message="姓名最多50个字")],
                       description="匿名留言可不填。")
    phone = StringField("联系电话", validators=[
        Optional(), Regexp(PHONE, message="联系电话格式不正确，请填写手机号码或带区号的固定电话")],
        description="用于短信通知办理进度和找回查询码；匿名留言可不填，只凭查询码查询。",
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
    email = StringField("电子邮箱（选填）", validators=[Optional(), Regexp(EMAIL, message="电子邮箱格式不正确")],
                        render_kw={"type": "email", "inputmode": "email", "autocomplete": "email"})
    files = MultipleFileField("附件（选填）", description="现场照片或 PDF 文件，最多3个，每个不超过10MB；"
                                                      "如提交未成功，附件需重新选择。",
                              render_kw={"accept": "image/*,application/pdf", "multiple": True})
    publish = RadioField("是否同意公开", default="yes", validators=[DataRequired("请选择是否同意公开")], choices=[
        SelectChoice("yes", "同意公开（个人信息不会公开）"), SelectChoice("no", "不公开")])
    consent = BooleanField("我已阅读并同意《留言须知》", validators=[DataRequired("请阅读并同意《留言须知》")])
    homepage = StringField("请勿填写此项")  # a honeypot: people never see it, bots fill it

    def __init__(self, policy, units=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", "请选择")] + [SelectChoice(c.code, c.text) for c in policy.categories]
        self.addressed_unit.choices = [SelectChoice("", "不确定（由平台办公室交办）"),
                                       *(SelectChoice(str(i), name) for i, name in units)]


class TrackForm(FlaskForm):
    tracking_no = StringField("留言编号", validators=[DataRequired("请填写留言编号"), Length(max=32)])
    query_code = StringField("查询码", validators=[DataRequired("请填写查询码"), Length(max=20)])


class RecoverForm(FlaskForm):
    tracking_no = StringField("留言编号", validators=[DataRequired("请填写留言编号"), Length(max=32)])
    phone = StringField("留言时填写的联系电话", validators=[DataRequired("请填写留言时填写的联系电话"), Length(max=20)],
                        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})


class RateForm(FlaskForm):
    level = RadioField("满意度", validators=[DataRequired("请选择满意度")])
    comment = TextAreaField("意见（选填）", validators=[Optional(), Length(max=500, message="意见最多500个字")])

    def __init__(self, policy, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = [SelectChoice(r.code, r.text) for r in policy.ratings]


class SupplementForm(FlaskForm):
    text = TextAreaField("补充内容", validators=[Optional(), Length(max=2000, message="补充内容最多2000个字")],
                         description="补充的情况将转给承办单位一并办理；请勿重复填写已写过的内容。")
    file = FileField("补充附件（选填，PDF、图片、Word 或 Excel，不超过10MB）")


class WithdrawForm(FlaskForm):
    reason = TextAreaField("撤回原因", validators=[DataRequired("请填写撤回原因"),
                                               Length(max=500, message="撤回原因最多500个字")],
                           description="撤回后不再办理，也不能恢复；如问题仍在，请重新留言。")
