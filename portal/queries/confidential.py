"""What staff a complaint is about, or any unit on an anonymous message (R12.1), may read of it (R9.2,
LN 第十九条, CZ 第十二条): every text with the
petitioner's details and anything else identifying masked by the redaction engine, fully (no surname,
no digits kept), since even a surname and a few digits identify a complainant to the unit they accuse."""
from ..models import Message
from ..rules import redaction
from ..rules.normalize import digits_only, narrow

HIDDEN = {"name": "姓名", "phone": "电话", "id_number": "身份证号", "bank_card": "银行卡号",
          "email": "邮箱", "wechat": "微信号", "qq": "QQ号", "plate": "车牌号", "address": "地址"}


def masked(message: Message, text: str | None) -> str:
    """``text`` with every identifying detail replaced by what it was (［电话已屏蔽］)."""
    if not text:
        return text or ""
    spans = redaction.detect(text, petitioner=message.petitioner.identifying_values() if message.petitioner else ())
    labels = {span: f"［{_what(span)}已屏蔽］" for span in spans}
    return redaction.mask(text, spans, replacements=labels)


def _what(span) -> str:
    if span.type == "petitioner":  # the petitioner's own value, in whatever spelling
        return "邮箱" if "@" in narrow(span.text) else "号码" if digits_only(span.text) else "姓名"
    return HIDDEN.get(span.type, "个人信息")


def for_viewer(actor, message: Message, text: str | None) -> str:
    """The text as ``actor`` may read it: as written, or masked for those the complaint is about."""
    return masked(message, text) if message.hides_petitioner_from(actor) else (text or "")
