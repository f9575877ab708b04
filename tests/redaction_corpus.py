"""A labelled set for the redaction engine: real messages of the 2020 data set (the bundled
sample) with personal data written into them in realistic forms, each inserted span labelled.
Deterministic for a given seed; used by tests/test_rules_redaction.py and bench/redaction_quality.py."""
import random
from dataclasses import dataclass

from portal.demo.sample import load
from portal.rules.redaction import ID_WEIGHTS, PROVINCES, luhn_ok

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
COMPOUND = ("欧阳", "司马", "诸葛", "上官")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍辉斌宇浩凯鹏晨欣怡子涵佳琪雪梅海燕俊"
ROADS = "芙蓉路 人民东路 解放西路 五一大道 韶山北路 劳动路 桐梓坡路 银盆南路 曙光中路 建湘路".split()
ESTATES = "景蓉华苑 阳光花园 金色家园 湘江世纪城 万科城 芙蓉新村 锦绣华庭 碧桂园 中海国际社区".split()
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Label:
    start: int
    end: int
    type: str


@dataclass
class Sample:
    text: str
    labels: list[Label]


def _name(rng):
    surname = rng.choice(COMPOUND) if rng.random() < 0.05 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _mobile(rng):
    digits = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
    form = rng.randrange(5)
    if form == 1:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if form == 2:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if form == 3:
        return f"+86 {digits}"
    return digits


def _landline(rng):
    area = rng.choice(("0731", "0797", "010", "021", "0566"))
    number = str(rng.randint(2, 8)) + "".join(rng.choice("0123456789") for _ in range(7 if len(area) == 4 else 7))
    return rng.choice((f"{area}-{number}", f"({area}){number}", f"{area}{number}"))


def _id_number(rng):
    body = (rng.choice(("430104", "430111", "110101", "320102", "341702", "360727")) +
            f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def _bank_card(rng):
    while True:
        digits = rng.choice(("6222", "6217", "6228", "4367", "6259")) + "".join(
            rng.choice("0123456789") for _ in range(rng.choice((12, 15))))
        if luhn_ok(digits):
            break
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4)) if rng.random() < 0.4 else digits


def _email(rng):
    user = rng.choice(("wang", "li.ming", "zhangwei88", "xiaohong_2019", "cs.resident"))
    return f"{user}{rng.randint(1, 999)}@{rng.choice(('163.com', 'qq.com', 'sina.com', 'gmail.com'))}"


def _plate(rng):
    head = rng.choice(PROVINCES) + rng.choice(LETTERS)
    if rng.random() < 0.3:  # new-energy
        return head + rng.choice("DF") + "".join(rng.choice("0123456789") for _ in range(5))
    tail = "".join(rng.choice(LETTERS + "0123456789") for _ in range(5))
    return head + (rng.choice(("", "·")) if rng.random() < 0.3 else "") + tail


def _address(rng):
    flat = f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(101, 2808)}室"
    if rng.random() < 0.5:
        return f"{rng.choice(ROADS)}{rng.randint(1, 999)}号{flat}"
    return f"{rng.choice(ESTATES)}{flat}"


# (type, generator, sentence templates: {v} is the labelled value)
KINDS = [
    ("phone", _mobile, ("我的电话是{v}。", "联系电话：{v}。", "请回电{v}，谢谢。", "手机{v}随时可联系。")),
    ("phone", _landline, ("办公电话{v}。", "请拨打{v}咨询。")),
    ("id_number", _id_number, ("我的身份证号是{v}。", "身份证：{v}。")),
    ("bank_card", _bank_card, ("工资卡号{v}至今未到账。", "银行卡号为{v}。")),
    ("email", _email, ("可发邮件至{v}。", "邮箱：{v}。")),
    ("plate", _plate, ("车牌号为{v}的车辆长期占道。", "{v}的货车每晚噪音扰民。")),
    ("address", _address, ("我家住{v}。", "地址：{v}。", "我住在{v}，楼下经常积水。")),
    ("name", _name, ("我叫{v}。", "联系人：{v}。", "业主{v}多次反映无果。", "{v}先生说物业不作为。",
                     "邻居{v}也受影响。", "我和{v}女士一起去问过。")),
]


def build(count: int = 320, seed: int = 2020, skip: int = 0) -> list[Sample]:
    """``count`` samples from the texts after the first ``skip`` (a hold-out set: skip=320)."""
    rng = random.Random(seed)
    texts = [row["body"] for row in load()][skip:skip + count]
    samples = []
    for text in texts:
        sentences = [s for s in text.replace("\n", "").split("。") if s]
        labels, out = [], []
        inserts = {rng.randrange(len(sentences) + 1): rng.sample(KINDS, rng.randint(2, 4))}
        for index in range(len(sentences) + 1):
            for kind, make, templates in inserts.get(index, []):
                value = make(rng)
                sentence = rng.choice(templates)
                before = "".join(out) + sentence[:sentence.index("{v}")]
                labels.append(Label(len(before), len(before) + len(value), kind))
                out.append(sentence.replace("{v}", value))
            if index < len(sentences):
                out.append(sentences[index] + "。")
        samples.append(Sample("".join(out), labels))
    return samples


# Real personal data the organisers left in these source texts, verified by hand in context
# (a detection containing one of these is right, not a false positive).
REAL_NAMES = {"谷斌海", "胡华衡", "潘程鹏", "吴平海", "苏伟生", "苏泉生", "王术", "邱林松", "朱红焰", "黄熊", "龙诗源",
              "凌君艳", "王某喜", "王辉义", "仇校", "王晖", "刘云果", "周凤凤", "汤宇志", "张明霞", "罗军建", "杨永",
              "谷峰伟", "刘奇少", "姚一", "高红晓", "刘春迎", "易晓明"}
REAL_ADDRESSES = {"茶场村五组", "北路254号", "凯乐国际城五栋二单元", "银杉路559号", "井莲路369号", "文轩路579号",
                  "含光路125号", "当代滨江小区10栋", "汇金路777号", "悦峰园小区12栋", "中意一路1068号", "联丰路398号",
                  "恒大雅苑35栋2407号", "麓云路156号", "海林馨香雅苑5栋", "兰亭苑小区一栋", "新开铺路174号",
                  "体院路398号", "谷山庭苑14栋", "小区14栋"}


def is_real_personal_data(span) -> bool:
    known = REAL_NAMES if span.type == "name" else REAL_ADDRESSES if span.type == "address" else set()
    return any(value in span.text or span.text in value for value in known)
