"""A labelled set of how citizens really write personal data, for the redaction engine (issue 12).

Real 2020 texts (the bundled sample: message bodies, and the units' replies) with values written into
them. Each value is drawn from a description of its class — random digits with a valid checksum,
surnames drawn from the whole 百家姓, random given names, random estate names, random separators and
widths — and each span carries its type and spelling form. Besides personal data the set inserts
what must stay (service numbers, order numbers, 文号, dates, money, places named X家Y, road exits,
brands named after people) and, in replies, officials acting in office, which the preset keeps.
Deterministic for a given seed; used by tests/test_redaction_spellings.py and bench/redaction_quality.py.
"""
import random
from dataclasses import dataclass

from portal.demo.sample import load

# Classes of values, described independently of the detectors.
BAIJIAXING = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏窦章苏潘葛奚范彭郎鲁韦昌马苗凤"
    "方俞任袁柳鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬常乐傅皮卞齐康伍余卜顾孟黄穆萧尹姚邵湛汪祁毛禹狄米贝臧伏戴"
    "庞熊舒屈祝董梁杜阮蓝闵席季麻贾娄危江童颜郭梅盛林刁钟徐邱骆夏蔡田樊胡凌霍虞柯昝卢莫裘缪解宗丁宣贲邓郁"
    "杭洪包左崔钮龚程嵇邢滑裴陆荣翁荀惠甄芮羿储靳汲邴糜段巫焦隗侯宓蓬郗班仰伊宫仇栾甘钭厉戎符刘詹束龙叶韶"
    "郜黎蓟薄邰蒲鄂索赖卓蔺屠蒙池乔胥苍闻莘党翟谭贡逄姬申扶堵冉宰郦雍璩桑桂濮牛寿扈燕冀郏浦尚农温庄晏柴瞿"
    "阎慕连茹宦艾向易慎戈廖庾暨衡耿匡寇阙殳沃蔚夔师巩厍聂晁敖冷訾辛阚饶曾毋沙乜鞠巢蒯荆竺逯桓"
    "肖付覃谌缑蹇鄢亓揭粟冼邝庹仝佘闫")
RARE = "谌缑蹇鄢亓揭粟冼邝庹仝佘訾乜夔厍逄郦璩"
COMPOUND = ("欧阳", "令狐", "公冶", "申屠", "闾丘", "司马", "上官", "诸葛", "皇甫", "尉迟", "端木", "慕容", "东方",
            "澹台", "宇文", "长孙", "濮阳", "司徒", "夏侯", "南宫")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍辉斌宇浩凯鹏晨欣怡子涵佳琪雪梅海燕俊"
         "睿宏博文德亮鑫诗雨思瑶梓轩嘉乐铭泽昊天若汐")
FUNCTION_WORD_GIVEN = ("向阳", "为民", "和平", "于是", "从军", "得胜", "立新", "有才", "又红", "也平", "在东", "是非",
                       "建设", "要强", "和", "向", "为", "可")
ESTATE_CHARS = "融科东南海麓山名金碧桂湘江世纪万达恒大锦绣华景蓉新城星沙湖岳麓梅溪香樟银杉中建嘉和美盛泰福润"
ESTATE_SUFFIX = ("", "", "", "小区", "花园", "家园", "新村", "公寓", "苑", "府", "城", "华庭", "名园", "国际", "一期",
                 "二期", "广场")
ROADS = ("芙蓉", "人民东", "解放西", "五一", "韶山北", "劳动", "桐梓坡", "银盆南", "曙光中", "建湘", "天府", "红星",
         "万家丽", "书院", "潇湘中")
CN_DIGITS = "〇一二三四五六七八九"
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
AREAS = ("010", "020", "021", "027", "0731", "0744", "0797", "0566", "0351", "0871")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Label:
    start: int
    end: int
    type: str  # a personal-data type, or "keep" for what must stay
    form: str


@dataclass
class Sample:
    text: str
    labels: list[Label]
    is_reply: bool = False


def _digits(rng, count, first="0123456789"):
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(count - 1))


