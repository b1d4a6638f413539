"""The language rules: script, detection, stickiness, explicit switches and the channel hint."""

import pytest

from haina.langid import LanguageResolver
from haina.langid.scripts import count_scripts, script_language


@pytest.fixture(scope="module")
def resolver() -> LanguageResolver:
    return LanguageResolver()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hello", "en"), ("你好", "zh"), ("こんにちは", "ja"), ("안녕하세요", "ko"),
        ("Bonjour", "fr"), ("Hallo", "de"), ("Hola", "es"), ("Здравствуйте", "ru"),
        ("How long does it take to get a work permit?", "en"),
        ("外国人工作许可证需要哪些材料", "zh"),
        ("工作許可証の申請に必要な書類は何ですか", "ja"),
        ("취업허가증 신청에 필요한 서류가 뭐예요", "ko"),
        ("Quels documents faut-il pour le permis de travail ?", "fr"),
        ("Welche Unterlagen brauche ich für die Arbeitserlaubnis?", "de"),
        ("¿Qué documentos necesito para el permiso de trabajo?", "es"),
        ("Какие документы нужны для разрешения на работу?", "ru"),
    ],
)
def test_first_message_takes_its_own_language(resolver, text, expected):
    assert resolver.resolve(text).language == expected


@pytest.mark.parametrize("current", ["zh", "ja", "ko", "fr", "de", "es", "ru", "en"])
@pytest.mark.parametrize("text", ["ok", "thanks", "yes", "12345", "E12345678", "SHWP-2026-004217", "👍", "Pudong", "😀😀", "?"])
def test_short_or_ambiguous_message_keeps_the_language(resolver, current, text):
    decision = resolver.resolve(text, current=current)
    assert decision.language == current
    assert decision.reason == "current"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("in Japanese please", "ja"), ("Can you answer in Korean?", "ko"), ("English please", "en"),
        ("请说中文", "zh"), ("用英文回答", "zh_en"), ("日本語でお願いします", "ja"), ("英語で答えて", "ja_en"),
        ("한국어로 해주세요", "ko"), ("영어로 대답해 주세요", "ko_en"),
        ("en français svp", "fr"), ("Parlez-vous anglais ?", "fr_en"),
        ("auf Deutsch bitte", "de"), ("Kannst du Englisch?", "de_en"),
        ("en español por favor", "es"), ("¿Puedes contestar en inglés?", "es_en"),
        ("по-русски", "ru"), ("ответь на английском", "ru_en"),
    ],
)
def test_explicit_request_switches_and_pins(resolver, text, expected):
    target = expected.split("_")[-1]
    decision = resolver.resolve(text, current="de" if target != "de" else "fr")
    assert decision.language == target
    assert decision.pinned == target
    assert decision.reason == "request"


def test_pinned_language_survives_other_languages(resolver):
    decision = resolver.resolve("How long does the work permit take to process?", current="zh", pinned="zh")
    assert decision.language == "zh" and decision.reason == "pinned"


def test_new_request_replaces_the_pin(resolver):
    assert resolver.resolve("in English please", current="zh", pinned="zh").language == "en"


def test_a_clear_sentence_in_another_language_switches(resolver):
    decision = resolver.resolve("Wie lange dauert die Arbeitserlaubnis in Shanghai?", current="en")
    assert decision.language == "de"


def test_learning_a_language_is_not_a_request(resolver):
    assert resolver.explicit_request("Where can I learn Chinese in Shanghai?") is None
    assert resolver.explicit_request("Is Chinese hard to learn for Germans?") is None


@pytest.mark.parametrize("text", ["work permit の更新", "Z visa 怎么转工作签证", "RP 연장 어떻게 해요"])
def test_mixed_scripts_follow_the_asian_script(resolver, text):
    expected = {"の": "ja", "怎": "zh", "연": "ko"}
    language = resolver.resolve(text, current="en").language
    assert language == next(v for k, v in expected.items() if k in text)


def test_hint_is_the_first_guess(resolver):
    assert resolver.resolve("ok", hint="ja").language == "ja"
    assert resolver.resolve("123", hint="ko").language == "ko"
    # a clear message beats the hint
    assert resolver.resolve("Bonjour", hint="ja").language == "fr"


def test_current_language_beats_the_hint(resolver):
    assert resolver.resolve("ok", current="de", hint="ja").language == "de"


def test_no_letters_and_no_context_falls_back_to_english(resolver):
    assert resolver.resolve("12345").language == "en"


def test_script_rules():
    assert script_language(count_scripts("ひらがな")) == "ja"
    assert script_language(count_scripts("한국어")) == "ko"
    assert script_language(count_scripts("русский")) == "ru"
    assert script_language(count_scripts("汉字")) is None
    assert script_language(count_scripts("plain latin")) is None


@pytest.mark.parametrize("text, expected", [("这个怎么办理", "zh"), ("手続きの方法", "ja"), ("居留许可证过期了怎么办", "zh")])
def test_han_text_is_decided_between_zh_and_ja(resolver, text, expected):
    assert resolver.resolve(text).language == expected


