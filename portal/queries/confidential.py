"""What staff a complaint is about, or any unit on an anonymous message (R12.1), may read of it (R9.2,
LN 第十九条, CZ 第十二条): every text with the
petitioner's details and anything else identifying masked by the redaction engine, fully (no surname,
no digits kept), since even a surname and a few digits identify a complainant to the unit they accuse."""
from ..models import Message
from ..rules import redaction

SHIELDED_PANEL = "诉求人信息已对被投诉单位屏蔽"
HIDDEN = {"name": "姓名", "phone": "电话", "id_number": "身份证号", "bank_card": "银行卡号",
          "email": "邮箱", "wechat": "微信号", "qq": "QQ号", "plate": "车牌号", "address": "地址"}


def shields(actor, message: Message) -> bool:
    """True when ``actor`` may not know who wrote."""
    return message.hides_petitioner_from(actor)


def masked(message: Message, text: str | None) -> str:
    """``text`` with every identifying detail replaced by what it was (［电话已屏蔽］)."""
    if not text:
        return text or ""
    spans = redaction.detect(text, petitioner=message.petitioner.identifying_values() if message.petitioner else ())
    labels = {span: f"［{_what(span)}已屏蔽］" for span in spans}
    return redaction.mask(text, spans, replacements=labels)


def _what(span) -> str:
    if span.type == "petitioner":  # the petitioner's own value, in whatever spelling
        return "邮箱" if "@" in span.text or "＠" in span.text else "号码" if _has_digit(span.text) else "姓名"
    return HIDDEN.get(span.type, "个人信息")


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() or ch in "〇零一二三四五六七八九幺两" for ch in text)


def for_viewer(actor, message: Message, text: str | None) -> str:
    """The text as ``actor`` may read it: as written, or masked for those the complaint is about."""
    return masked(message, text) if shields(actor, message) else (text or "")