def _full_width(text):
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _chinese(rng, digits):
    out = []
    for d in digits:
        if d == "1" and rng.random() < 0.3:
            out.append("幺")
        elif d == "2" and rng.random() < 0.3:
            out.append("两")
        elif d == "0" and rng.random() < 0.5:
            out.append("零")
        else:
            out.append(CN_DIGITS[int(d)] if d.isdigit() else d)
    return "".join(out)


def _grouped(rng, digits, sizes, separators=(" ", "-", ".", "—", "\n", "  ")):
    sep = rng.choice(separators)
    out, at = [], 0
    for size in sizes:
        out.append(digits[at:at + size])
        at += size
    if at < len(digits):
        out.append(digits[at:])
    return sep.join(out)


# --- personal values, by spelling form -------------------------------------------------------

def _mobile(rng):
    return "1" + rng.choice("3456789") + _digits(rng, 9)


PHONE_FORMS = {
    "plain": lambda rng, d: d,
    "dashed": lambda rng, d: f"{d[:3]}-{d[3:7]}-{d[7:]}",
    "spaced": lambda rng, d: f"{d[:3]} {d[3:7]} {d[7:]}",
    "dotted": lambda rng, d: f"{d[:3]}.{d[3:7]}.{d[7:]}",
    "random groups": lambda rng, d: _grouped(rng, d, (rng.randint(2, 5), rng.randint(2, 5))),
    "line break": lambda rng, d: f"{d[:7]}\n{d[7:]}",
    "full width": lambda rng, d: _full_width(d),
    "chinese numerals": lambda rng, d: _chinese(rng, d),
    "+86": lambda rng, d: rng.choice(("+86", "+86 ", "+86-", "0086", "86")) + d,
}


def _landline(rng, form):
    area = rng.choice(AREAS)
    number = _digits(rng, 8 if len(area) == 3 else rng.choice((7, 8)), "2345678")
    return {"area dash": f"{area}-{number}", "full-width brackets": f"（{area}）{number}",
            "full-width dash": f"{area}－{number}", "brackets": f"({area}){number}",
            "local after cue": number}[form]


def _id_body(rng):
    return (rng.choice(("430104", "430111", "110101", "320102", "341702", "360727", "621202", "511023", "440305")) +
            f"{rng.randint(1950, 2008)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")


def _id18(rng, want_x=False):
    while True:
        body = _id_body(rng)
        check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
        if not want_x or check == "X":
            return body + check


def _id15(rng):
    return (rng.choice(("430104", "110101", "320102", "360727")) +
            f"{rng.randint(50, 84):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")


ID_FORMS = {
    "plain": lambda rng: _id18(rng),
    "check digit X": lambda rng: _id18(rng, want_x=True).replace("X", rng.choice("Xx")),
    "full width": lambda rng: _full_width(_id18(rng)),
    "spaced by 4": lambda rng: _grouped(rng, _id18(rng), (4, 4, 4, 4), (" ",)),
    "split 6-8-4": lambda rng: _grouped(rng, _id18(rng), (6, 8)),
    "chinese numerals": lambda rng: _chinese(rng, _id18(rng)),
    "old 15 digits": lambda rng: _id15(rng),
}


def _luhn_complete(rng, head, length):
    body = head + _digits(rng, length - len(head) - 1)
    for check in "0123456789":
        digits = [int(d) for d in reversed(body + check)]
        if sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0:
            return body + check
    raise AssertionError


def _card(rng):
    return _luhn_complete(rng, rng.choice(("6222", "6217", "6228", "6212", "6013", "4367", "5187")),
                          rng.choice((16, 19)))


CARD_FORMS = {
    "plain": lambda rng: _card(rng),
    "grouped by 4": lambda rng: _grouped(rng, _card(rng), (4, 4, 4, 4), (" ", "-")),
    "grouped 6+13": lambda rng: _grouped(rng, _luhn_complete(rng, "6228", 19), (6,), (" ", "-")),
    "95599 prefix": lambda rng: _luhn_complete(rng, "95599", 19),
    "full width": lambda rng: _full_width(_card(rng)),
    "no checksum after cue": lambda rng: "62" + _digits(rng, 17),
}


def _local_part(rng):
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(rng.choice(letters) for _ in range(rng.randint(3, 8))) + rng.choice(("", str(rng.randint(1, 9999))))


