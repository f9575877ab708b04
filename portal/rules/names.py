"""Person names (R9.3): a surname of the 百家姓 (compound and rare ones too) after a cue word
(我叫, 户名, 邻居 …), before a title (女士, 先生 …), or a three-character name jieba finds by its
statistics. Never a place (王家村, 向阳路), a unit or a brand (陈克明面条).

After a strong cue (我叫, 本人, 户名 …) the name is taken whatever jieba makes of it: 本人马睿 is
segmented 本/人马/睿, and 陈向阳's given name reads as ordinary words.
"""
import re
from collections.abc import Iterable

import rjieba

# The 百家姓 (single and compound surnames) and common modern surnames it lacks.
BAIJIAXING = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
    "鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄"
    "和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭"
    "梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚"
    "程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫"
    "宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴郁胥能苍双"
    "闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容"
    "向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东殴殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空"
    "曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公晋楚闫法汝鄢涂钦岳帅缑亢况郈有琴商牟佘佴伯赏墨哈"
    "谯笪年爱阳佟言福"
    "肖付覃谌蹇亓揭粟冼邝练庹靖隋鞠仝苑迟麦谷佀逯植来过代敬战尉原檀占候续补银粘展嵇种洛智宋浦郇")
COMPOUND = tuple(
    "万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 "
    "公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 仉督 子车 颛孙 端木 巫马 公西 "
    "漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 归海 羊舌 微生 梁丘 左丘 东门 西门 "
    "南宫 第五 有琴 伯赏 商牟".split())
# Surnames far more often an ordinary word (和 and, 向 towards, 于 at …): a name only after a strong cue.
WORDLIKE = set("和向于管纪项商武房司时平从都能国文东公空后红相万家山通双全有年爱言福法来过代敬战原占续补"
               "银展种智干经计谈危支应宣富乌巴弓牧车伊秋宁暴祖幸印宿怀索咸能苍闻劳扶通别充习鱼容古终居步满"
               "广越隆融冷那简须丰相益师红水云花凤元明成强路高林石松井谷山双东利却")
# jieba's statistical person names: only the common surnames (艾弗瑞, 杜路花 are a school and a road).
COMMON_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
                      "丁任沈姚卢姜崔钟谭陆汪范石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
                      "武戴莫孔汤常温康施牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
                      "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓")
SURNAMES = set(BAIJIAXING)
STRONG_CUES = tuple("我叫 名叫 叫做 姓名 户名 签名 收款人 署名 落款".split())
# After these the name is taken whatever jieba makes of it, but a word-like surname (本人于…) is no name.
NAMING_CUES = tuple("本人 联系人 举报人 投诉人 反映人 申请人 当事人".split())
CUES = STRONG_CUES + NAMING_CUES + tuple((
    "我是 业主 村民 居民 家长 学生 患者 老人 委托人 代理人 母亲 父亲 儿子 女儿 丈夫 老公 老婆 妻子 爱人 "
    "邻居 同事 员工 租户 房东 中介 老板 司机 师傅 经办人 承办人 负责人 包工头 工头 朋友 同学 哥哥 姐姐 弟弟 "
    "妹妹 舅舅 叔叔 阿姨 岳父 岳母 公公 婆婆 孩子 小孩 外婆 外公 奶奶 爷爷 侄子 女婿 媳妇 销售 销售经理 置业顾问 "
    "业务员 客户经理 法人 法定代表人 承包人 施工方 债务人 欠款人 借款人 租客 楼上 楼下 对门 隔壁 老师 班主任"
).split())
TITLES = tuple((
    "先生 女士 同志 老师 师傅 经理 主任 局长 书记 科长 所长 院长 校长 警官 医生 律师 老板 大爷 阿姨 大姐 "
    "大哥 老人 主席 镇长 村长 组长 队长 总 董事长 厂长 站长 处长 区长 县长 市长 副局长 副主任 支书 会计 "
    "干事 专员 股长 主管 工程师 护士 教授 同学 小姐"
).split())
TITLE_PATTERN = "|".join(sorted(TITLES, key=len, reverse=True))
NOT_AFTER = tuple((
    "路 街 巷 区 县 镇 乡 村 市 省 小区 花园 大道 广场 公司 苑 园 府 湖 山 桥 江 河 中学 小学 大学 学校 医院 "
    "幼儿园 社区 街道 集团 酒店 宾馆 超市 商场 大厦 公寓 路口 站 港 湾 塘 坪 城 阁 面条 面 食品 牌 品牌 酒 "
    "火锅 米粉 粉店 店 药房 大药房 餐饮 酒家 饭店 茶 门诊 诊所 纪念 故居 广场 公园 体育 文化 研究 事务所 "
    "工作室 基金 奖 杯 号 式 体 定律 效应 思想 理论 精神"
).split())
PLACE_ENDINGS = set("区县市镇乡村路街巷省州湖山桥江河苑园府城站港湾塘坪阁楼岭冲坡岗洲溪垸铺堡屯寨庄店坝沟营集"
                    "垄坳峪洼滩渡口井")
