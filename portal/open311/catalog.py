"""The services of the API: the first-level topics of the 2020 taxonomy (附件1) that the public form
offers, each with the same fields as the form as its attributes (category and region as lists)."""
from sqlalchemy import select

from ..extensions import db
from ..models import Unit
from ..services.common import policy

SERVICES = {  # service_code → topic
    "urban": "城乡建设", "environment": "环境保护", "transport": "交通运输", "education": "教育文体",
    "labour": "劳动和社会保障", "health": "卫生计生", "commerce": "商贸旅游", "other": "其他",
}
TOPIC_CODES = {topic: code for code, topic in SERVICES.items()}
YES_NO = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]


def code_of_topic(topic: str) -> str:
    return TOPIC_CODES.get(topic, "other")


def name_of_topic(topic: str) -> str:
    return topic if topic in TOPIC_CODES else "其他"


def service_list() -> list[dict]:
    return [{"service_code": code, "service_name": topic, "description": f"{topic}方面的咨询、投诉、举报、求助和建议",
             "metadata": True, "type": "batch", "keywords": topic, "group": "问政留言"}
            for code, topic in SERVICES.items()]


def regions() -> list[dict]:
    """The counties and districts of the unit table: where the matter happened."""
    rows = db.session.execute(select(Unit.short_name, Unit.name).where(Unit.kind == "county", Unit.active)
                              .order_by(Unit.name)).all()
    return [{"key": short or name, "name": name} for short, name in rows]


def attributes() -> list[dict]:
    categories = [{"key": c.code, "name": c.text} for c in policy().categories]
    return [
        _attribute("subject", "string", True, 1, "标题（200字以内）"),
        _attribute("category", "singlevaluelist", True, 2, "诉求类别", categories),
        _attribute("region", "singlevaluelist", False, 3, "事项发生地（县市区）", regions()),
        _attribute("publish", "singlevaluelist", True, 4, "诉求人是否同意公开（个人信息不会公开）", YES_NO),
        _attribute("consent", "singlevaluelist", True, 5, "诉求人已阅读并同意《留言须知》（须为 yes）", YES_NO),
    ]


def _attribute(code, datatype, required, order, description, values=None) -> dict:
    item = {"variable": True, "code": code, "datatype": datatype, "required": required, "order": order,
            "description": description, "datatype_description": ""}
    if values is not None:
        item["values"] = values
    return item