DOMAINS = ("163.com", "qq.com", "sina.com", "sohu.com", "126.com", "gmail.com", "hotmail.com", "foxmail.com")
EMAIL_FORMS = {
    "plain": lambda rng: f"{_local_part(rng)}@{rng.choice(DOMAINS)}",
    "at word": lambda rng: f"{_local_part(rng)} at {rng.choice(DOMAINS)}",
    "full-width at": lambda rng: f"{_local_part(rng)}＠{rng.choice(DOMAINS)}",
    "[at]": lambda rng: f"{_local_part(rng)}{rng.choice(('[at]', '(at)', ' [at] '))}{rng.choice(DOMAINS)}",
    "full width": lambda rng: _full_width(f"{_local_part(rng)}@{rng.choice(DOMAINS)}"),
}


def _wechat_id(rng):
    letters = "abcdefghijklmnopqrstuvwxyz"
    return rng.choice(letters) + "".join(rng.choice(letters + "0123456789_-") for _ in range(rng.randint(5, 14)))


def _plate(rng, form):
    head = rng.choice(PROVINCES) + rng.choice(LETTERS)
    tail = "".join(rng.choice("0123456789") for _ in range(3)) + "".join(
        rng.choice(LETTERS + "0123456789") for _ in range(2))
    tail = "".join(rng.sample(tail, len(tail)))
    if form == "new energy":
        return head + rng.choice("DF") + _digits(rng, 5)
    if form == "lower case":
        return (head + tail).lower()
    if form == "dash or dot":
        return head + rng.choice(("-", "·", ".", " ")) + tail
    if form == "full width":
        return head[0] + _full_width(head[1] + tail)
    return head + tail


def _given(rng):
    if rng.random() < 0.15:
        return rng.choice(FUNCTION_WORD_GIVEN)
    return "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _name(rng, form):
    surname = {"compound surname": lambda: rng.choice(COMPOUND), "rare surname": lambda: rng.choice(RARE)}.get(
        form, lambda: rng.choice(BAIJIAXING))()
    return surname + _given(rng)


def _estate(rng):
    return "".join(rng.choice(ESTATE_CHARS) for _ in range(rng.randint(2, 4))) + rng.choice(ESTATE_SUFFIX)


def _num(rng, low, high, chinese=0.2):
    value = rng.randint(low, high)
    if value <= 10 and rng.random() < chinese:
        return "〇一二三四五六七八九十"[value]
    return str(value)


ADDRESS_FORMS = {
    "road number flat": lambda rng: f"{rng.choice(ROADS)}路{rng.randint(1, 999)}号{rng.randint(1, 30)}栋"
                                    f"{rng.randint(101, 2808)}室",
    "road number": lambda rng: f"{rng.choice(ROADS)}{rng.choice(('路', '街', '大道'))}{rng.randint(1, 999)}号",
    "road section": lambda rng: f"{rng.choice(ROADS)}路{rng.choice('一二三四')}段{rng.randint(1, 300)}号",
    "estate building room": lambda rng: f"{_estate(rng)}{_num(rng, 1, 40)}{rng.choice(('栋', '幢', '号楼'))}"
                                        f"{rng.randint(101, 3208)}{rng.choice(('室', '', '号', '房'))}",
    "estate unit room": lambda rng: f"{_estate(rng)}{_num(rng, 1, 40)}栋{_num(rng, 1, 6)}单元"
                                    f"{rng.randint(101, 3208)}室",
    "dash notation": lambda rng: f"{_estate(rng)}{rng.randint(1, 40)}-{rng.randint(1, 6)}-{rng.randint(101, 3208)}",
    "floor and number": lambda rng: f"{_estate(rng)}{rng.randint(2, 40)}楼{rng.randint(1, 40)}号",
    "estate room number": lambda rng: f"{rng.choice(ESTATE_CHARS)}{rng.choice(ESTATE_CHARS)}"
                                      f"{rng.choice(('小区', '公寓', '花园'))}{rng.randint(101, 3208)}",
    "village group": lambda rng: f"{rng.choice(ESTATE_CHARS)}{rng.choice(ESTATE_CHARS)}村{_num(rng, 1, 12, 0.6)}组",
}