# Ordinary words jieba's dictionary tags as person names.
NOT_NAMES = set("顾问 许可 文明 方便 江水 万一 常规 金融 包括 车位 夏天 冬天 孩子 熊孩子 时间 向前 向上 向下 于是 "
                "管理 安全 安静 白天 石头 钱款 房东 房子 邱某 曾某 王某 李某 张某".split())
# Characters that end a name rather than continue it: 孙涛也…, 王强和…, 李明说….
ENDS_NAME = set("也和的在说是等向到了与及对被把从都还就又要多次曾已将跟同给让为于")
HAN = r"[\u4e00-\u9fa5]"
CUED = re.compile(rf"(?P<cue>{'|'.join(sorted(CUES, key=len, reverse=True))})[：:是为叫]?\s?(?P<name>{HAN}{{2,4}})")
TITLED = re.compile(rf"({HAN}{{2,4}}?)(?:{TITLE_PATTERN})")


def names(text: str) -> Iterable[tuple[int, int]]:
    for m in CUED.finditer(text):
        cue = m.group("cue")
        span = _cued_name(text, m.start("name"), m.group("name"), strong=cue in STRONG_CUES, naming=cue in NAMING_CUES)
        if span is not None:
            yield span
    for m in TITLED.finditer(text):
        if (span := _titled_name(text, m.group(1), m.end(1))) is not None and _starts_a_word(text, span[0]):
            yield span
    offset = 0
    for word, tag in rjieba.tag(text):
        if tag == "nr" and _looks_like_found_name(word) and not _place_follows(text, offset + len(word)) \
                and _starts_a_word(text, offset):
            yield offset, offset + len(word)
        offset += len(word)


def _cued_name(text: str, start: int, candidate: str, *, strong: bool, naming: bool) -> tuple[int, int] | None:
    if any(candidate.startswith(title, 1) for title in TITLES):
        return None  # 王先生: a surname and a title names nobody
    name = _name_at(candidate, strong=strong) or _tagged_name(candidate)
    compound = name is not None and name.startswith(COMPOUND)
    if not name or (not compound and _opens_with_common_word(name, strong=True)):
        return None
    name = _trim_given(text, start, name)
    end = start + len(name)
    village = any(text.startswith(word, start + 2) for word in NOT_AFTER if len(word) > 1 or word in "村庄湾坪冲")
    if village or _unit_follows(text, end) or (not strong and _place_follows(text, end)):
        return None
    return start, end


def _unit_follows(text: str, end: int) -> bool:
    """王家村, 陈克明面条: what follows makes the words a place or a brand, even after a cue."""
    return any(text.startswith(word, end) for word in NOT_AFTER)


