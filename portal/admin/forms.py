"""Reading the back office's form input: WTForms, as the public side does, with messages in Chinese.

The handling actions are described as data (actions.Form); ``bind`` turns one into a WTForms form
over the posted request, so every action's input is parsed and checked the same way.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..rules import DomainError

TEXT_MAX = 200
TEXTAREA_MAX = 5000


class ChineseDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"日期“{valuelist[0] if valuelist else ''}”格式不正确，请写成 2026-11-23。") from None


class ChineseDateTimeField(DateTimeLocalField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("时间格式不正确，请写成 2026-11-23 09:30。") from None


class ChineseIntegerField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"“{valuelist[0] if valuelist else ''}”不是整数。") from None


class ChoiceField(SelectField):
    def pre_validate(self, form):
        if self.data not in (None, "") and str(self.data) not in {choice.value for choice in self.choices}:
            raise ValidationError(f"请从列表中选择{self.label.text}。")


class ChoicesField(SelectMultipleField):
    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(str(value) not in allowed for value in self.data or ()):
            raise ValidationError(f"请从列表中选择{self.label.text}。")


class ActionForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect already guards every POST of the back office


CHOSEN_KINDS = ("select", "pick", "choices", "unit", "units", "file")


def _presence(spec) -> list:
    verb = "选择" if spec.kind in CHOSEN_KINDS else "填写"
    return [InputRequired(f"请{verb}{spec.label}") if spec.required else Optional()]


def _field(spec, units):
    checks = _presence(spec)
    if spec.kind == "textarea":
        return TextAreaField(spec.label, validators=[*checks, Length(max=TEXTAREA_MAX,
                                                                     message=f"{spec.label}最多{TEXTAREA_MAX}个字")])
    if spec.kind == "date":
        return ChineseDateField(spec.label, validators=checks)
    if spec.kind == "int":
        return ChineseIntegerField(spec.label, validators=checks)
    if spec.kind in ("select", "pick"):
        return ChoiceField(spec.label, choices=_choices(spec.choices), validators=checks, validate_choice=False)
    if spec.kind == "choices":
        return ChoicesField(spec.label, choices=_choices(spec.choices), validators=[Optional()], coerce=_optional_int,
                            validate_choice=False)
    if spec.kind == "unit":
        return ChoiceField(spec.label, choices=_choices((("", "请选择"), *units)), validators=checks,
                           validate_choice=False, coerce=_optional_int)
    if spec.kind == "units":
        return ChoicesField(spec.label, choices=_choices(units), validators=[Optional()], coerce=_optional_int,
                            validate_choice=False)
    if spec.kind == "file":
        return FileField(spec.label, validators=checks)
    too_long = Length(max=TEXT_MAX, message=f"{spec.label}最多{TEXT_MAX}个字")
    return StringField(spec.label, validators=[*checks, too_long])


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), text) for value, text, *_ in pairs]


def _optional_int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value  # pre_validate refuses it with a message


def bind(spec, units) -> dict:
    """Parse and check the posted input for the action form ``spec``; the values by field name.
    Refused input raises DomainError naming the first problem (the page keeps what was typed)."""
    form_class = type("BoundActionForm", (ActionForm,), {f.name: _field(f, units) for f in spec.fields})
    form = form_class()
    if not form.validate():
        name, errors = next(iter(form.errors.items()))
        raise DomainError(errors[0], field=name)
    return {f.name: form[f.name].data for f in spec.fields}


class CallForm(ActionForm):
    """A hotline call as the operator enters it (admin/new_call.html); the service checks the content."""

    channel = StringField("来源渠道")
    call_time = ChineseDateTimeField("来电时间", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                     validators=[InputRequired("请填写来电时间")])
    category = StringField("诉求类别")
    topic = StringField("所属领域")
    region = StringField("事项发生地")
    subject = StringField("标题")
    name = StringField("来电人姓名")
    phone = StringField("联系电话")
    email = StringField("电子邮箱")
    address = StringField("地址")
    body = TextAreaField("来电内容")
    publish = StringField("是否同意公开")
    addressee = StringField("留言对象")
    anonymous = StringField("是否匿名")
    repeat_of = StringField("并为重复件")  # a hint's tracking number: the call is merged into it at once
    answer = TextAreaField("即时答复", validators=[
        Optional(), Length(max=TEXTAREA_MAX, message=f"即时答复最多{TEXTAREA_MAX}个字")])

    def call(self) -> dict:
        """The service's keyword arguments."""
        text = {name: (self[name].data or "") for name in (
            "channel", "category", "subject", "body", "name", "phone", "email", "address", "topic", "region",
            "addressee", "repeat_of")}
        return {**text, "call_time": self.call_time.data, "publish_consent": self.publish.data == "yes",
                "anonymous": self.anonymous.data == "yes"}