# (type, form, make(rng), sentence templates; {v} is the value)
PHONE_SAYS = ("我的电话是{v}。", "联系电话：{v}。", "请回电{v}，谢谢。", "手机{v}随时可联系。", "有事打我手机{v}。",
              "联系方式{v}。", "电话号码{v}。")


def _kinds():
    kinds = [("phone", form, (lambda f: lambda rng: f(rng, _mobile(rng)))(make), PHONE_SAYS)
             for form, make in PHONE_FORMS.items()]
    kinds += [("phone", form, (lambda f: lambda rng: _landline(rng, f))(form),
               ("家里电话：{v}。", "座机{v}。", "我家座机{v}。") if form != "local after cue" else
               ("手机：{v}。", "电话{v}。", "联系电话：{v}。"))
              for form in ("area dash", "full-width brackets", "full-width dash", "brackets", "local after cue")]
    kinds += [("id_number", form, make, ("我的身份证号是{v}。", "身份证：{v}。", "身份证号码{v}。", "证件号{v}。"))
              for form, make in ID_FORMS.items()]
    kinds += [("bank_card", form, make, ("工资卡号{v}至今未到账。", "银行卡号为{v}。", "账号：{v}。", "卡号{v}。"))
              for form, make in CARD_FORMS.items() if form != "no checksum after cue"]
    kinds += [("bank_card", "no checksum after cue", CARD_FORMS["no checksum after cue"],
               ("银行卡号{v}。", "卡号：{v}。"))]
    kinds += [("email", form, make, ("可发邮件至{v}。", "邮箱：{v}。", "我的邮箱{v}。"))
              for form, make in EMAIL_FORMS.items()]
    kinds += [("qq", cue, (lambda c: lambda rng: _digits(rng, rng.randint(6, 11), "123456789"))(cue),
               (f"{cue}{{v}}。", f"加我{cue}{{v}}。", f"我的{cue}：{{v}}。"))
              for cue in ("QQ", "QQ号", "Q号", "扣扣", "qq", "企鹅号")]
    kinds += [("wechat", cue, lambda rng: _wechat_id(rng) if rng.random() < 0.7 else _mobile(rng),
               (f"{cue}：{{v}}。", f"加我{cue}{{v}}。", f"{cue}{{v}}，请联系。"))
              for cue in ("微信号", "微信", "vx", "VX", "V信", "wx", "威信")]
    kinds += [("plate", form, (lambda f: lambda rng: _plate(rng, f))(form),
               ("车牌号为{v}的车辆长期占道。", "{v}的货车每晚噪音扰民。", "车牌{v}乱停。"))
              for form in ("plain", "lower case", "dash or dot", "full width", "new energy")]
    kinds += [("address", form, make, ("我家住{v}。", "地址：{v}。", "我住在{v}，楼下经常积水。", "{v}的业主反映，"))
              for form, make in ADDRESS_FORMS.items()]
    cues = ("户名", "邻居", "爱人", "丈夫", "妻子", "我叫", "本人", "签名：", "联系人：", "收款人", "业主", "房东",
            "中介", "我是", "老公", "包工头", "销售经理")
    for form in ("common surname", "common surname", "common surname", "rare surname", "rare surname",
                 "compound surname", "compound surname"):  # names weigh more: the hardest kind
        kinds.append(("name", form, (lambda f: lambda rng: _name(rng, f))(form),
                      tuple(f"{cue}{{v}}{after}" for cue in cues for after in ("，", "多次反映无果。", "说"))
                      + ("{v}先生说物业不作为。", "我和{v}女士一起去问过。")))
    return kinds


KINDS = _kinds()