def _tagged_name(candidate: str) -> str | None:
    """A word-like surname after a cue is a name when jieba reads a person's name there (索泽丽, 师天浩)."""
    if candidate[:1] not in SURNAMES:
        return None
    word, tag = rjieba.tag(candidate)[0]
    return candidate[:3] if tag.startswith("nr") and len(word) >= 2 else None


def _name_at(candidate: str, *, strong: bool = False) -> str | None:
    """The name at the start of ``candidate``: a surname and one or two given characters."""
    for compound in COMPOUND:
        if candidate.startswith(compound) and len(candidate) >= 3:
            return candidate[:4]
    first = candidate[:1]
    if first in SURNAMES and (strong or first not in WORDLIKE) and len(candidate) >= 2:
        return candidate[:3]
    return None


def _place_follows(text: str, end: int) -> bool:
    """A place, unit or brand, not a person: 岳麓区, 向阳路, 林森小区, 陈克明面条."""
    return text[end - 1:end] in PLACE_ENDINGS or any(text.startswith(word, end) for word in NOT_AFTER)


def _starts_a_word(text: str, start: int) -> bool:
    """感谢胡书记 has no name 谢胡: a name begins where jieba begins a word."""
    window = max(0, start - 4)
    offset = window
    for word, _ in rjieba.tag(text[window:start + 4]):
        if offset == start:
            return True
        if offset > start:
            return False
        offset += len(word)
    return False


def _titled_name(text: str, word: str, end: int) -> tuple[int, int] | None:
    """The name right before a title (王秀英女士, 诸葛亮先生); a bare surname (胡书记) is no name."""
    for compound in COMPOUND:
        for size in (4, 3):
            if word[-size:].startswith(compound) and len(word) >= size:
                return end - size, end
    for size in (3, 2):
        candidate = word[-size:] if len(word) >= size else ""
        if _name_at(candidate) == candidate and candidate[-1] not in PLACE_ENDINGS and candidate[1:2] not in ENDS_NAME \
                and not _opens_with_common_word(candidate):
            return end - size, end
    return None


def _looks_like_found_name(word: str) -> bool:
    """A person's name that jieba found by its statistics: three characters, a surname first, not a
    dictionary word (许可证, 麻将馆 are tagged as names too), not a doubled verb (查一查)."""
    return (len(word) == 3 and word[0] in COMMON_SURNAMES and _name_at(word) == word and not rjieba.has_word(word)
            and word[1] != "一" and word[-1] not in PLACE_ENDINGS and word[1] not in ENDS_NAME
            and not _opens_with_common_word(word))


def _opens_with_common_word(candidate: str, *, strong: bool = False) -> bool:
    """车辆停, 尚未验, 殷切希: the first two characters are an ordinary word, not a surname and a name."""
    head = candidate[:2]
    if head in NOT_NAMES or candidate in NOT_NAMES or _is_unit_word(candidate):
        return True
    if not strong and candidate[1:2] in ENDS_NAME:
        return True
    if len(candidate) > 2 and candidate[1:2] in "某":
        return False
    tagged = rjieba.tag(head)
    return len(tagged) == 1 and rjieba.has_word(head) and not tagged[0][1].startswith("nr")


def _is_unit_word(word: str) -> bool:
    """党支部, 农信社: a dictionary word for a body or an abbreviation, not a person."""
    tagged = rjieba.tag(word)
    return len(tagged) == 1 and rjieba.has_word(word) and tagged[0][1] in ("j", "nt", "n", "ns", "nz", "v", "vn")


def _trim_given(text: str, start: int, name: str) -> str:
    """A third character belongs to the name unless it is a word of its own (也, 和, 多次 …)."""
    size = len(name)
    if size < 3:
        return name
    last = start + size - 1
    pair = text[last:last + 2]
    word_follows = len(pair) == 2 and rjieba.has_word(pair) and not rjieba.has_word(text[start:last + 1])
    ends = name[-1] in ENDS_NAME or word_follows
    ends = ends or any(text.startswith(word, last) for word in TITLES + NOT_AFTER if len(word) > 1)
    return name[:-1] if ends else name
