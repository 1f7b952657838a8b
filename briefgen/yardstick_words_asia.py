"""The published estimative yardsticks in Japanese, Simplified Chinese and Arabic: per language, the words a desk
writing in it uses for each step of PHIA and ICD 203, its loose probability words, and how its words are found
in a text (Japanese and Chinese have no spaces between words; Arabic writes its proclitics and article on the
word). yardstick.py builds the translated yardsticks from them, with the French, German and Spanish ones of
yardstick_words.py."""

from __future__ import annotations

from briefgen.yardstick_words import Words, Writing

# No Japanese, Chinese or Arabic service publishes a yardstick either: these are the words written in the
# language for the UK and US steps, one term per step, chosen from how assessments, government white papers
# and the press in each language state a likelihood. They were written without a native desk's review.

# Japanese: 可能性が高い / 可能性が低い (likely / unlikely, as Japanese assessments and white papers grade a
# likelihood), made stronger with 非常に (very); ほぼ確実 (almost certain) and 五分五分 (even odds) as written;
# 可能性はほぼない for the lowest step (a Japanese note writes 「〜する可能性はほぼない」, "next to no
# possibility"); 現実的な可能性 is the calque of "realistic possibility", in use in translations of UK
# assessments. After 可能性 the particles が, は and the attributive の are the same term (可能性は低い,
# 可能性の高いシナリオ); an -i adjective conjugates (高く, 高かった); its negation (可能性は高くない, "not high")
# is a loose word of its own, longer than the term, so it is never read as the term; a phrase negated after it
# (可能性が高いとは言えない, "cannot be called likely"; ほぼ確実ではない) is no term at all.
JAPANESE_WRITING = Writing(
    spaced=False,
    swaps=((r"^可能性[がはの]", "可能性[がはの]"), (r"い$", "(?:い|く(?!な)|かっ)")),
    ignore=("不確実",),  # uncertain: not 確実に (certainly)
    not_after="とは(?:言え|いえ|限ら)な|わけではな|ではな|じゃな",
)
JAPANESE_LOOSE: dict[str, float] = {
    "おそらく": 65,
    "恐らく": 65,
    "たぶん": 60,
    "多分": 60,
    "かもしれない": 40,
    "かもしれません": 40,
    "可能性がある": 40,  # 「〜する可能性がある」, "may": a possibility no one can put a number on
    "恐れがある": 40,
    "おそれがある": 40,
    "可能性は否定できない": 40,
    "公算が大きい": 70,  # the press's "likely"
    "公算が高い": 70,
    "公算が小さい": 30,
    "十中八九": 85,
    "確実に": 97,
    "間違いなく": 97,
    "疑いなく": 97,
    "必ず": 97,
    "きっと": 90,
    "ほぼ不可能": 3,
    # synonyms and negations of the terms, each told the term to use
    "可能性が極めて高い": 90,
    "可能性がきわめて高い": 90,
    "可能性がかなり高い": 80,
    "可能性が極めて低い": 5,
    "可能性がきわめて低い": 5,
    "可能性がかなり低い": 20,
    "可能性が高くない": 35,
    "可能性が低くない": 50,
    "五分五分": 50,  # ICD 203's term, loose on PHIA
    "現実的な可能性": 45,  # PHIA's term, loose on ICD 203
}

# Simplified Chinese: 很可能 / 极有可能 / 几乎确定 (likely / highly likely / almost certain), as Chinese
# translations of UK and US assessments and Chinese analysis write them; the low steps negate with 不, written
# on the word: 极不可能 (highly unlikely) holds 不可能 (impossible), which holds 可能 (possibly), so the longest
# word is the one read. 可能性不大 ("the possibility is not great") for unlikely, rather than 不太可能, a loose
# word; 几乎不可能 ("next to impossible") for PHIA's remote chance, 几乎没有可能 for ICD 203's almost no
# chance; 现实可能性 for realistic possibility (the calque, in use); 可能性大致各半 for roughly even chance.
# 可能性 (possibility, a noun) and 尽可能 (as far as possible) hold 可能 but say no likelihood.
CHINESE_WRITING = Writing(spaced=False, ignore=("可能性", "尽可能"))
CHINESE_LOOSE: dict[str, float] = {
    "可能": 40,
    "有可能": 40,
    "也许": 45,
    "或许": 45,
    "恐怕": 60,
    "多半": 65,
    "想必": 65,
    "大概率": 70,
    "小概率": 15,
    "不可能": 2,
    "不太可能": 30,
    "不大可能": 30,
    "不无可能": 30,
    "并非不可能": 30,
    "必然": 97,
    "必定": 97,
    "无疑": 97,
    "毫无疑问": 97,
    "几乎肯定": 97,
    "近乎确定": 97,
    "几乎可以确定": 97,
    "基本确定": 95,
    "五五开": 50,
    # synonyms of the terms, each told the term to use
    "很有可能": 70,
    "可能性很大": 70,
    "可能性较大": 65,
    "可能性较小": 30,
    "可能性很小": 15,
    "可能性极小": 5,
    "可能性极大": 90,
    "极可能": 85,
    "非常可能": 85,
    "十分可能": 85,
    "几乎不可能": 3,  # PHIA's term, loose on ICD 203
    "几乎没有可能": 3,  # ICD 203's term, loose on PHIA
    "现实可能性": 45,
    "可能性大致各半": 50,
}