def test_langdetect_backend_works_too():
    from haina.langid.resolver import ResolverSettings

    resolver = LanguageResolver(ResolverSettings(backend="langdetect"))
    assert resolver.resolve("Wie lange dauert die Arbeitserlaubnis in Shanghai?").language == "de"


@pytest.mark.parametrize("text", ["在留資格変更", "就労許可申請", "永住権 取得条件", "健康保険証", "運転免許証切替"])
def test_kanji_only_japanese_is_japanese(resolver, text):
    assert resolver.resolve(text).language == "ja"


@pytest.mark.parametrize("text", ["工作签证", "居留许可", "公积金怎么提取", "个税汇算", "工作許可證怎麼辦"])
def test_han_text_with_chinese_forms_or_traditional_is_chinese(resolver, text):
    assert resolver.resolve(text).language == "zh"


def test_han_forms():
    from haina.langid.scripts import han_form, han_language

    assert han_form("変") == "ja" and han_form("证") == "zh" and han_form("上") is None
    assert han_language("上海") is None  # shared characters decide nothing; the detector does


def test_short_han_message_keeps_the_conversation_language(resolver):
    # a district name in Han characters is no reason to switch a Japanese conversation to Chinese
    assert resolver.resolve("浦东", current="ja").language == "ja"
    assert resolver.resolve("静安区", current="ko").language == "ko"
    assert resolver.resolve("浦东新区", current="fr").language == "fr"
    assert resolver.resolve("了解", current="ja").language == "ja"  # short kanji: zh or ja, keep
    assert resolver.resolve("好的", current="zh").language == "zh"


@pytest.mark.parametrize("current", ["en", "fr", "de", "es", "ru", "ko"])
@pytest.mark.parametrize("text", ["你好", "谢谢", "好的", "请问"])
def test_short_chinese_after_another_script_switches(resolver, current, text):
    # whoever writes Han characters in an English conversation now writes Chinese
    decision = resolver.resolve(text, current=current)
    assert decision.language == "zh" and decision.reason == "script"


@pytest.mark.parametrize(
    "text, expected",
    [("insurance agent", "en"), ("procurement officer", "en"), ("assurance maladie", "fr"), ("carte bancaire", "fr"),
     ("Krankenversicherung Ausland", "de"), ("seguro médico", "es"), ("permiso trabajo", "es")],
)
def test_word_frequencies_settle_a_few_latin_words(text, expected):
    from haina.langid import lexicon, make_backend

    assert lexicon.rescore(text, make_backend("lingua").ranking(text))[0].language == expected


def test_word_frequencies_keep_a_distribution_and_leave_other_texts_alone():
    from haina.langid import Detection, lexicon

    ranking = [Detection("fr", 0.5), Detection("en", 0.4), Detection("es", 0.1)]
    rescored = lexicon.rescore("insurance agent", ranking)
    assert sum(d.confidence for d in rescored) == pytest.approx(1.0)
    assert rescored[0].language == "en"
    long_text = "this sentence has far too many words to be rescored by frequencies"
    assert lexicon.rescore(long_text, ranking) == ranking
    assert lexicon.rescore("12345", ranking) == ranking
    assert lexicon.rescore("привет", [Detection("ru", 1.0)]) == [Detection("ru", 1.0)]


def test_word_frequencies_can_be_switched_off():
    from haina.langid.resolver import ResolverSettings

    assert LanguageResolver(ResolverSettings(word_frequencies=False)).settings.word_frequencies is False


@pytest.mark.parametrize(
    "text, expected",
    [("in Japanese please", "ja"), ("请说中文", "zh"), ("auf Deutsch bitte", "de"), ("по-русски", "ru"),
     ("en français svp", "fr"), ("한국어로 해주세요", "ko"), ("en español por favor", "es"), ("日本語でお願いします", "ja"),
     ("English please", "en"), ("用中文回答", "zh"), ("answer in French", "fr"), ("Deutsch", "de"),
     ("habla español", "es"), ("говори по-английски", "en"), ("中国語でお願いします", "zh"), ("영어로 답해 주세요", "en")],
)
def test_request_is_remembered_over_later_messages(resolver, text, expected):
    first = resolver.resolve(text, current="ko" if expected != "ko" else "ja")
    assert (first.language, first.pinned, first.reason) == (expected, expected, "request")
    later = resolver.resolve("How long does the work permit take to process in Shanghai?", current=expected, pinned=first.pinned)
    assert later.language == expected


def test_hint_normalised_from_locales(resolver):
    from haina.languages import normalise

    assert resolver.resolve("👋", hint=normalise("zh_CN")).language == "zh"
    assert resolver.resolve("ok", hint=normalise("ko-KR")).language == "ko"


@pytest.mark.parametrize(
    "text, expected",
    [("С 1 апреля 2017 года разрешение на работу для иностранцев (外国人工作许可证) заменило прежнее", "ru"),
     ("Since April 2017 the Foreigner's Work Permit (外国人工作许可证) has replaced the old permits", "en"),
     ("外国人工作许可证 (Foreigner's Work Permit) 怎么办理", "zh"),
     ("Z visa 怎么转工作签证", "zh")],
)
def test_a_quoted_term_in_another_script_does_not_decide(resolver, text, expected):
    assert resolver.resolve(text).language == expected