# What must stay: (form, make(rng) → the sentence, the kept part)
KEEP = {
    "service numbers": lambda rng: rng.choice(("请拨打12345热线。", "报警电话110。", "供电服务热线95598。",
                                               f"客服电话400-{_digits(rng, 3)}-{_digits(rng, 4)}。",
                                               f"免费电话800{_digits(rng, 7)}。")),
    "order numbers": lambda rng: rng.choice((f"订单号{_digits(rng, 18, '123456789')}。",
                                             f"快递单号SF{_digits(rng, 12)}。", f"工单编号{_digits(rng, 14)}。",
                                             f"运单号{_digits(rng, 13, '7')}。")),
    "company codes": lambda rng: rng.choice((f"统一社会信用代码91430{_digits(rng, 4)}MA4L{_digits(rng, 4)}X。",
                                             f"注册号430{_digits(rng, 12)}。")),
    "document numbers": lambda rng: rng.choice((f"根据长政办发〔2020〕{rng.randint(1, 99)}号文件，",
                                                f"依据第{rng.randint(1, 80)}条规定，", "依据《条例》第三十二条，")),
    "dates and money": lambda rng: rng.choice((f"{rng.randint(2015, 2020)}年{rng.randint(1, 12)}月"
                                               f"{rng.randint(1, 28)}日",
                                               f"于{rng.randint(2015, 2020)}-0{rng.randint(1, 9)}-1"
                                               f"{rng.randint(0, 9)}缴纳",
                                               f"共计{rng.randint(1000, 99999)}.{rng.randint(10, 99)}元。")),
    "X家Y places": lambda rng: f"{rng.choice('王李张刘陈杨黄赵吴周')}家{rng.choice(('村', '坪', '湾', '冲', '垸'))}"
                               "的道路。",
    "road exits": lambda rng: f"车从{rng.choice(('二环', '三环', '绕城', '万家丽'))}路{rng.randint(1, 9)}号出口下来。",
    "brands": lambda rng: rng.choice(("陈克明面条很好吃。", "买了一箱王老吉。", "去老干妈专卖店。",
                                      "周黑鸭门店开业。")),
    "public offices": lambda rng: rng.choice(("请到岳麓区人民政府咨询。", "A市公安局交警支队已处理。",
                                              "望城区住房和城乡建设局回复。")),
}
OFFICIALS = ("经办人：{n}，联系电话：{p}。", "{n}局长带队现场调查。", "联系人：{n}，办公电话{p}。",
             "承办人{n}（电话{p}）。")


def build(count: int = 700, seed: int = 12) -> list[Sample]:
    """``count`` samples: the sample's message bodies first, then the units' replies."""
    rng = random.Random(seed)
    rows = load()
    texts = [(row["body"], False) for row in rows] + [(row["reply"], True) for row in rows if row["reply"]]
    samples = []
    for index in range(count):
        text, is_reply = texts[index % len(texts)]
        samples.append(_sample(rng, text[:600], is_reply))
    return samples


def _sample(rng, text, is_reply):
    sentences = [s for s in text.replace("\n", "").split("。") if s]
    pieces: dict[int, list[tuple[str, str, str, str]]] = {}
    for kind, form, make, templates in rng.sample(KINDS, rng.randint(2, 4)):
        template = rng.choice(templates)
        if is_reply and template.startswith("联系人"):  # in a reply 联系人 is the unit's handler
            template = "业主" + template[4:]
        pieces.setdefault(rng.randrange(len(sentences) + 1), []).append((kind, form, template, make(rng)))
    if rng.random() < 0.7:
        form = rng.choice(list(KEEP))
        pieces.setdefault(rng.randrange(len(sentences) + 1), []).append(("keep", form, "{v}", KEEP[form](rng)))
    if is_reply:
        template = rng.choice(OFFICIALS)
        official = _name(rng, "common surname") + "{sep}" + f"{rng.choice(AREAS)}-{_digits(rng, 7, '2345678')}"
        pieces.setdefault(len(sentences), []).append(("keep", "officials", template, official))
    out, labels = [], []
    for index in range(len(sentences) + 1):
        for kind, form, template, value in pieces.get(index, []):
            out.append(_insert(template, value, kind, form, "".join(out), labels))
        if index < len(sentences):
            out.append(sentences[index] + "。")
    return Sample("".join(out), labels, is_reply)


def _insert(template, value, kind, form, before, labels):
    if form == "officials":
        name, phone = value.split("{sep}")
        sentence = template.replace("{n}", name).replace("{p}", phone)
        for part in (name, phone) if "{p}" in template else (name,):
            at = len(before) + sentence.index(part)
            labels.append(Label(at, at + len(part), "keep", "officials"))
        return sentence
    at = len(before) + template.index("{v}")
    labels.append(Label(at, at + len(value), kind, form))
    return template.replace("{v}", value)