# Arabic: من المرجح / من غير المرجح / من شبه المؤكد (likely / unlikely / almost certain), as the Arabic press
# and research centres write them, and as Arabic versions of UK and US assessments render the steps; مرجح جدا
# for highly likely; مستبعد جدا ("very far-fetched") for highly unlikely, because غير مرجح جدا reads two ways (a
# loose word: it is told the term); احتمال ضئيل (a slim possibility) for remote chance; احتمال واقعي for
# realistic possibility (the calque, in use); احتمال شبه معدوم and فرص متساوية تقريبا for ICD 203's almost
# no chance and roughly even chance. A word takes a conjunction (و ف), a preposition (ب ل ك) and the article
# (ال, after ل written لل) in front, on each word of a term (غير المرجح), and agreement endings and tanween
# after (مرجحة، مرجحون، مرجحًا). ليس من المرجح ("it is not likely") is a loose word, longer than the term.
ARABIC_BEFORE = "[وف]?(?:[بك]?ال|لل|[بلك])?"
ARABIC_ENDING = "(?:ة|ان|تان|ين|تين|ون|ات|\u064b?ا)?[\u064b-\u0652]*"
ARABIC_WRITING = Writing(
    before=ARABIC_BEFORE,
    joint=rf"{ARABIC_ENDING}\s+{ARABIC_BEFORE}",
    swaps=((r"ا$", "\u064b?ا"),),  # جدا, تقريبا also written جدًا, تقريبًا
    ignore=("متوسط مرجح",),  # a weighted average
    loose_ending=ARABIC_ENDING,
)
ARABIC_LOOSE: dict[str, float] = {
    "ربما": 45,
    "لعل": 45,
    "يحتمل": 40,
    "محتمل": 50,  # من المحتمل: "possible" to one reader, "probable" to another
    "ممكن": 40,
    "الأرجح": 70,  # على الأرجح, "most likely"
    "أرجح": 60,
    "أغلب الظن": 70,
    "يرجح": 65,
    "لا يرجح": 30,
    "ليس مرجح": 30,
    "ليس من المرجح": 30,
    "مستبعد": 25,
    "مستحيل": 2,
    "شبه مستحيل": 3,
    "من المؤكد": 97,
    "بالتأكيد": 97,
    "حتما": 97,
    "لا شك": 97,  # لا شك أن، بلا شك، مما لا شك فيه
    "دون شك": 97,
    # synonyms of the terms, each told the term to use
    "غير مرجح جدا": 12,
    "مرجح للغاية": 85,
    "مرجح بشدة": 85,
    "احتمال كبير": 70,
    "احتمال ضعيف": 20,
    "احتمال ضئيل": 3,
    "احتمال شبه معدوم": 3,
    "احتمال واقعي": 45,
    "فرص متساوية تقريبا": 50,
}

ASIAN_TRANSLATED: dict[tuple[str, str], tuple[Words, str]] = {
    ("PHIA", "ja"): (
        (
            "可能性はほぼない",
            "可能性が非常に低い",
            "可能性が低い",
            "現実的な可能性",
            "可能性が高い",
            "可能性が非常に高い",
            "ほぼ確実",
        ),
        "英国の情報評価専門責任者（Professional Head of Intelligence Assessment）の尺度、2025年版。"
        "段階の間の空白は意図されたもの。",
    ),
    ("ICD 203", "ja"): (
        (
            "可能性はほぼない",
            "可能性が非常に低い",
            "可能性が低い",
            "五分五分",
            "可能性が高い",
            "可能性が非常に高い",
            "ほぼ確実",
        ),
        "米国インテリジェンス・コミュニティ指令第203号（Analytic Standards）：可能性の表現。",
    ),
    ("PHIA", "zh"): (
        ("几乎不可能", "极不可能", "可能性不大", "现实可能性", "很可能", "极有可能", "几乎确定"),
        "英国情报评估专业负责人（Professional Head of Intelligence Assessment）的标尺，2025年版；"
        "各级之间的空档是有意为之。",
    ),
    ("ICD 203", "zh"): (
        ("几乎没有可能", "极不可能", "可能性不大", "可能性大致各半", "很可能", "极有可能", "几乎确定"),
        "美国情报界第203号指令（Analytic Standards）：可能性的表述。",
    ),
    ("PHIA", "ar"): (
        ("احتمال ضئيل", "مستبعد جدا", "غير مرجح", "احتمال واقعي", "مرجح", "مرجح جدا", "شبه مؤكد"),
        "سلّم المسؤول المهني الأول عن التقييم الاستخباري في المملكة المتحدة (Professional Head of Intelligence"
        " Assessment)، إصدار 2025؛ الفجوات بين درجاته مقصودة.",
    ),
    ("ICD 203", "ar"): (
        ("احتمال شبه معدوم", "مستبعد جدا", "غير مرجح", "فرص متساوية تقريبا", "مرجح", "مرجح جدا", "شبه مؤكد"),
        "توجيه مجتمع الاستخبارات الأمريكي رقم 203 (Analytic Standards): عبارات الاحتمال.",
    ),
}
ASIAN_LANGUAGES: dict[str, tuple[str, dict[str, float], Writing]] = {
    "ja": ("", JAPANESE_LOOSE, JAPANESE_WRITING),
    "zh": ("", CHINESE_LOOSE, CHINESE_WRITING),
    "ar": (ARABIC_ENDING, ARABIC_LOOSE, ARABIC_WRITING),
}
